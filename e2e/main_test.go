// Package e2e runs the awskeep binary as a user would: against a moto
// STS/IAM server with authentication enforced, real keyring backends, and
// the real aws CLI and boto3 as clients.
package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/awskeep/awskeep/internal/awstest"
)

var (
	awskeepBin string
	moto       *awstest.Moto
)

func TestMain(m *testing.M) {
	if prog := os.Getenv(noKeyctlEnv); prog != "" {
		execWithoutKeyctl(prog) // a wrapper, not the tests (seccomp_linux_test.go)
	}
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "awskeep-e2e-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	awskeepBin = filepath.Join(dir, "awskeep")
	// awskeep_testhooks: a cheap key derivation for new file keyrings, the
	// pause points of the crash tests (vault/testhooks_on.go) and rotate's
	// fault injection (cmd/rotate_testhooks.go); the shipped binary has none.
	build := exec.Command("go", "build", "-race", "-tags", "awskeep_testhooks", "-o", awskeepBin, "..")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: building awskeep:", err)
		return 1
	}
	var stop func()
	moto, stop, err = awstest.StartForMain()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer stop()
	return m.Run()
}

// user is one person's machine: a HOME with its own AWS files and keyring.
type user struct {
	t    *testing.T
	home string
	env  []string
}

// newUser makes a HOME under the test's temp dir, pointed at moto, with the
// given keyring backend.
func newUser(t *testing.T, backend string) *user {
	t.Helper()
	home := t.TempDir()
	tmp := filepath.Join(home, "tmp")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	u := &user{t: t, home: home}
	u.env = []string{
		"HOME=" + home,
		"TMPDIR=" + tmp,
		"PATH=" + os.Getenv("PATH"),
		"AWS_CONFIG_FILE=" + filepath.Join(home, ".aws", "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, ".aws", "credentials"),
		"AWSKEEP_BACKEND=" + backend,
	}
	u.env = append(u.env, moto.Env()...)
	u.env = append(u.env, backendEnv(t, backend, home)...)
	return u
}

// result is what one awskeep run printed and how it ended.
type result struct {
	stdout, stderr string
	code           int
}

// run runs awskeep with args, stdin and extra environment.
func (u *user) run(stdin string, extraEnv []string, args ...string) result {
	u.t.Helper()
	return u.runAwskeep(u.t, 60*time.Second, nil, stdin, extraEnv, args...)
}

// runAwskeep runs awskeep within limit, with attr (nil: the test's own
// session) and collects what it printed and its exit code.
func (u *user) runAwskeep(t testing.TB, limit time.Duration, attr *syscall.SysProcAttr, stdin string, extraEnv []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, awskeepBin, args...)
	cmd.Env = append(append([]string{}, u.env...), extraEnv...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.SysProcAttr = attr
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	default:
		t.Fatalf("running awskeep %v: %v", args, err)
	}
	if ctx.Err() != nil {
		t.Fatalf("awskeep %v did not finish in time", args)
	}
	return r
}

// ok runs awskeep and fails the test unless it exits 0.
func (u *user) ok(stdin string, args ...string) result {
	u.t.Helper()
	r := u.run(stdin, nil, args...)
	if r.code != 0 {
		u.t.Fatalf("awskeep %v: exit %d\nstdout: %s\nstderr: %s", args, r.code, r.stdout, r.stderr)
	}
	return r
}

func (u *user) writeFile(rel, content string) {
	u.t.Helper()
	p := filepath.Join(u.home, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		u.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		u.t.Fatal(err)
	}
}

func (u *user) readFile(rel string) string {
	u.t.Helper()
	b, err := os.ReadFile(filepath.Join(u.home, rel))
	if err != nil {
		u.t.Fatal(err)
	}
	return string(b)
}

func contains(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s does not contain %q:\n%s", what, w, got)
		}
	}
}

// waitPastOneSecond lets a just-added key become older than one second.
func waitPastOneSecond() { time.Sleep(1100 * time.Millisecond) }
