package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The man pages have the sections a user looks for, and man renders them.
func TestManPagesHaveEnvironmentExitStatusFiles(t *testing.T) {
	dir := t.TempDir()
	if err := generate(filepath.Join(dir, "md"), filepath.Join(dir, "man")); err != nil {
		t.Fatal(err)
	}
	root, err := os.ReadFile(filepath.Join(dir, "man", "awskeep.1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{".SH ENVIRONMENT", ".SH EXIT STATUS", ".SH FILES", `\fBAWSKEEP_BACKEND\fP`, `\fB127\fP`, `\fB~/.aws/config\fP`} {
		if !strings.Contains(string(root), want) {
			t.Errorf("awskeep.1 lacks %q", want)
		}
	}
	add, err := os.ReadFile(filepath.Join(dir, "man", "awskeep-add.1"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(add), ".SH EXIT STATUS") || strings.Index(string(add), ".SH EXIT STATUS") > strings.Index(string(add), ".SH SEE ALSO") {
		t.Errorf("awskeep-add.1 lacks EXIT STATUS before SEE ALSO")
	}
	if _, err := exec.LookPath("man"); err != nil {
		return // rendering is checked where man is installed
	}
	out, err := exec.Command("man", "-l", "-P", "cat", filepath.Join(dir, "man", "awskeep.1")).CombinedOutput()
	if err != nil {
		t.Fatalf("man: %v\n%s", err, out)
	}
	for _, want := range []string{"ENVIRONMENT", "EXIT STATUS", "AWSKEEP_LOCK_DIR", "exec could not find the command"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("rendered page lacks %q:\n%s", want, out)
		}
	}
}
