package e2e

import (
	"path/filepath"
	"testing"

	"github.com/awskeep/awskeep/internal/keyringtest"
)

// linuxBackends are the keyring backends that run on this machine and in CI.
var linuxBackends = []string{"file", "secret-service", "pass", "keyctl"}

const filePassphrase = "e2e-file-passphrase"

// backendEnv starts what a backend needs (a D-Bus session with gnome-keyring,
// a GPG key for pass, a private kernel keyring) and returns its environment.
func backendEnv(t *testing.T, backend, home string) []string {
	t.Helper()
	switch backend {
	case "file":
		return []string{"AWSKEEP_FILE_DIR=" + filepath.Join(home, ".awskeep", "keys"), "AWSKEEP_FILE_PASSPHRASE=" + filePassphrase}
	case "secret-service":
		return keyringtest.SecretService(t)
	case "pass":
		return keyringtest.Pass(t)
	case "keyctl":
		return keyringtest.Keyctl(t)
	}
	t.Fatalf("no test set-up for backend %q", backend)
	return nil
}
