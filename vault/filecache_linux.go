//go:build linux

package vault

import (
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// kernelCache keeps data keys as "user" keys in the caller's session
// keyring. A process without a session keyring of its own (no pam_keyinit:
// many containers, some SSH and cron set-ups) uses the per-user session
// keyring, which the kernel treats as its session keyring for lookups. Keys
// are readable by their possessors only (no permission for the uid as
// such) and carry the kernel's own timeout.
//
// Learnt from 99designs/keyring's keyctl backend, written anew: that backend
// keeps items in a named keyring below a scope; here each store's key is a
// single key straight in the session keyring.
type kernelCache struct{}

func newUnlockCache() unlockCache { return kernelCache{} }

// possessorOnly: view, read, write, search, setattr for the possessor;
// nothing for the uid, group or others.
// (keyctl(2) KEYCTL_SETPERM: the possessor's bits are the top byte.)
const (
	keyPosView    = 0x01000000
	keyPosRead    = 0x02000000
	keyPosWrite   = 0x04000000
	keyPosSearch  = 0x08000000
	keyPosSetattr = 0x20000000
	possessorOnly = keyPosView | keyPosRead | keyPosWrite | keyPosSearch | keyPosSetattr
)

// sessionRing resolves the session keyring without creating one: asking to
// create would join a new session keyring private to this process, and the
// key would vanish with it.
func sessionRing() (int, error) {
	id, err := unix.KeyctlGetKeyringID(unix.KEY_SPEC_SESSION_KEYRING, false)
	if err != nil {
		return 0, &UnlockUnavailableError{Err: fmt.Errorf("finding the session keyring: %w", err)}
	}
	return id, nil
}

func (kernelCache) where() string {
	ring, err := sessionRing()
	if err != nil {
		return "none (" + err.Error() + ")"
	}
	if us, err := unix.KeyctlGetKeyringID(unix.KEY_SPEC_USER_SESSION_KEYRING, false); err == nil && us == ring {
		return "the kernel's per-user session keyring (this login has no session keyring of its own)"
	}
	return "the kernel session keyring of this login"
}

func (kernelCache) find(id string) (int, error) {
	ring, err := sessionRing()
	if err != nil {
		return 0, err
	}
	key, err := unix.KeyctlSearch(ring, "user", cacheDescription(id), 0)
	switch {
	case err == nil:
		return key, nil
	case errors.Is(err, syscall.ENOKEY), errors.Is(err, syscall.EKEYEXPIRED), errors.Is(err, syscall.EKEYREVOKED), errors.Is(err, syscall.EACCES):
		return 0, errNotCached
	}
	return 0, &UnlockUnavailableError{Err: fmt.Errorf("searching the session keyring: %w", err)}
}

func (c kernelCache) get(id string) ([]byte, time.Time, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	key, err := c.find(id)
	if err != nil {
		return nil, time.Time{}, err
	}
	buf := make([]byte, 8+dataKeySize+1)
	n, err := unix.KeyctlBuffer(unix.KEYCTL_READ, key, buf, 0)
	if err != nil {
		if errors.Is(err, syscall.EKEYEXPIRED) || errors.Is(err, syscall.EKEYREVOKED) || errors.Is(err, syscall.EACCES) {
			return nil, time.Time{}, errNotCached
		}
		return nil, time.Time{}, &UnlockUnavailableError{Err: fmt.Errorf("reading the cached key: %w", err)}
	}
	if n != 8+dataKeySize {
		return nil, time.Time{}, errNotCached
	}
	expires := time.Unix(int64(binary.BigEndian.Uint64(buf[:8])), 0)
	return buf[8 : 8+dataKeySize], expires, nil
}

func (c kernelCache) put(id string, dataKey []byte, d time.Duration) (time.Time, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	secs := int((d + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	ring, err := sessionRing()
	if err != nil {
		return time.Time{}, err
	}
	_, _ = c.drop(id) // a fresh key, so permissions and timeout are ours
	expires := time.Now().Add(time.Duration(secs) * time.Second).Truncate(time.Second)
	payload := make([]byte, 8, 8+dataKeySize)
	binary.BigEndian.PutUint64(payload, uint64(expires.Unix()))
	payload = append(payload, dataKey...)
	key, err := unix.AddKey("user", cacheDescription(id), payload, ring)
	clear(payload)
	if err != nil {
		return time.Time{}, &UnlockUnavailableError{Err: fmt.Errorf("adding the key to the session keyring: %w", err)}
	}
	if err := unix.KeyctlSetperm(key, possessorOnly); err != nil {
		_, _ = unix.KeyctlInt(unix.KEYCTL_INVALIDATE, key, 0, 0, 0)
		return time.Time{}, &UnlockUnavailableError{Err: fmt.Errorf("restricting the cached key: %w", err)}
	}
	if _, err := unix.KeyctlInt(unix.KEYCTL_SET_TIMEOUT, key, secs, 0, 0); err != nil {
		_, _ = unix.KeyctlInt(unix.KEYCTL_INVALIDATE, key, 0, 0, 0)
		return time.Time{}, &UnlockUnavailableError{Err: fmt.Errorf("setting the cached key's timeout: %w", err)}
	}
	return expires, nil
}

func (c kernelCache) drop(id string) (bool, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	key, err := c.find(id)
	if errors.Is(err, errNotCached) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if _, err := unix.KeyctlInt(unix.KEYCTL_INVALIDATE, key, 0, 0, 0); err != nil {
		ring, rerr := sessionRing()
		if rerr != nil {
			return false, rerr
		}
		if _, err := unix.KeyctlInt(unix.KEYCTL_UNLINK, key, ring, 0, 0); err != nil {
			return false, fmt.Errorf("dropping the cached key: %w", err)
		}
	}
	return true, nil
}
