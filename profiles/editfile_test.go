package profiles

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

func setRegion(region string) func(*Document) error {
	return func(d *Document) error { d.Set("default", "region", region); return nil }
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// onlyEntries fails unless dir holds exactly the named entries (no temp
// files left behind).
func onlyEntries(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if len(got) != len(names) {
		t.Fatalf("%s holds %q, want %q", dir, got, names)
	}
	for i := range names {
		if got[i] != names[i] {
			t.Fatalf("%s holds %q, want %q", dir, got, names)
		}
	}
}

func TestEditFileKeepsModeAndLeavesNoTemp(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX modes")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	os.WriteFile(path, []byte("# mine\n[default]\nregion = a\n"), 0o640)
	os.Chmod(path, 0o640) // beat the umask
	if err := EditFile(path, setRegion("b")); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, path); got != "# mine\n[default]\nregion = b\n" {
		t.Errorf("content = %q", got)
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o640 {
		t.Errorf("mode = %v, want 0640 kept", fi.Mode().Perm())
	}
	onlyEntries(t, dir, "config")
}

func TestEditFileNewFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", ".aws", "config")
	if err := EditFile(path, setRegion("x")); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, path); got != "[default]\nregion = x\n" {
		t.Errorf("content = %q", got)
	}
	if runtime.GOOS != "windows" {
		fi, _ := os.Stat(path)
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("new file mode = %v, want 0600", fi.Mode().Perm())
		}
		di, _ := os.Stat(filepath.Dir(path))
		if di.Mode().Perm() != 0o700 {
			t.Errorf("new dir mode = %v, want 0700", di.Mode().Perm())
		}
	}
	onlyEntries(t, filepath.Dir(path), "config")
}

func TestEditFileNoChangeNoWrite(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nothing", "config")
	noop := func(d *Document) error { d.Unset("default", "region"); d.DeleteSection("x"); return nil }
	if err := EditFile(missing, noop); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Dir(missing)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a no-op edit created %s", filepath.Dir(missing))
	}

	path := filepath.Join(dir, "config")
	os.WriteFile(path, []byte("[default]\nregion = a\n"), 0o600)
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	os.Chtimes(path, old, old)
	if err := EditFile(path, setRegion("a")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); !fi.ModTime().Equal(old) {
		t.Errorf("setting the same value rewrote the file (mtime %v, want %v)", fi.ModTime(), old)
	}
}

func TestEditFileFollowsSymlink(t *testing.T) {
	dir := t.TempDir()
	realDir := filepath.Join(dir, "dotfiles")
	os.Mkdir(realDir, 0o700)
	target := filepath.Join(realDir, "aws-config")
	os.WriteFile(target, []byte("[default]\nregion = a\n"), 0o600)
	awsDir := filepath.Join(dir, ".aws")
	os.Mkdir(awsDir, 0o700)
	link := filepath.Join(awsDir, "config")
	if err := os.Symlink("../dotfiles/aws-config", link); err != nil {
		t.Skipf("symlinks not available: %v", err)
	}
	if err := EditFile(link, setRegion("b")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(link)
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", fi, err)
	}
	if got := readFile(t, target); got != "[default]\nregion = b\n" {
		t.Errorf("target content = %q", got)
	}
	onlyEntries(t, awsDir, "config")
	onlyEntries(t, realDir, "aws-config")

	// A dangling link: the file is created where the link points.
	dangling := filepath.Join(awsDir, "credentials")
	os.Symlink("../dotfiles/aws-credentials", dangling)
	if err := EditFile(dangling, func(d *Document) error { d.Set("p", "k", "v"); return nil }); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(realDir, "aws-credentials")); got != "[p]\nk = v\n" {
		t.Errorf("dangling link target content = %q", got)
	}
}

func TestEditFileErrorsLeaveFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	const content = "[default]\nregion = a\n"
	os.WriteFile(path, []byte(content), 0o600)

	boom := errors.New("boom")
	err := EditFile(path, func(d *Document) error { d.Set("default", "region", "b"); return boom })
	if !errors.Is(err, boom) {
		t.Errorf("edit error: %v, want boom", err)
	}
	err = EditFile(path, func(d *Document) error { d.Set("default", "region", "b"); d.Set("default", "x", "a\nb"); return nil })
	var ie *InvalidEditError
	if !errors.As(err, &ie) {
		t.Errorf("invalid edit: %v, want *InvalidEditError", err)
	}
	if got := readFile(t, path); got != content {
		t.Errorf("failed edits changed the file: %q", got)
	}

	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte("[default]\nnot a key line\n"), 0o600)
	var perr *ParseError
	if err := EditFile(bad, setRegion("x")); !errors.As(err, &perr) || perr.File != bad || perr.Line != 2 {
		t.Errorf("malformed file: %v, want *ParseError at %s:2", err, bad)
	}
	onlyEntries(t, dir, "bad", "config")
}

// TestEditFileConcurrentEditsAllLand: parallel edits of one file (terraform
// running helpers, two terminals) are serialised; none is lost.
func TestEditFileConcurrentEditsAllLand(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".aws", "config")
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- EditFile(path, func(d *Document) error {
				d.Set(ConfigSection(fmt.Sprintf("p%02d", i)), "region", "eu-west-1")
				return nil
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	set, err := Load(Paths{Config: path, Credentials: filepath.Join(filepath.Dir(path), "credentials")})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(set.Names()); got != n {
		t.Errorf("%d of %d concurrent edits landed: %v", got, n, set.Names())
	}
}
