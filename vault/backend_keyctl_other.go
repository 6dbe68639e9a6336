//go:build !linux

package vault

import "github.com/99designs/keyring"

func openKeyctl(Config) (keyring.Keyring, error) {
	return nil, &BackendError{Backend: BackendKeyctl, Err: ErrBackendUnavailable,
		Hint: "keyctl is the Linux kernel keyring"}
}
