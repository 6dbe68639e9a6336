// Package keyringtest starts real, throwaway keyrings for tests: a private
// D-Bus session bus with gnome-keyring's Secret Service, a pass store with
// its own gpg key, and a uniquely named kernel keyring. Each helper returns
// the environment a process needs to use it (set it in-process with
// t.Setenv, or append it to a child's Env) and cleans up after the test,
// ending only the processes it started.
//
// A missing tool fails the test loudly, naming the Debian package to
// install: CI must never pass by skipping keyring tests.
package keyringtest

import (
	"os/exec"
	"testing"
)

// requireTool fails t unless program is on PATH.
func requireTool(t testing.TB, program, aptPackage string) string {
	t.Helper()
	path, err := exec.LookPath(program)
	if err != nil {
		t.Fatalf("keyringtest: %s is not installed; keyring tests need it: apt-get install -y %s", program, aptPackage)
	}
	return path
}
