package vault

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrNotFileBackend says an operation exists only for the file backend.
var ErrNotFileBackend = errors.New("only the file keyring has a passphrase to unlock, lock or change")

// ErrNoFileStore says the file keyring has not been created yet.
var ErrNoFileStore = errors.New("the file keyring does not exist yet")

// DefaultUnlockFor is how long `awskeep unlock` and a passphrase typed at a
// prompt keep the file keyring unlocked.
const DefaultUnlockFor = 8 * time.Hour

func (s *Store) file() (*fileBackend, error) {
	fb, ok := s.ring.(*fileBackend)
	if !ok {
		return nil, &BackendError{Backend: s.backend, Err: ErrNotFileBackend}
	}
	return fb, nil
}

// UnlockFile asks for the file keyring's passphrase (through Config.FileAsk),
// checks it by unwrapping the data key, and keeps that key in the kernel
// keyring for d, so commands until then need no passphrase and no
// derivation. A store in the JWE format is converted first; a missing store
// is created (the asker is told to confirm the new passphrase). Without a
// kernel keyring it returns an *UnlockUnavailableError, after checking the
// passphrase.
func (s *Store) UnlockFile(d time.Duration) (until time.Time, err error) {
	fb, err := s.file()
	if err != nil {
		return time.Time{}, err
	}
	if d <= 0 {
		return time.Time{}, errors.New("vault: unlock needs a positive duration")
	}
	fb.mu.Lock()
	defer fb.mu.Unlock()
	key, h, err := fb.acquire(true, d)
	if key != nil {
		fb.tried, fb.key, fb.header, fb.keyErr = true, key, h, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	return fb.unlockedUntil, nil
}

// LockFile drops the file keyring's key from the kernel keyring, so the next
// command needs the passphrase again. It reports whether it was unlocked.
func (s *Store) LockFile() (bool, error) {
	fb, err := s.file()
	if err != nil {
		return false, err
	}
	h, err := readHeader(fb.dir)
	if err != nil || h == nil {
		return false, err
	}
	return fb.cache.drop(h.ID)
}

// ChangeFilePassphrase rewraps the file keyring's data key under newPass
// after oldPass unwrapped it. Items are not touched, and a key cached by
// `awskeep unlock` stays valid (it is the same data key). A JWE store is
// converted with oldPass first.
func (s *Store) ChangeFilePassphrase(oldPass, newPass Secret) error {
	fb, err := s.file()
	if err != nil {
		return err
	}
	if oldPass.IsZero() || newPass.IsZero() {
		return &BackendError{Backend: BackendFile, Err: errors.New("the passphrase is empty"), Hint: "use a non-empty passphrase"}
	}
	unlock, err := lockPath(WithLockPurpose(context.Background(), unlockingWords), fb.dir, internalLockName("file-unlock"), fb.waiting)
	if err != nil {
		return err
	}
	defer unlock()
	h, err := readHeader(fb.dir)
	if err != nil {
		return err
	}
	var key []byte
	switch {
	case h == nil:
		legacy, err := fb.hasLegacyItems()
		if err != nil {
			return err
		}
		if !legacy {
			return &BackendError{Backend: BackendFile, Err: ErrNoFileStore,
				Hint: "it is created, with the passphrase you choose, by the first 'awskeep add' or 'awskeep unlock'"}
		}
		if h, key, err = fb.convert(oldPass); err != nil {
			return err
		}
	default:
		if key, err = h.unwrap(oldPass); err != nil {
			if errors.Is(err, errWrongPassphrase) {
				return &WrongPassphraseError{Dir: fb.dir}
			}
			return &DamagedStoreError{Dir: fb.dir, Err: err}
		}
		if h.Converting {
			if err := fb.finishConversion(h, key, oldPass); err != nil {
				return err
			}
		}
	}
	if err := h.wrap(key, newPass); err != nil {
		return err
	}
	h.Rewrapped = fb.now().UTC().Truncate(time.Second)
	if err := writeHeader(fb.dir, h); err != nil {
		return fmt.Errorf("writing the new passphrase's wrapping of the file keyring in %s: %w", fb.dir, err)
	}
	return nil
}

// File keyring formats, as Status reports them.
const (
	FormatV2         = "awskeep-file-v2"
	FormatConverting = "awskeep-file-v2, conversion from JWE unfinished"
	FormatJWE        = "jwe (99designs/keyring)"
	FormatNone       = "none yet"
)

// Status is what `awskeep keyring status` shows.
type Status struct {
	Backend  string
	Location string
	// The file backend only:
	Format        string    // one of the Format constants
	KDF           string    // the key derivation of the header, in words
	Unlocked      bool      // the data key is in the kernel keyring
	UnlockedUntil time.Time // when that ends
	UnlockCache   string    // where unlocked keys are kept, or why nowhere
	// Items counts the items by kind.
	Keys, KeyInfos, Sessions, Journals, Other int
}

// Status describes the keyring without reading any secret (and without a
// passphrase).
func (s *Store) Status() (Status, error) {
	st := Status{Backend: s.backend, Location: s.location}
	names, err := s.ring.Keys()
	if err != nil {
		return st, fmt.Errorf("listing the keyring: %w", err)
	}
	for _, n := range names {
		switch {
		case n == verifierName:
		case strings.HasPrefix(n, keyPrefix):
			st.Keys++
		case strings.HasPrefix(n, keyInfoPrefix):
			st.KeyInfos++
		case strings.HasPrefix(n, sessionPrefix):
			st.Sessions++
		case strings.HasPrefix(n, rotationPrefix):
			st.Journals++
		default:
			st.Other++
		}
	}
	fb, ok := s.ring.(*fileBackend)
	if !ok {
		return st, nil
	}
	st.UnlockCache = fb.cache.where()
	h, err := readHeader(fb.dir)
	if err != nil {
		return st, err
	}
	switch {
	case h != nil && h.Converting:
		st.Format = FormatConverting
	case h != nil:
		st.Format = FormatV2
	default:
		legacy, err := fb.hasLegacyItems()
		if err != nil {
			return st, err
		}
		st.Format = FormatNone
		if legacy {
			st.Format = FormatJWE
		}
	}
	if h != nil {
		st.KDF = h.KDF.String()
		if key, until, err := fb.cache.get(h.ID); err == nil && h.checks(key) {
			st.Unlocked, st.UnlockedUntil = true, until
		}
	}
	return st, nil
}
