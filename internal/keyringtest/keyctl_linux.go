package keyringtest

import (
	"crypto/rand"
	"encoding/hex"
	"testing"

	"golang.org/x/sys/unix"
)

// Keyctl gives the test its own named keyring under the user keyring, which
// outlives processes (until reboot), so a unique name keeps runs apart. It
// returns AWSKEEP_KEYCTL_SCOPE and AWSKEEP_KEYCTL_KEYRING; cleanup unlinks
// the named keyring, which frees every key in it.
func Keyctl(t testing.TB) (env []string) {
	t.Helper()
	var random [6]byte
	if _, err := rand.Read(random[:]); err != nil {
		t.Fatal(err)
	}
	name := "awskeep-test-" + hex.EncodeToString(random[:])
	t.Cleanup(func() {
		id, err := unix.KeyctlSearch(unix.KEY_SPEC_USER_KEYRING, "keyring", name, 0)
		if err != nil {
			return // never created
		}
		if _, err := unix.KeyctlInt(unix.KEYCTL_UNLINK, id, unix.KEY_SPEC_USER_KEYRING, 0, 0); err != nil {
			t.Errorf("keyringtest: unlinking keyring %s: %v", name, err)
		}
	})
	return []string{"AWSKEEP_KEYCTL_SCOPE=user", "AWSKEEP_KEYCTL_KEYRING=" + name}
}
