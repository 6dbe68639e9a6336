package cmd

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"sync"
	"testing"
)

// fakeTTY is a terminal that answers prompts with lines from a script and
// records what was written to it.
type fakeTTY struct {
	mu      sync.Mutex
	answers *strings.Reader
	written bytes.Buffer
	opened  int
}

type fakeTTYHandle struct{ t *fakeTTY }

func (h fakeTTYHandle) Read(p []byte) (int, error) {
	h.t.mu.Lock()
	defer h.t.mu.Unlock()
	return h.t.answers.Read(p)
}
func (h fakeTTYHandle) Write(p []byte) (int, error) {
	h.t.mu.Lock()
	defer h.t.mu.Unlock()
	return h.t.written.Write(p)
}
func (h fakeTTYHandle) Close() error { return nil }

func (te *testEnv) withTTY(answers string) *fakeTTY {
	tty := &fakeTTY{answers: strings.NewReader(answers)}
	te.f.IO.openTTY = func() (io.ReadWriteCloser, error) {
		tty.mu.Lock()
		tty.opened++
		tty.mu.Unlock()
		return fakeTTYHandle{tty}, nil
	}
	return tty
}

const testKeyPair = "AKIAIOSFODNN7EXAMPLE\nwJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"

// TestNewFileStoreAsksTwice: the first write to a new store asks the
// passphrase twice on the terminal, naming the store; a mismatch stores
// nothing; a match creates it and leaves it unlocked, saying so once.
func TestNewFileStoreAsksTwice(t *testing.T) {
	te := newTestEnv(t)
	delete(te.env, "AWSKEEP_FILE_PASSPHRASE")
	t.Cleanup(func() { te.run("lock") })
	dir := te.env["AWSKEEP_FILE_DIR"]

	tty := te.withTTY("first\nfirts\n")
	te.stdin.WriteString(testKeyPair)
	if code := te.run("add", "dev", "--no-verify"); code != exitFailure {
		t.Fatalf("add with mismatched passphrases: exit %d", code)
	}
	mustContain(t, "stderr", te.stderr.String(), "the two passphrases differ; nothing was stored")
	mustContain(t, "terminal", tty.written.String(), "Creating the awskeep file keyring in "+dir, "Choose its passphrase", "again")
	te.run("keyring", "status", "--json")
	var st keyringStatusJSON
	if err := json.Unmarshal(te.stdout.Bytes(), &st); err != nil || st.Format != "none yet" || st.Keys != 0 {
		t.Fatalf("after the mismatch: %+v, %v", st, err)
	}

	tty = te.withTTY("chosen\nchosen\n")
	te.stdin.WriteString(testKeyPair)
	if code := te.run("add", "dev", "--no-verify"); code != exitOK {
		t.Fatalf("add: exit %d: %s", code, te.stderr.String())
	}
	if n := strings.Count(tty.written.String(), "stays unlocked"); n != 1 {
		t.Errorf("terminal told of the unlock %d times:\n%s", n, tty.written.String())
	}

	// Unlocked now: the next command asks nothing.
	tty = te.withTTY("")
	if code := te.run("export", "dev", "--no-session"); code != exitOK {
		t.Fatalf("export while unlocked: exit %d: %s", code, te.stderr.String())
	}
	if tty.written.Len() != 0 {
		t.Errorf("asked while unlocked: %q", tty.written.String())
	}

	// Locked and no terminal: the error names the store and 'awskeep unlock'.
	te.run("lock")
	te.f.IO.openTTY = func() (io.ReadWriteCloser, error) { return nil, io.EOF }
	if code := te.run("export", "dev", "--no-session"); code != exitFailure {
		t.Fatalf("locked export: exit %d", code)
	}
	mustContain(t, "stderr", te.stderr.String(), "file keyring in "+dir+" is locked", "awskeep unlock")

	// A later prompt says which store it unlocks.
	tty = te.withTTY("chosen\n")
	if code := te.run("export", "dev", "--no-session"); code != exitOK {
		t.Fatalf("export after typing: exit %d: %s", code, te.stderr.String())
	}
	mustContain(t, "terminal", tty.written.String(), "Passphrase for the awskeep file keyring in "+dir)

	te.run("doctor")
	mustContain(t, "doctor", te.stdout.String(), "file keyring format: awskeep-file-v2", "file keyring lock: unlocked until")
}

// TestUnlockFromStdin: without a terminal, unlock reads one line of stdin.
func TestUnlockFromStdin(t *testing.T) {
	te := newTestEnv(t)
	te.stdin.WriteString(testKeyPair)
	if code := te.run("add", "dev", "--no-verify"); code != exitOK {
		t.Fatalf("add: %s", te.stderr.String())
	}
	delete(te.env, "AWSKEEP_FILE_PASSPHRASE")
	t.Cleanup(func() { te.run("lock") })
	te.stdin.WriteString("test-passphrase\n")
	if code := te.run("unlock", "--for", "10m"); code != exitOK {
		t.Fatalf("unlock: exit %d: %s", code, te.stderr.String())
	}
	mustContain(t, "stderr", te.stderr.String(), "Unlocked the file keyring in", "(10m0s)")
	if code := te.run("export", "dev", "--no-session"); code != exitOK {
		t.Fatalf("export after unlock: exit %d: %s", code, te.stderr.String())
	}
	te.run("keyring", "status")
	mustContain(t, "status", te.stdout.String(), "Format:    awskeep-file-v2", "State:     unlocked until", "Items:     1 key, 0 sessions")
	if code := te.run("unlock", "--for", "0s"); code != exitUsage {
		t.Errorf("unlock --for 0s: exit %d", code)
	}
}
