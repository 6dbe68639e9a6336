// Command catfilehttp is catfile linked with net/http (as every AWS client
// is): it measures what start-up costs any Go program that can talk to AWS,
// before it does anything.
package main

import (
	_ "net/http"
	"os"
)

func main() {
	b, err := os.ReadFile(os.Args[1])
	if err != nil {
		os.Exit(1)
	}
	os.Stdout.Write(b)
}
