//go:build !linux

package vault

import "errors"

func newUnlockCache() unlockCache {
	return noCache{err: errors.New("unlocking needs the Linux kernel keyring")}
}
