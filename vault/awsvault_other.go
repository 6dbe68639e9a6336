//go:build !linux

package vault

func hasSessionBus(func(string) string) bool { return false }

func openAWSVaultSecretService(AWSVaultConfig) (foreignRing, func() error, error) {
	return nil, nil, ErrBackendUnavailable
}
