package vault

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// helperEnv makes the test binary act as a helper process instead of
// running tests (the os/exec TestHelperProcess pattern).
const helperEnv = "AWSKEEP_VAULT_TEST_HELPER"

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "":
		os.Exit(m.Run())
	case "hold-lock":
		helperHoldLock()
	case "report-startup":
		helperReportStartup()
	case "connect-directly":
		helperConnectDirectly()
	default:
		fmt.Fprintln(os.Stderr, "unknown helper", os.Getenv(helperEnv))
		os.Exit(2)
	}
	os.Exit(0)
}

func readLineTimeout(r io.Reader, timeout time.Duration) (string, error) {
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case l := <-line:
		return l, nil
	case <-time.After(timeout):
		return "", fmt.Errorf("no line within %s", timeout)
	}
}
