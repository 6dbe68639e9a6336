package sts

import (
	"fmt"
	"os"
	"testing"

	"github.com/awskeep/awskeep/internal/awstest"
)

// moto is one server shared by the package's tests; every test makes its
// own users, so they may run in parallel.
var moto *awstest.Moto

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		// A re-executed test binary acting as one more awskeep process
		// (see TestParallelProcessesShareOneCall): no moto of its own.
		os.Exit(m.Run())
	}
	server, stop, err := awstest.StartForMain()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	moto = server
	code := m.Run()
	if code != 0 {
		fmt.Fprintf(os.Stderr, "moto log (%s):\n%s\n", moto.LogPath(), moto.LogTail(3000))
	}
	stop()
	os.Exit(code)
}

func motoConfig() ClientConfig {
	return ClientConfig{Region: awstest.Region, STSEndpoint: moto.Endpoint, IAMEndpoint: moto.Endpoint}
}

func keyOf(c awstest.Credentials) StaticKey {
	return StaticKey{AccessKeyID: c.AccessKeyID, SecretAccessKey: vaultSecret(c.SecretAccessKey)}
}
