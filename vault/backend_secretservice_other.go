//go:build !linux

package vault

import "github.com/99designs/keyring"

func openSecretService(Config) (keyring.Keyring, func() error, error) {
	return nil, nil, &BackendError{Backend: BackendSecretService, Err: ErrBackendUnavailable,
		Hint: "this build has the Secret Service backend on Linux only"}
}
