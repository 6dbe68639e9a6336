package cmd

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awskeep/awskeep/vault"
)

// testEnv is a factory with a temporary HOME, fake streams and no terminal.
type testEnv struct {
	f      *factory
	home   string
	env    map[string]string
	stdin  *bytes.Buffer
	stdout *bytes.Buffer
	stderr *bytes.Buffer
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	home := t.TempDir()
	te := &testEnv{home: home, env: map[string]string{}, stdin: &bytes.Buffer{}, stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
	te.f = &factory{
		IO: &ioStreams{
			In: te.stdin, Out: te.stdout, ErrOut: te.stderr,
			stdinIsTerminal: func() bool { return false },
			openTTY:         func() (io.ReadWriteCloser, error) { return nil, errors.New("no terminal in tests") },
		},
		Getenv:    func(k string) string { return te.env[k] },
		HomeDir:   func() (string, error) { return home, nil },
		Now:       func() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) },
		Log:       slog.New(slog.NewTextHandler(io.Discard, nil)),
		openVault: vault.Open,
		// Waits never last long enough to show: tests that look at the
		// status line pass their own timer (status_test.go).
		statusAfter: func(time.Duration, func()) func() bool { return func() bool { return true } },
	}
	te.env["AWSKEEP_BACKEND"] = "file"
	te.env["AWSKEEP_FILE_DIR"] = filepath.Join(home, "keys")
	te.env["AWSKEEP_FILE_PASSPHRASE"] = "test-passphrase"
	return te
}

// run executes awskeep with args and returns the exit code as main would.
func (te *testEnv) run(args ...string) int {
	te.stdout.Reset()
	te.stderr.Reset()
	root := newRootCmd(te.f)
	root.SetArgs(args)
	c, err := root.ExecuteContextC(context.Background())
	// Each command run gets fresh lazily-loaded dependencies, like a new process.
	te.f.ReloadProfiles()
	te.f.resetVault()
	return renderErrorFor(te.stderr, hintsFor(c), err)
}

func (te *testEnv) writeFile(t *testing.T, rel, content string) string {
	t.Helper()
	p := filepath.Join(te.home, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func (te *testEnv) readFile(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(te.home, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mustContain(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s does not contain %q:\n%s", what, w, got)
		}
	}
}
