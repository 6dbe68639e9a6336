package e2e

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestVersionOfAPlainBuildInAClone: `go build` in a git checkout stamps the
// commit (Go's build info), says when the tree had uncommitted changes, and
// the release's -ldflags stamp still wins over both. -buildvcs=true is
// explicit because GOFLAGS may say -buildvcs=false on build machines.
func TestVersionOfAPlainBuildInAClone(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is needed for this test:", err)
	}
	clone := t.TempDir()
	copySources(t, "..", clone)
	git := func(args ...string) string {
		t.Helper()
		c := exec.Command("git", args...)
		c.Dir = clone
		c.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null",
			"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "clone")
	head := git("rev-parse", "HEAD")

	build := func(extra ...string) string {
		t.Helper()
		bin := filepath.Join(t.TempDir(), "awskeep")
		args := append([]string{"build", "-buildvcs=true", "-o", bin}, extra...)
		c := exec.Command("go", append(args, ".")...)
		c.Dir = clone
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		out, err := exec.Command(bin, "version").Output()
		if err != nil {
			t.Fatalf("awskeep version: %v", err)
		}
		return string(out)
	}

	got := build()
	contains(t, "version of a clean clone", got, "commit: "+head+"\n", "built: 20")
	if strings.Contains(got, "uncommitted") || strings.Contains(got, "unknown") {
		t.Errorf("version of a clean clone:\n%s", got)
	}

	if err := os.WriteFile(filepath.Join(clone, "main.go"), append(readFile(t, filepath.Join(clone, "main.go")), "\n// edited\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	contains(t, "version of an edited clone", build(), "commit: "+head+" (with uncommitted changes)\n")

	stamp := "-X github.com/awskeep/awskeep/cmd.version=1.2.3 -X github.com/awskeep/awskeep/cmd.commit=abc1234 -X github.com/awskeep/awskeep/cmd.date=2026-01-02T03:04:05Z"
	got = build("-ldflags", stamp)
	contains(t, "version of a release build", got, "awskeep 1.2.3\n", "commit: abc1234\n", "built: 2026-01-02T03:04:05Z\n")
	if strings.Contains(got, head) || strings.Contains(got, "uncommitted") {
		t.Errorf("the build info won over the release stamp:\n%s", got)
	}
}

// copySources copies the module's Go sources (and what they embed) from
// src to dst, leaving out git metadata and build output.
func copySources(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			switch d.Name() {
			case ".git", "dist", "completions", "docs", "testdata":
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		name := d.Name()
		keep := name == "go.mod" || name == "go.sum" || name == "launcher.py" ||
			strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go")
		if !keep || !d.Type().IsRegular() {
			return nil
		}
		return os.WriteFile(filepath.Join(dst, rel), readFile(t, path), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
