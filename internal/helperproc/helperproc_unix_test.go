//go:build !windows

package helperproc

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// alive reports whether pid is a live process (not gone, not a zombie).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return !os.IsNotExist(err)
	}
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(fields) == 0 || fields[0] != "Z"
}

// A timed-out helper dies with every process it started: the shell's
// background child here (it holds no pipe, so before the fix Run returned
// and left it running).
func TestTimeoutKillsTheProcessGroup(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "pid")
	line := "sleep 1000 >/dev/null 2>&1 & echo $! > " + pidFile + "; wait"
	_, err := Run(context.Background(), Command{Line: line, Timeout: 300 * time.Millisecond})
	var timeout *TimeoutError
	if !errors.As(err, &timeout) || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("err = %v, want a *TimeoutError saying it timed out", err)
	}
	raw, rerr := os.ReadFile(pidFile)
	pid, perr := strconv.Atoi(strings.TrimSpace(string(raw)))
	if rerr != nil || perr != nil {
		t.Fatalf("the helper wrote no pid: %v %v", rerr, perr)
	}
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGKILL) })
	// The kill is sent before Run returns; give the kernel a moment to
	// deliver it and init to reap the orphan.
	for i := 0; i < 100 && alive(pid); i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if alive(pid) {
		t.Errorf("the helper's child %d outlived the timeout", pid)
	}
}

// A grandchild that keeps the output pipe open does not hold Run past the
// timeout (before the fix Run waited for it: sleep 1000 took 1,000 s).
func TestTimeoutDoesNotWaitForTheGrandchild(t *testing.T) {
	done := make(chan error, 1)
	go func() {
		_, err := Run(context.Background(), Command{Line: "sleep 1000; echo never", Timeout: 300 * time.Millisecond})
		done <- err
	}()
	select {
	case err := <-done:
		var timeout *TimeoutError
		if !errors.As(err, &timeout) {
			t.Fatalf("err = %v, want *TimeoutError", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("Run still waiting a minute after a 300 ms timeout")
	}
}

func TestOutputAndEnvironment(t *testing.T) {
	out, err := Run(context.Background(), Command{Line: `printf '%s' "$HELPER_X"`, Env: []string{"HELPER_X=hello", "PATH=" + os.Getenv("PATH")}})
	if err != nil || string(out) != "hello" {
		t.Errorf("Run = %q, %v", out, err)
	}
}
