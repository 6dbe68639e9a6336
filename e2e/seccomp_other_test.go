//go:build !linux

package e2e

import (
	"fmt"
	"os"
)

const noKeyctlEnv = "AWSKEEP_E2E_EXEC_WITHOUT_KEYCTL"

func execWithoutKeyctl(string) {
	fmt.Fprintln(os.Stderr, "e2e: the kernel keyring exists only on Linux")
	os.Exit(2)
}
