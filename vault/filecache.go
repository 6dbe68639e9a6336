package vault

import (
	"errors"
	"time"
)

// unlockCache keeps a store's unwrapped data key between commands. On
// Linux it is the kernel keyring (filecache_linux.go); elsewhere there is
// none and every command that reads or writes asks for the passphrase.
type unlockCache interface {
	// get returns the key cached for store id and when it expires, or an
	// error wrapping errNotCached.
	get(id string) (key []byte, expires time.Time, err error)
	// put caches key for d; the kernel drops it when d has passed.
	put(id string, key []byte, d time.Duration) (expires time.Time, err error)
	// drop removes the cached key; false when there was none.
	drop(id string) (bool, error)
	// where says which keyring holds the keys, for status and docs.
	where() string
}

var errNotCached = errors.New("not unlocked")

// UnlockUnavailableError says the file store cannot be kept unlocked here:
// the kernel keyring is missing or blocked (as by Docker's default seccomp
// profile), so each command asks for the passphrase.
type UnlockUnavailableError struct {
	Err error
}

func (e *UnlockUnavailableError) Error() string {
	return "the kernel keyring that keeps the file keyring unlocked is not available here: " + e.Err.Error()
}

func (e *UnlockUnavailableError) Unwrap() error { return e.Err }

// cacheDescription names a store's key in the kernel keyring.
func cacheDescription(id string) string { return "awskeep:file:" + id }

// noCache is the unlock cache where there is none.
type noCache struct{ err error }

func (c noCache) get(string) ([]byte, time.Time, error) {
	return nil, time.Time{}, errors.Join(errNotCached, &UnlockUnavailableError{Err: c.err})
}
func (c noCache) put(string, []byte, time.Duration) (time.Time, error) {
	return time.Time{}, &UnlockUnavailableError{Err: c.err}
}
func (c noCache) drop(string) (bool, error) { return false, nil }
func (c noCache) where() string             { return "none (" + c.err.Error() + ")" }
