// Command motodemo runs the test harness's moto server (STS and IAM with
// authentication enforced) for scripts/demo: it prints the variables that
// point clients at it, then serves until its standard input closes or it is
// signalled, and stops the server.
package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/awskeep/awskeep/internal/awstest"
)

func main() {
	m, stop, err := awstest.StartForMain()
	if err != nil {
		fmt.Fprintln(os.Stderr, "motodemo:", err)
		os.Exit(1)
	}
	defer stop()
	for _, kv := range m.Env() {
		fmt.Println("export " + kv)
	}
	fmt.Println("export MOTO_ADMIN_ACCESS_KEY_ID=" + m.Admin.AccessKeyID)
	fmt.Println("export MOTO_ADMIN_SECRET_ACCESS_KEY=" + m.Admin.SecretAccessKey)
	fmt.Println("# ready")

	done := make(chan struct{})
	go func() { io.Copy(io.Discard, os.Stdin); close(done) }()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	select {
	case <-done:
	case <-sig:
	}
}
