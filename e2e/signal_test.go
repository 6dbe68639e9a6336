package e2e

import (
	"bufio"
	"context"
	"errors"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestExecServerForwardsSignals: with --server awskeep stays beside the
// child; a SIGTERM sent to awskeep reaches the child, and the child's exit
// code comes back.
func TestExecServerForwardsSignals(t *testing.T) {
	s := newRoleSetup(t, "file")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, awskeepBin, "exec", "deploy", "--server", "--",
		"sh", "-c", `trap 'exit 42' TERM; echo ready; while :; do sleep 0.1; done`)
	cmd.Env = s.u.env
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "ready" {
		t.Fatalf("child did not start: %q %v", line, err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 42 {
		t.Fatalf("awskeep ended with %v, want the child's exit code 42", err)
	}
}
