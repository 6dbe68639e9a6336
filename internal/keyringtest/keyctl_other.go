//go:build !linux

package keyringtest

import "testing"

// Keyctl fails: the kernel keyring exists only on Linux.
func Keyctl(t testing.TB) (env []string) {
	t.Helper()
	t.Fatal("keyringtest: keyctl is the Linux kernel keyring; run this test on Linux")
	return nil
}
