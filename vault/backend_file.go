package vault

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/99designs/keyring"
)

// fileBackend wraps keyring's file backend (JWE files, one per item) and adds
// what it lacks:
//   - a passphrase check: the first passphrase used on a directory is
//     recorded by an encrypted marker item; any other passphrase is refused
//     with WrongPassphraseError before it can read or write, so a store can
//     never hold items under two passphrases;
//   - one question per Store: the passphrase (or the failure to get it) is
//     asked once and kept;
//   - whole writes: keyring writes the file in place, so we let it write a
//     temporary item and rename that over the real one;
//   - listing and removing without the passphrase.
type fileBackend struct {
	dir string
	ask func(prompt string) (Secret, error)

	mu      sync.Mutex
	asked   bool
	opened  keyring.Keyring // keyring file backend with the passphrase given
	openErr error
	// checked records the marker check, which writes need before anything;
	// reads skip it (a wrong passphrase cannot decrypt an item anyway) and
	// run it only to explain a failed decryption. That saves one key
	// derivation on every cached credential-process call.
	checked  bool
	checkErr error
	lister   keyring.Keyring // the same directory, without any passphrase
}

const (
	tmpItemPrefix = ".tmp-"
	verifierText  = "awskeep passphrase check v1"
)

var errNoPassphraseSource = errors.New("no way to ask for the file keyring passphrase")

func openFile(cfg Config) (*fileBackend, error) {
	dir, err := filepath.Abs(cfg.FileDir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating %s: %w", dir, err)
	}
	lister, err := openKeyringFile(dir, func(string) (string, error) {
		return "", errors.New("vault: listing must not need the passphrase")
	})
	if err != nil {
		return nil, err
	}
	return &fileBackend{dir: dir, ask: cfg.FilePassphrase, lister: lister}, nil
}

func openKeyringFile(dir string, pw keyring.PromptFunc) (keyring.Keyring, error) {
	return keyring.Open(keyring.Config{
		AllowedBackends:  []keyring.BackendType{keyring.FileBackend},
		FileDir:          dir,
		FilePasswordFunc: pw,
	})
}

// unlocked returns the file keyring opened with the passphrase, asked once.
func (f *fileBackend) unlocked() (keyring.Keyring, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.asked {
		f.asked = true
		f.opened, f.openErr = f.unlock()
	}
	return f.opened, f.openErr
}

// verified returns the keyring once its passphrase has been checked against
// the marker (checked once per Store).
func (f *fileBackend) verified() (keyring.Keyring, error) {
	ring, err := f.unlocked()
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.checked {
		f.checked = true
		f.checkErr = f.checkPassphrase(ring)
	}
	if f.checkErr != nil {
		return nil, f.checkErr
	}
	return ring, nil
}

func (f *fileBackend) unlock() (keyring.Keyring, error) {
	if f.ask == nil {
		return nil, &BackendError{Backend: BackendFile, Err: errNoPassphraseSource,
			Hint: "set AWSKEEP_FILE_PASSPHRASE or run awskeep on a terminal"}
	}
	pass, err := f.ask(fmt.Sprintf("Passphrase for the awskeep keyring in %s", f.dir))
	if err != nil {
		return nil, fmt.Errorf("getting the file keyring passphrase: %w", err)
	}
	if pass.IsZero() {
		return nil, &BackendError{Backend: BackendFile, Err: errors.New("the passphrase is empty"),
			Hint: "use a non-empty passphrase"}
	}
	return openKeyringFile(f.dir, keyring.FixedStringPrompt(pass.Reveal()))
}

// checkPassphrase compares the passphrase that ring holds with the marker,
// writing the marker if this directory has none yet. It holds a lock so two
// first runs with different passphrases cannot both write one.
func (f *fileBackend) checkPassphrase(ring keyring.Keyring) error {
	// The lock file lives in the store itself, so processes that disagree
	// about LockDir still exclude each other here.
	unlock, err := lockPath(context.Background(), f.dir, internalLockName("file-passphrase"))
	if err != nil {
		return err
	}
	defer unlock()

	item, err := ring.Get(verifierName)
	switch {
	case err == nil:
		if !bytes.Equal(item.Data, []byte(verifierText)) {
			return &WrongPassphraseError{Dir: f.dir}
		}
		return nil
	case !errors.Is(err, keyring.ErrKeyNotFound):
		return f.decryptError(err)
	}
	// No marker: a new store, or one written before markers existed. An
	// existing item must open with this passphrase before we vouch for it.
	names, err := f.Keys()
	if err != nil {
		return err
	}
	for _, n := range names {
		if _, isKey := parseKeyItemName(n); !isKey {
			if _, isSession := parseSessionItemName(n); !isSession {
				continue
			}
		}
		if _, err := ring.Get(n); err != nil && !errors.Is(err, keyring.ErrKeyNotFound) {
			return f.decryptError(err)
		}
		break
	}
	return f.set(ring, keyring.Item{Key: verifierName, Data: []byte(verifierText)})
}

// decryptError turns keyring's "aes.KeyUnwrap(): integrity check failed"
// and its kin into words; file system errors stay what they are.
func (f *fileBackend) decryptError(err error) error {
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		return err
	}
	return &WrongPassphraseError{Dir: f.dir}
}

func (f *fileBackend) Get(key string) (keyring.Item, error) {
	if _, err := os.Stat(filepath.Join(f.dir, key)); errors.Is(err, fs.ErrNotExist) {
		return keyring.Item{}, keyring.ErrKeyNotFound // absent: no need to ask
	}
	ring, err := f.unlocked()
	if err != nil {
		return keyring.Item{}, err
	}
	item, err := ring.Get(key)
	if err != nil {
		if errors.Is(err, keyring.ErrKeyNotFound) {
			return keyring.Item{}, err
		}
		var pathErr *fs.PathError
		if errors.As(err, &pathErr) {
			return keyring.Item{}, err
		}
		// Wrong passphrase, or a damaged item: the marker tells which.
		if _, verr := f.verified(); verr != nil {
			return keyring.Item{}, verr
		}
		return keyring.Item{}, &DamagedItemError{Name: key, Err: err}
	}
	item.Key = key // it was written under a temporary name
	return item, nil
}

func (f *fileBackend) GetMetadata(key string) (keyring.Metadata, error) {
	return f.lister.GetMetadata(key)
}

func (f *fileBackend) Set(item keyring.Item) error {
	ring, err := f.verified()
	if err != nil {
		return err
	}
	return f.set(ring, item)
}

// set writes item whole: keyring writes it under a temporary name in the
// same directory, and a rename puts it in place.
func (f *fileBackend) set(ring keyring.Keyring, item keyring.Item) error {
	var random [8]byte
	if _, err := rand.Read(random[:]); err != nil {
		return err
	}
	tmp := tmpItemPrefix + hex.EncodeToString(random[:])
	final := item.Key
	item.Key = tmp
	if err := ring.Set(item); err != nil {
		return err
	}
	if err := os.Rename(filepath.Join(f.dir, tmp), filepath.Join(f.dir, final)); err != nil {
		os.Remove(filepath.Join(f.dir, tmp))
		return err
	}
	return nil
}

func (f *fileBackend) Remove(key string) error {
	err := os.Remove(filepath.Join(f.dir, key))
	if errors.Is(err, fs.ErrNotExist) {
		return keyring.ErrKeyNotFound
	}
	return err
}

// Keys lists item names from file names; no passphrase needed.
func (f *fileBackend) Keys() ([]string, error) {
	all, err := f.lister.Keys()
	if err != nil {
		return nil, err
	}
	names := all[:0]
	for _, n := range all {
		if !strings.HasPrefix(n, ".") { // temporary items and our lock file
			names = append(names, n)
		}
	}
	return names, nil
}
