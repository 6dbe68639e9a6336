package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// ptyDriver runs argv[2:] on a pseudo-terminal of 80x24 (a pty starts with
// no size) that is its controlling terminal, stdin and stderr, and stdout
// too unless the spec (argv[1], JSON) names a file for it, as under
// credential_process, where stdout belongs to the caller. It works through
// the spec's steps in order: each waits for its text to appear after the
// previous step, then creates its "touch" file, or types its "send" bytes
// (a "hidden" step once the terminal stops echoing, at the latest after
// 5 s, so an echoed answer shows). Unless "silent", it answers the queries a
// terminal emulator answers (device attributes, background colour, cursor
// position). It kills the command after 120 s, prints the transcript and
// exits with the command's code.
const ptyDriver = `
import fcntl, json, os, pty, select, struct, sys, termios, time
spec, argv = json.loads(sys.argv[1]), sys.argv[2:]
steps = spec.get("steps") or []
pid, fd = pty.fork()
if pid == 0:
    if spec.get("stdout"):
        out = os.open(spec["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(out, 1)
    os.execv(argv[0], argv)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
seen, mark, deadline = b"", 0, time.time() + 120
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.05)
    if r:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if not spec.get("silent"):
            if b"\x1b]11;?" in chunk:
                os.write(fd, b"\x1b]11;rgb:0000/0000/0000\x1b\\")
            if b"\x1b[c" in chunk:
                os.write(fd, b"\x1b[?62c")
            if b"\x1b[6n" in chunk:
                os.write(fd, b"\x1b[1;1R")
    if steps and steps[0]["wait"].encode() in seen[mark:]:
        step = steps.pop(0)
        if step.get("touch"):
            open(step["touch"], "w").close()
        elif step.get("hidden"):
            limit = time.monotonic() + 5
            while termios.tcgetattr(fd)[3] & termios.ECHO and time.monotonic() < limit:
                time.sleep(0.01)
            os.write(fd, step["send"].encode())
        else:
            time.sleep(0.2)
            os.write(fd, step["send"].encode())
        mark = len(seen)
else:
    os.kill(pid, 9)
    seen += b"\n[ptyDriver: killed after 120 s; steps left: " + json.dumps(steps).encode() + b"]"
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(seen)
sys.exit(os.waitstatus_to_exitcode(status))
`

// ptyStep is one step of ptyDriver: wait for Wait, then Touch a file or
// type Send (Hidden: once the terminal stops echoing).
type ptyStep struct {
	Wait   string `json:"wait"`
	Send   string `json:"send,omitempty"`
	Hidden bool   `json:"hidden,omitempty"`
	Touch  string `json:"touch,omitempty"`
}

// ptySpec says how ptyDriver runs a command.
type ptySpec struct {
	Steps  []ptyStep `json:"steps"`
	Stdout string    `json:"stdout,omitempty"` // a file for stdout; "" leaves it on the terminal
	Silent bool      `json:"silent,omitempty"` // a terminal that answers no query
}

// ptyCommand is argv run under ptyDriver; its stdout is the terminal's
// transcript.
func ptyCommand(env []string, spec ptySpec, argv ...string) *exec.Cmd {
	js, _ := json.Marshal(spec)
	cmd := exec.Command("python3", append([]string{"-c", ptyDriver, string(js)}, argv...)...)
	cmd.Env = env
	return cmd
}

// onPTY runs awskeep under ptyDriver with the user's environment and env;
// it returns the terminal's transcript, what went to the spec's stdout file
// and the exit code.
func (u *user) onPTY(t *testing.T, env []string, spec ptySpec, args ...string) (terminal, stdout string, code int) {
	t.Helper()
	cmd := ptyCommand(append(append([]string{}, u.env...), env...), spec, append([]string{awskeepBin}, args...)...)
	b, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if spec.Stdout != "" {
		out, _ := os.ReadFile(spec.Stdout)
		stdout = string(out)
	}
	return string(b), stdout, code
}

// stdoutFile is where onPTY's callers send awskeep's stdout.
func (u *user) stdoutFile() string { return filepath.Join(u.home, "pty-stdout") }
