//go:build linux

package vault

import (
	"fmt"
	"slices"

	"github.com/99designs/keyring"
)

var keyctlScopes = []string{"user", "usersession", "session", "process", "thread"}

// openKeyctl opens a named keyring (cfg.KeyctlKeyring) under the kernel
// keyring cfg.KeyctlScope. The kernel replaces a key's payload in one step,
// so writes are whole; keys live until reboot (user scope) or session end.
func openKeyctl(cfg Config) (keyring.Keyring, error) {
	// keyring.Open hides its opener's errors behind "backend not available",
	// so say what is wrong with a scope before it gets there.
	if !slices.Contains(keyctlScopes, cfg.KeyctlScope) {
		return nil, &BackendError{Backend: BackendKeyctl, Err: fmt.Errorf("unknown keyctl scope %q", cfg.KeyctlScope),
			Hint: fmt.Sprintf("set AWSKEEP_KEYCTL_SCOPE to one of %v", keyctlScopes)}
	}
	return keyring.Open(keyring.Config{
		AllowedBackends: []keyring.BackendType{keyring.KeyCtlBackend},
		ServiceName:     cfg.KeyctlKeyring,
		KeyCtlScope:     cfg.KeyctlScope,
	})
}
