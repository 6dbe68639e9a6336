package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/awskeep/awskeep/internal/keyringtest"
)

// The file keyring on the real kernel keyring. These tests run awskeep with
// no controlling terminal (setsid) unless they use a pty on purpose, and
// without AWSKEEP_FILE_PASSPHRASE unless they pass it.

// fileUser is a user on the file backend whose environment has no
// passphrase, with one stored key (profile kim) that may get sessions.
func fileUser(t *testing.T) *user {
	t.Helper()
	u := newUser(t, "file")
	u.env = slices.DeleteFunc(u.env, func(kv string) bool { return strings.HasPrefix(kv, "AWSKEEP_FILE_PASSPHRASE=") })
	kim := moto.CreateUser(t, "kim")
	moto.AllowUser(t, kim, "sts:GetSessionToken")
	u.detached(t, kim.Key.AccessKeyID+"\n"+kim.Key.SecretAccessKey+"\n", withPassphrase(), 0, "add", "kim")
	t.Cleanup(func() { u.runDetached(t, "", nil, "lock") })
	return u
}

func withPassphrase() []string { return []string{"AWSKEEP_FILE_PASSPHRASE=" + filePassphrase} }

func (u *user) keysDir() string { return filepath.Join(u.home, ".awskeep", "keys") }

// runDetached runs awskeep in a new session without a controlling terminal.
func (u *user) runDetached(t *testing.T, stdin string, env []string, args ...string) result {
	t.Helper()
	return u.runAwskeep(t, 90*time.Second, &syscall.SysProcAttr{Setsid: true}, stdin, env, args...)
}

// detached is runDetached that fails the test unless the exit code is code.
func (u *user) detached(t *testing.T, stdin string, env []string, code int, args ...string) result {
	t.Helper()
	r := u.runDetached(t, stdin, env, args...)
	if r.code != code {
		t.Fatalf("awskeep %v: exit %d, want %d\nstdout: %s\nstderr: %s", args, r.code, code, r.stdout, r.stderr)
	}
	return r
}

type keyringStatus struct {
	Format      string `json:"format"`
	Locked      *bool  `json:"locked"`
	SecondsLeft *int64 `json:"seconds_left"`
	Keys        int    `json:"keys"`
	Sessions    int    `json:"sessions"`
}

func (u *user) keyringStatus(t *testing.T) keyringStatus {
	t.Helper()
	r := u.detached(t, "", nil, 0, "keyring", "status", "--json")
	var st keyringStatus
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil || st.Locked == nil {
		t.Fatalf("keyring status --json: %v\n%s", err, r.stdout)
	}
	return st
}

func credentialJSON(t *testing.T, out string) {
	t.Helper()
	var c struct{ Version int }
	if err := json.Unmarshal([]byte(out), &c); err != nil || c.Version != 1 {
		t.Fatalf("not credential_process JSON: %q", out)
	}
}

// TestFileUnlockOnKernelKeyring: unlock with the passphrase on stdin; then
// credential-process works with no passphrase and no terminal; lock, and it
// fails saying 'awskeep unlock'; unlock --for 2s ends by itself.
func TestFileUnlockOnKernelKeyring(t *testing.T) {
	u := fileUser(t)
	r := u.runDetached(t, "", nil, "credential-process", "kim")
	if r.code != 1 || !strings.Contains(r.stderr, "awskeep unlock") || !strings.Contains(r.stderr, u.keysDir()) {
		t.Fatalf("locked, no terminal: exit %d, stderr %q; want 1 and a pointer to 'awskeep unlock' naming the store", r.code, r.stderr)
	}

	u.detached(t, filePassphrase+"\n", nil, 0, "unlock")
	if st := u.keyringStatus(t); *st.Locked || st.SecondsLeft == nil || *st.SecondsLeft < 7*3600 || st.Format != "awskeep-file-v2" {
		t.Errorf("after unlock: %+v, want unlocked for about 8h in format v2", st)
	}
	credentialJSON(t, u.detached(t, "", nil, 0, "credential-process", "kim").stdout)
	// The cached session and the key are read without the passphrase again.
	credentialJSON(t, u.detached(t, "", nil, 0, "credential-process", "kim").stdout)

	// Another session keyring (another SSH login with pam_keyinit, or
	// `keyctl session -`) does not see the unlock.
	other := exec.Command("keyctl", "session", "-", awskeepBin, "credential-process", "kim")
	other.Env = u.env
	other.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if out, err := other.CombinedOutput(); err == nil || !strings.Contains(string(out), "awskeep unlock") {
		t.Errorf("from a new session keyring: %v\n%s; want the locked error", err, out)
	}

	u.detached(t, "", nil, 0, "lock")
	r = u.runDetached(t, "", nil, "credential-process", "kim")
	if r.code != 1 || !strings.Contains(r.stderr, "awskeep unlock") {
		t.Fatalf("after lock: exit %d, stderr %q", r.code, r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("stdout after a failure: %q", r.stdout)
	}

	// A wrong passphrase is refused in words and unlocks nothing.
	r = u.runDetached(t, "not the passphrase\n", nil, "unlock")
	if r.code != 1 || !strings.Contains(r.stderr, "wrong passphrase") {
		t.Errorf("unlock with a wrong passphrase: exit %d, %q", r.code, r.stderr)
	}
	if st := u.keyringStatus(t); !*st.Locked {
		t.Error("a wrong passphrase unlocked the store")
	}

	// (Nothing is asserted while the 2s run: under load, a race-built
	// process may take that long to start.)
	r = u.detached(t, filePassphrase+"\n", nil, 0, "unlock", "--for", "2s")
	contains(t, "unlock --for 2s", r.stderr, "(2s)")
	deadline := time.Now().Add(60 * time.Second)
	for !*u.keyringStatus(t).Locked {
		if time.Now().After(deadline) {
			t.Fatal("unlock --for 2s still unlocked after a minute")
		}
		time.Sleep(200 * time.Millisecond)
	}
	r = u.runDetached(t, "", nil, "credential-process", "kim")
	if r.code != 1 || !strings.Contains(r.stderr, "awskeep unlock") {
		t.Errorf("after the unlock expired: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestFileNewStoreAsksTwice: a new store takes the passphrase twice and
// refuses a mismatch, creating nothing.
func TestFileNewStoreAsksTwice(t *testing.T) {
	u := newUser(t, "file")
	u.env = slices.DeleteFunc(u.env, func(kv string) bool { return strings.HasPrefix(kv, "AWSKEEP_FILE_PASSPHRASE=") })
	t.Cleanup(func() { u.runDetached(t, "", nil, "lock") })
	r := u.runDetached(t, "typed once\ntyped 0nce\n", nil, "unlock")
	if r.code != 1 || !strings.Contains(r.stderr, "differ") {
		t.Fatalf("mismatch: exit %d, %q", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(u.keysDir(), ".awskeep-store")); err == nil {
		t.Fatal("a mismatched passphrase created the store")
	}
	u.detached(t, "same\nsame\n", nil, 0, "unlock", "--for", "1m")
	if st := u.keyringStatus(t); *st.Locked || st.Format != "awskeep-file-v2" {
		t.Errorf("after creating: %+v", st)
	}
}

// TestFilePasswd: the old passphrase stops working, the new one works, and
// the items are unchanged byte for byte.
func TestFilePasswd(t *testing.T) {
	u := fileUser(t)
	before := readItems(t, u.keysDir())
	r := u.runDetached(t, "wrong old\nnew-pass\nnew-pass\n", nil, "keyring", "passwd")
	if r.code != 1 || !strings.Contains(r.stderr, "wrong passphrase") {
		t.Errorf("passwd with a wrong old passphrase: exit %d, %q", r.code, r.stderr)
	}
	r = u.runDetached(t, filePassphrase+"\nnew-pass\nnew-typo\n", nil, "keyring", "passwd")
	if r.code != 1 || !strings.Contains(r.stderr, "differ") {
		t.Errorf("passwd with differing new passphrases: exit %d, %q", r.code, r.stderr)
	}
	u.detached(t, filePassphrase+"\nnew-pass\nnew-pass\n", nil, 0, "keyring", "passwd")
	if after := readItems(t, u.keysDir()); !mapsEqual(before, after) {
		t.Error("passwd changed the items")
	}
	r = u.runDetached(t, "", withPassphrase(), "export", "kim", "--no-session")
	if r.code != 1 || !strings.Contains(r.stderr, "wrong passphrase") {
		t.Errorf("old passphrase after passwd: exit %d, %q", r.code, r.stderr)
	}
	r = u.detached(t, "", []string{"AWSKEEP_FILE_PASSPHRASE=new-pass"}, 0, "export", "kim", "--no-session", "--format", "json")
	credentialJSON(t, r.stdout)
}

func readItems(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// parallelTTYDriver runs argv[3:] N times at once (N = argv[2]), all with one
// pseudo-terminal as their controlling terminal (as terraform's parallel
// credential_process helpers share the user's terminal), each with stdout
// and stderr to files out.I and err.I in argv[1]. It answers every
// passphrase prompt it sees with $ANSWER, but only once every caller has
// come to the unlock lock (each test build announces it on stderr), so the
// others are surely waiting; it prints the number of prompts.
const parallelTTYDriver = `
import os, pty, sys, time
outdir, n, argv = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
prompt, answer = b"Passphrase for the awskeep file keyring", os.environ["ANSWER"].encode()
pid, fd = pty.fork()
if pid == 0:
    kids = []
    for i in range(n):
        k = os.fork()
        if k == 0:
            os.dup2(os.open(os.path.join(outdir, "out.%d" % i), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 1)
            os.dup2(os.open(os.path.join(outdir, "err.%d" % i), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 2)
            os.execv(argv[0], argv)
        kids.append(k)
    bad = 0
    for k in kids:
        _, status = os.waitpid(k, 0)
        bad += os.waitstatus_to_exitcode(status) != 0
    os._exit(min(bad, 100))
seen, prompts = b"", 0
while True:
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
    while prompt in seen:
        prompts += 1
        seen = seen[seen.index(prompt) + len(prompt):]
        deadline = time.time() + 60
        while time.time() < deadline:
            arrived = 0
            for i in range(n):
                try:
                    arrived += b"at unlock-wait" in open(os.path.join(outdir, "err.%d" % i), "rb").read()
                except OSError:
                    pass
            if arrived == n:
                break
            time.sleep(0.05)
        os.write(fd, answer + b"\n")
_, status = os.waitpid(pid, 0)
print(prompts)
sys.stderr.buffer.write(seen)
sys.exit(os.waitstatus_to_exitcode(status))
`

// TestFileOnePromptForParallelCallers: 16 credential-process calls at once on
// one terminal with the store locked: one passphrase prompt, all succeed,
// and the typed passphrase leaves the store unlocked (said once).
func TestFileOnePromptForParallelCallers(t *testing.T) {
	u := fileUser(t)
	outDir := t.TempDir()
	cmd := exec.Command("python3", "-c", parallelTTYDriver, outDir, "16", awskeepBin, "credential-process", "kim")
	cmd.Env = append(append([]string{}, u.env...), "ANSWER="+filePassphrase, "AWSKEEP_TEST_ANNOUNCE=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("driver: %v\nterminal after the prompts: %s", err, stderr.String())
	}
	if got := strings.TrimSpace(string(out)); got != "1" {
		t.Errorf("%s passphrase prompts on the terminal, want exactly 1", got)
	}
	if n := strings.Count(stderr.String(), "stays unlocked"); n != 1 {
		t.Errorf("the unlock was told %d times, want once:\n%s", n, stderr.String())
	}
	for i := range 16 {
		b, _ := os.ReadFile(filepath.Join(outDir, "out."+itoa(i)))
		credentialJSON(t, string(b))
	}
	if st := u.keyringStatus(t); *st.Locked || st.Sessions != 1 {
		t.Errorf("after the prompt: %+v, want unlocked with one cached session", st)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestKeyringMove: keyring move --to keyctl copies every item, verifies it
// and empties the file keyring; the key works from the new backend; a dry
// run changes nothing.
func TestKeyringMove(t *testing.T) {
	u := newUser(t, "file")
	kim := moto.CreateUser(t, "kim")
	moto.AllowUser(t, kim, "sts:GetSessionToken")
	u.ok(kim.Key.AccessKeyID+"\n"+kim.Key.SecretAccessKey+"\n", "add", "kim")
	credentialJSON(t, u.ok("", "credential-process", "kim").stdout) // and a cached session
	u.env = append(u.env, keyringtest.Keyctl(t)...)

	r := u.ok("", "keyring", "move", "--to", "keyctl", "--dry-run")
	contains(t, "dry run", r.stdout, "awskeep.key.kim", "awskeep.session.")
	if st := u.keyringStatus(t); st.Keys != 1 || st.Sessions != 1 {
		t.Fatalf("after the dry run: %+v", st)
	}
	r = u.ok("", "keyring", "move", "--to", "keyctl")
	contains(t, "move", r.stderr, "Moved 3 items from file", "to keyctl", "AWSKEEP_BACKEND=keyctl")
	if st := u.keyringStatus(t); st.Keys != 0 || st.Sessions != 0 {
		t.Errorf("file keyring after the move: %+v", st)
	}
	r = u.run("", []string{"AWSKEEP_BACKEND=keyctl"}, "list", "--json")
	contains(t, "list on keyctl", r.stdout, `"profile": "kim"`)
	moto.StartRecording(t)
	r = u.run("", []string{"AWSKEEP_BACKEND=keyctl"}, "credential-process", "kim")
	if r.code != 0 {
		t.Fatalf("credential-process on keyctl: %d %s", r.code, r.stderr)
	}
	credentialJSON(t, r.stdout)
	if n := stsCalls(moto.Recorded(t), "GetSessionToken"); n != 0 {
		t.Errorf("%d GetSessionToken calls: the moved session was not used", n)
	}
}

// TestFileWithoutKernelKeyring: under a seccomp filter that blocks the
// keyring system calls (as Docker's default profile does), unlock says the
// kernel keyring is not available; a command on a terminal still works by
// asking, says it cannot stay unlocked, and the next one asks again.
func TestFileWithoutKernelKeyring(t *testing.T) {
	u := fileUser(t)
	wrapper := []string{noKeyctlEnv + "=" + awskeepBin}
	blocked := func(stdin string, args ...string) result {
		cmd := exec.Command(os.Args[0], args...)
		cmd.Env = append(append([]string{}, u.env...), wrapper...)
		cmd.Stdin = strings.NewReader(stdin)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		r := result{stdout: out.String(), stderr: errb.String()}
		if ee, ok := err.(*exec.ExitError); ok {
			r.code = ee.ExitCode()
		}
		return r
	}
	r := blocked(filePassphrase+"\n", "unlock")
	if r.code != 1 || !strings.Contains(r.stderr, "kernel keyring") || !strings.Contains(r.stderr, "not available here") {
		t.Fatalf("unlock without keyctl: exit %d, %q", r.code, r.stderr)
	}
	// Locked stays locked, and the error still points to unlock.
	r = blocked("", "credential-process", "kim")
	if r.code != 1 || !strings.Contains(r.stderr, "awskeep unlock") {
		t.Errorf("credential-process without keyctl or terminal: exit %d, %q", r.code, r.stderr)
	}
	for i := range 2 {
		outDir := t.TempDir()
		cmd := exec.Command("python3", "-c", parallelTTYDriver, outDir, "1", os.Args[0], "credential-process", "kim")
		cmd.Env = append(append(append([]string{}, u.env...), wrapper...), "ANSWER="+filePassphrase, "AWSKEEP_TEST_ANNOUNCE=1")
		var terminal bytes.Buffer
		cmd.Stderr = &terminal
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("run %d on a terminal: %v\n%s", i, err, terminal.String())
		}
		if got := strings.TrimSpace(string(out)); got != "1" {
			t.Errorf("run %d: %s prompts, want 1 (nothing cached between runs)", i, got)
		}
		contains(t, "terminal", terminal.String(), "each command will ask for the passphrase")
		b, _ := os.ReadFile(filepath.Join(outDir, "out.0"))
		credentialJSON(t, string(b))
	}
}
