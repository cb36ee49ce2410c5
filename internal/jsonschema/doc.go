// Package jsonschema is the schema of `ipvsadm --json`: the documents each
// list view prints (Table, TimeoutsDoc, Daemons, Conns) and Doc, any of
// them as a reader decodes it. The producer (internal/ipvsadm), top's JSON
// frames and the tests all use these types, so a field's name is written
// once; docs/json.md describes each.
package jsonschema
