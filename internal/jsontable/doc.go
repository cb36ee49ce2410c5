// Package jsontable is test support for --json: see jsontable.go.
package jsontable
