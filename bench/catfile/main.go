// Command catfile prints a file: the trivial baseline a cached
// credential_process helper is measured against.
package main

import (
	"os"
)

func main() {
	b, err := os.ReadFile(os.Args[1])
	if err != nil {
		os.Exit(1)
	}
	os.Stdout.Write(b)
}
