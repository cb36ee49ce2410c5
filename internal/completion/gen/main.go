// Command gen prints a completion script: go run ./internal/completion/gen bash|zsh.
// make install uses it; "ipvsadm completion bash|zsh" prints the same.
package main

import (
	"os"

	"github.com/lvsgo/ipvsadm/internal/completion"
)

func main() {
	os.Exit(completion.Main(os.Args[1:], os.Stdout, os.Stderr))
}
