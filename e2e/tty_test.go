package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ttyDriver runs a command with a pseudo-terminal as its controlling
// terminal and stdin, its stdout to a file (as under credential_process,
// where stdout belongs to the caller), answers the first prompt containing
// argv[2] with argv[3] as soon as the terminal stops echoing (a hidden
// prompt; at the latest after 5 seconds, so an echoed answer shows), and
// prints what appeared on the terminal.
const ttyDriver = `
import os, pty, sys, termios, time
out_path, prompt, answer, argv = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode(), sys.argv[4:]
pid, fd = pty.fork()
if pid == 0:
    out = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(out, 1)
    os.execv(argv[0], argv)
seen, answered = b"", False
while True:
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
    if prompt and not answered and prompt in seen:
        deadline = time.monotonic() + 5
        while termios.tcgetattr(fd)[3] & termios.ECHO and time.monotonic() < deadline:
            time.sleep(0.01)
        os.write(fd, answer + b"\n")
        answered = True
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(seen)
sys.exit(os.waitstatus_to_exitcode(status))
`

// onTerminal runs awskeep under ttyDriver; it returns the terminal
// transcript and awskeep's stdout.
func (u *user) onTerminal(t *testing.T, env []string, prompt, answer string, args ...string) (terminal, stdout string, code int) {
	t.Helper()
	outFile := filepath.Join(u.home, "tty-stdout")
	argv := append([]string{"-c", ttyDriver, outFile, prompt, answer, awskeepBin}, args...)
	cmd := exec.Command("python3", argv...)
	cmd.Env = append(append([]string{}, u.env...), env...)
	b, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	out, _ := os.ReadFile(outFile)
	return string(b), string(out), code
}

// TestMFAPromptOnTerminalUnderCredentialProcess: the MFA code is asked on the
// controlling terminal, not on stdout, so credential_process works.
func TestMFAPromptOnTerminalUnderCredentialProcess(t *testing.T) {
	u := newUser(t, "file")
	kim, device := moto.CreateMFAUser(t, "kim")
	u.ok(kim.Key.AccessKeyID+"\n"+kim.Key.SecretAccessKey+"\n", "add", "kim")
	serial := device.Serial
	u.ok("", "profile", "set", "kim", "mfa_serial="+serial)

	moto.StartRecording(t)
	typed := device.Code()
	terminal, stdout, code := u.onTerminal(t, nil, "MFA code for", typed, "credential-process", "kim")
	if code != 0 {
		t.Fatalf("exit %d; terminal:\n%s", code, terminal)
	}
	contains(t, "terminal", terminal, "MFA code for "+serial)
	if strings.Contains(terminal, typed+"\r\n") {
		t.Errorf("the MFA code was echoed as it was typed:\n%s", terminal)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(stdout), &out); err != nil || out["Version"] != float64(1) {
		t.Fatalf("stdout is not just the JSON: %q", stdout)
	}
	if strings.Contains(stdout, "MFA") {
		t.Errorf("prompt on stdout: %q", stdout)
	}
	if got := moto.CallerARN(t, processCredentials(t, stdout)); got != kim.ARN {
		t.Errorf("the MFA session is %s, want kim %s", got, kim.ARN)
	}
	var sent []string
	for _, r := range moto.Recorded(t) {
		if r.Action == "GetSessionToken" {
			sent = append(sent, r.Params.Get("SerialNumber")+" "+r.Params.Get("TokenCode"))
		}
	}
	if strings.Join(sent, ",") != serial+" "+typed {
		t.Errorf("GetSessionToken sent %v, want one with the typed code", sent)
	}
}

// TestCredentialProcessReminderOnTerminalOncePerDay: a due key's reminder
// goes to the terminal, never to stdout, and only once a day.
func TestCredentialProcessReminderOnTerminalOncePerDay(t *testing.T) {
	u := newUser(t, "file")
	lee := moto.CreateUser(t, "lee")
	u.ok(lee.Key.AccessKeyID+"\n"+lee.Key.SecretAccessKey+"\n", "add", "lee")
	waitPastOneSecond()
	env := []string{"AWSKEEP_ROTATE_AFTER=1s"}
	terminal, stdout, code := u.onTerminal(t, env, "", "", "credential-process", "lee", "--no-session")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, terminal)
	}
	contains(t, "terminal", terminal, "reminder", "awskeep rotate lee")
	if strings.Contains(stdout, "rotate") {
		t.Errorf("reminder on stdout: %q", stdout)
	}
	terminal, _, _ = u.onTerminal(t, env, "", "", "credential-process", "lee", "--no-session")
	if strings.Contains(terminal, "reminder") {
		t.Errorf("second reminder the same day: %q", terminal)
	}
}
