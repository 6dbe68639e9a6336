package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// waitForFile waits until path exists; false after limit (a guard against
// a hang, not a measurement).
func waitForFile(path string, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(path); err == nil {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// TestExecShowsWhatItWaitsFor: while another awskeep holds kim's session
// lock (its mfa_process has not answered yet), `awskeep exec kim` on a
// terminal says so on one line, naming that process, and clears the line
// before its command's output; an export waiting on the same lock with
// stderr on a pipe prints nothing about it.
func TestExecShowsWhatItWaitsFor(t *testing.T) {
	u := newUser(t, "file")
	kim, device := moto.CreateMFAUser(t, "kim")
	u.ok(kim.Key.AccessKeyID+"\n"+kim.Key.SecretAccessKey+"\n", "add", "kim")
	asked, goOn := filepath.Join(u.home, "mfa-asked"), filepath.Join(u.home, "mfa-go")
	gate := filepath.Join(u.home, "mfa-gate.sh")
	script := fmt.Sprintf(": > %s\nwhile [ ! -e %s ]; do sleep 0.05; done\nexec %s\n", asked, goOn, device.MFAProcess(t, ""))
	if err := os.WriteFile(gate, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	u.ok("", "profile", "set", "kim", "mfa_serial="+device.Serial, "mfa_process=sh "+gate)

	// The holder: its mfa_process runs under the session lock until told.
	holder := exec.Command(awskeepBin, "exec", "kim", "--", "true")
	holder.Env = u.env
	var holderOut bytes.Buffer
	holder.Stdout, holder.Stderr = &holderOut, &holderOut
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	released := false
	release := func() {
		if !released {
			released = true
			os.WriteFile(goOn, nil, 0o600)
		}
	}
	defer release()
	if !waitForFile(asked, 60*time.Second) {
		t.Fatalf("the holder never ran its mfa_process: %s", holderOut.String())
	}

	// An export whose stderr is a pipe, waiting on the same lock.
	piped := exec.Command(awskeepBin, "export", "kim")
	piped.Env = u.env
	var pipedOut, pipedErr bytes.Buffer
	piped.Stdout, piped.Stderr = &pipedOut, &pipedErr
	if err := piped.Start(); err != nil {
		t.Fatal(err)
	}

	// exec on a terminal, waiting on it too; the driver says when the line
	// is up, and only then does the holder go on.
	want := fmt.Sprintf("waiting for another awskeep (pid %d) getting a session for kim…", holder.Process.Pid)
	seen := filepath.Join(u.home, "line-seen")
	onTTY := ptyCommand(u.env, ptySpec{Steps: []ptyStep{{Wait: want, Touch: seen}}}, awskeepBin, "exec", "kim", "--", "sh", "-c", "echo child-ran")
	var terminal bytes.Buffer
	onTTY.Stdout = &terminal
	if err := onTTY.Start(); err != nil {
		t.Fatal(err)
	}
	shown := waitForFile(seen, 60*time.Second)
	release()
	ttyErr := onTTY.Wait()
	if err := holder.Wait(); err != nil {
		t.Fatalf("holder: %v\n%s", err, holderOut.String())
	}
	if err := piped.Wait(); err != nil {
		t.Fatalf("export: %v\n%s", err, pipedErr.String())
	}
	got := terminal.String()
	if ttyErr != nil || !shown {
		t.Fatalf("exec on a terminal (%v) never showed %q; terminal:\n%q", ttyErr, want, got)
	}
	line := "\r\x1b[K" + want
	at := strings.Index(got, line)
	cleared := strings.Index(got[at+len(line):], "\r\x1b[K")
	child := strings.Index(got, "child-ran")
	if cleared < 0 || child < at+len(line)+cleared {
		t.Errorf("the line is not cleared before the command's output; terminal:\n%q", got)
	}
	if strings.Count(got, want) != 1 {
		t.Errorf("the line was drawn %d times; terminal:\n%q", strings.Count(got, want), got)
	}
	if pipedErr.Len() != 0 {
		t.Errorf("export with stderr on a pipe wrote %q", pipedErr.String())
	}
	contains(t, "export", pipedOut.String(), "AWS_SESSION_TOKEN=")
}
