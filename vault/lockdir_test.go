package vault

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestLockDirFallsBackFromUnusableRuntimeDir: when XDG_RUNTIME_DIR cannot
// hold awskeep's lock files, locks and notes go to ~/.awskeep/locks (0700)
// instead of failing every command that locks. The cases fail for root too
// (tests run as root in CI, and root ignores permission bits): a runtime
// "directory" that is a regular file, and one that does not exist (which
// awskeep must not create: it is the login manager's).
func TestLockDirFallsBackFromUnusableRuntimeDir(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("XDG_RUNTIME_DIR is not read on Windows")
	}
	for _, c := range []struct {
		name    string
		runtime func(t *testing.T) string
		inHome  bool
	}{
		{"regular file", func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "not-a-dir")
			if err := os.WriteFile(p, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}, true},
		{"missing", func(t *testing.T) string { return filepath.Join(t.TempDir(), "run", "user", "1000") }, true},
		{"usable", func(t *testing.T) string { return t.TempDir() }, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			home, rt := t.TempDir(), c.runtime(t)
			cfg := ConfigFromEnv(envFrom("AWSKEEP_BACKEND=file", "AWSKEEP_FILE_DIR="+filepath.Join(home, "keys"), "XDG_RUNTIME_DIR="+rt), home)
			cfg.FilePassphrase = fixedPassphrase(testPassphrase)
			s, err := Open(cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			unlock, err := s.Lock(context.Background(), "rotate-dev")
			if err != nil {
				t.Fatalf("Lock with XDG_RUNTIME_DIR %s: %v", c.name, err)
			}
			defer unlock()
			if err := s.SetLockNote("rotate-dev", []byte("note")); err != nil {
				t.Fatalf("SetLockNote: %v", err)
			}
			if got, err := s.LockNote("rotate-dev"); err != nil || string(got) != "note" {
				t.Fatalf("LockNote = %q, %v", got, err)
			}
			want := filepath.Join(rt, "awskeep")
			if c.inHome {
				want = filepath.Join(home, ".awskeep", "locks")
			}
			locks, _ := filepath.Glob(filepath.Join(want, "*.lock"))
			notes, _ := filepath.Glob(filepath.Join(want, "*.note"))
			if len(locks) != 1 || len(notes) != 1 {
				t.Fatalf("lock files in %s: %v, notes: %v; want one of each", want, locks, notes)
			}
			fi, err := os.Stat(want)
			if err != nil || fi.Mode().Perm() != 0o700 {
				t.Errorf("lock directory %s: %v, %v; want mode 0700", want, fi.Mode(), err)
			}
			if c.name == "missing" {
				if _, err := os.Stat(rt); !os.IsNotExist(err) {
					t.Errorf("the missing runtime directory %s was created (%v)", rt, err)
				}
			}
		})
	}
}

// TestLockDirGivenHasNoFallback: an AWSKEEP_LOCK_DIR that cannot be used
// is an error that names it, not a silent move elsewhere.
func TestLockDirGivenHasNoFallback(t *testing.T) {
	home := t.TempDir()
	file := filepath.Join(home, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := ConfigFromEnv(envFrom("AWSKEEP_BACKEND=file", "AWSKEEP_FILE_DIR="+filepath.Join(home, "keys"), "AWSKEEP_LOCK_DIR="+file, "XDG_RUNTIME_DIR="+t.TempDir()), home)
	cfg.FilePassphrase = fixedPassphrase(testPassphrase)
	s, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if unlock, err := s.Lock(context.Background(), "x"); err == nil {
		unlock()
		t.Fatalf("Lock in AWSKEEP_LOCK_DIR=%s (a file) succeeded", file)
	}
	if _, err := os.Stat(filepath.Join(home, ".awskeep", "locks")); !os.IsNotExist(err) {
		t.Errorf("~/.awskeep/locks exists (%v); a given lock directory has no fallback", err)
	}
}
