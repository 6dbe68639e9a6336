package keyringtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Pass creates a throwaway GNUPGHOME with a passphrase-less gpg key and a
// password store initialised for it. It returns GNUPGHOME and
// PASSWORD_STORE_DIR; cleanup stops the gpg-agent that gpg started there.
func Pass(t testing.TB) (env []string) {
	t.Helper()
	pass := requireTool(t, "pass", "pass")
	gpg := requireTool(t, "gpg", "gnupg")
	gpgconf := requireTool(t, "gpgconf", "gnupg")

	// gpg-agent puts its socket in GNUPGHOME when /run/user/<uid> is absent;
	// a short directory keeps it under the 108-byte socket path limit.
	root, err := os.MkdirTemp("", "kt-pass-")
	if err != nil {
		t.Fatal(err)
	}
	gnupgHome := filepath.Join(root, "gnupg")
	store := filepath.Join(root, "store")
	if err := os.Mkdir(gnupgHome, 0o700); err != nil {
		t.Fatal(err)
	}
	env = []string{"GNUPGHOME=" + gnupgHome, "PASSWORD_STORE_DIR=" + store}
	t.Cleanup(func() {
		kill := exec.Command(gpgconf, "--homedir", gnupgHome, "--kill", "gpg-agent")
		kill.Env = append(os.Environ(), env...)
		_ = kill.Run()
		os.RemoveAll(root)
	})

	run := func(name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("keyringtest: %s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run(gpg, "--batch", "--passphrase", "", "--quick-gen-key",
		"awskeep keyringtest <keyringtest@example.invalid>", "default", "default", "never")
	var fingerprint string
	for _, line := range strings.Split(run(gpg, "--batch", "--list-secret-keys", "--with-colons"), "\n") {
		if fields := strings.Split(line, ":"); fields[0] == "fpr" && len(fields) > 9 {
			fingerprint = fields[9]
			break
		}
	}
	if fingerprint == "" {
		t.Fatal("keyringtest: the new gpg key has no fingerprint")
	}
	run(pass, "init", fingerprint)
	return env
}
