package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The package layout of docs/architecture.md holds: profiles and vault
// import neither sts nor cmd (nor each other), and no cmd file imports the
// AWS SDK or the keyring libraries (cmd goes through sts and vault).
func TestPackageLayout(t *testing.T) {
	deps := func(pkg string) []string {
		t.Helper()
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		return strings.Fields(string(out))
	}
	const mod = "github.com/awskeep/awskeep/"
	for pkg, forbidden := range map[string][]string{
		"./profiles": {mod + "sts", mod + "cmd", mod + "vault"},
		"./vault":    {mod + "sts", mod + "cmd", mod + "profiles"},
	} {
		for _, d := range deps(pkg) {
			for _, f := range forbidden {
				if d == f {
					t.Errorf("%s depends on %s", pkg, d)
				}
			}
		}
	}
	out, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, "./cmd").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range strings.Fields(string(out)) {
		for _, lib := range []string{"github.com/aws/aws-sdk-go-v2", "github.com/99designs/keyring", "github.com/godbus/dbus"} {
			if strings.HasPrefix(imp, lib) {
				t.Errorf("cmd imports %s; it must go through sts or vault", imp)
			}
		}
	}
}
