package vault

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/99designs/keyring"
)

// fileBackend is the file keyring: a directory in the awskeep-file-v2
// format (filestore.go). It also reads a directory still in the JWE format
// of 99designs/keyring, which earlier awskeep versions wrote, and converts
// it on the first command that has the passphrase (fileconvert.go).
//
//   - Listing and removing items need neither passphrase nor key.
//   - Reading and writing need the data key: from the kernel keyring when
//     the store is unlocked (`awskeep unlock`), else from the passphrase,
//     asked at most once per Store under a cross-process lock, so parallel
//     callers on one terminal see one prompt: one asks, the others wait and
//     find the key it unlocked.
type fileBackend struct {
	dir   string
	ask   func(PassphraseRequest) (PassphraseAnswer, error)
	cache unlockCache
	now   func() time.Time
	// waiting is Config.Waiting.
	waiting func(what string) (done func())

	mu     sync.Mutex
	tried  bool // key acquisition ran (successfully or not)
	key    []byte
	header *storeHeader
	keyErr error
	// unlockedUntil is when the cached key this Store uses expires (zero
	// when the key came from a passphrase and was not cached).
	unlockedUntil time.Time
}

// unlockingWords is what the holder of the file-unlock lock does, for
// those who wait on it (it may be waiting for a passphrase).
const unlockingWords = "unlocking the file keyring"

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
	return &fileBackend{dir: dir, ask: cfg.fileAsker(), cache: newUnlockCache(), now: time.Now, waiting: cfg.Waiting}, nil
}

// PassphraseRequest is what the file backend asks of whoever supplies its
// passphrase (Config.FileAsk).
type PassphraseRequest struct {
	// Dir is the store; prompts should name it.
	Dir string
	// New means the store does not exist yet: the passphrase becomes its
	// passphrase, so ask for it twice and refuse a mismatch.
	New bool
}

// PassphraseAnswer is a passphrase and what to do with it.
type PassphraseAnswer struct {
	Passphrase Secret
	// UnlockFor, when positive, keeps the store unlocked for that long once
	// the passphrase opened it (the data key goes to the kernel keyring).
	UnlockFor time.Duration
	// Unlocked, if set, is called once after an UnlockFor attempt: with
	// the time the unlock ends, or with the reason it failed (typically an
	// *UnlockUnavailableError; the command goes on with the passphrase).
	Unlocked func(until time.Time, err error)
}

// fileAsker is FileAsk, or FilePassphrase adapted to it.
func (c Config) fileAsker() func(PassphraseRequest) (PassphraseAnswer, error) {
	if c.FileAsk != nil {
		return c.FileAsk
	}
	if c.FilePassphrase == nil {
		return nil
	}
	return func(req PassphraseRequest) (PassphraseAnswer, error) {
		p, err := c.FilePassphrase(fmt.Sprintf("Passphrase for the awskeep file keyring in %s", req.Dir))
		return PassphraseAnswer{Passphrase: p}, err
	}
}

// dataKey returns the store's data key and header, acquired once per Store.
func (f *fileBackend) dataKey() ([]byte, *storeHeader, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.tried {
		f.tried = true
		f.key, f.header, f.keyErr = f.acquire(false, 0)
	}
	return f.key, f.header, f.keyErr
}

// acquire gets the data key: from the unlock cache when the store is
// unlocked (unless force), else from the passphrase under the store's
// unlock lock. It creates the store when there is none and converts a JWE
// store. With force it always asks, and caches the key for unlockFor.
func (f *fileBackend) acquire(force bool, unlockFor time.Duration) ([]byte, *storeHeader, error) {
	if !force {
		if key, h, ok := f.fromCache(); ok {
			return key, h, nil
		}
	}
	// One asker at a time per store, across processes: the others wait here
	// and then find the key the first one cached. The lock also bounds
	// memory: one Argon2id derivation at a time.
	failpoint("unlock-wait")
	unlock, err := lockPath(WithLockPurpose(context.Background(), unlockingWords), f.dir, internalLockName("file-unlock"), f.waiting)
	if err != nil {
		return nil, nil, err
	}
	defer unlock()
	if !force {
		if key, h, ok := f.fromCache(); ok {
			return key, h, nil
		}
	}
	h, err := readHeader(f.dir)
	if err != nil {
		return nil, nil, err
	}
	legacy := false
	if h == nil || h.Converting {
		legacy, err = f.hasLegacyItems()
		if err != nil {
			return nil, nil, err
		}
	}
	if f.ask == nil {
		return nil, nil, &BackendError{Backend: BackendFile, Err: errNoPassphraseSource,
			Hint: "set AWSKEEP_FILE_PASSPHRASE or run awskeep on a terminal"}
	}
	answer, err := f.ask(PassphraseRequest{Dir: f.dir, New: h == nil && !legacy})
	if err != nil {
		return nil, nil, err
	}
	pass := answer.Passphrase
	if pass.IsZero() {
		return nil, nil, &BackendError{Backend: BackendFile, Err: errors.New("the passphrase is empty"),
			Hint: "use a non-empty passphrase"}
	}
	var key []byte
	switch {
	case h == nil && !legacy:
		if h, key, err = newHeader(pass, f.now()); err != nil {
			return nil, nil, err
		}
		if err := writeHeader(f.dir, h); err != nil {
			return nil, nil, fmt.Errorf("creating the file keyring in %s: %w", f.dir, err)
		}
	case h == nil:
		if h, key, err = f.convert(pass); err != nil {
			return nil, nil, err
		}
	default:
		if key, err = h.unwrap(pass); err != nil {
			if errors.Is(err, errWrongPassphrase) {
				return nil, nil, &WrongPassphraseError{Dir: f.dir}
			}
			return nil, nil, &DamagedStoreError{Dir: f.dir, Err: err}
		}
		if h.Converting {
			if err := f.finishConversion(h, key, pass); err != nil {
				return nil, nil, err
			}
		}
	}
	d := unlockFor
	if !force {
		d = answer.UnlockFor
	}
	if d > 0 {
		until, err := f.cache.put(h.ID, key, d)
		if err == nil {
			f.unlockedUntil = until
		}
		if answer.Unlocked != nil && !force {
			answer.Unlocked(until, err)
		}
		if force && err != nil {
			return key, h, err
		}
	}
	return key, h, nil
}

// fromCache returns the data key when the store is unlocked.
func (f *fileBackend) fromCache() ([]byte, *storeHeader, bool) {
	h, err := readHeader(f.dir)
	if err != nil || h == nil || h.Converting {
		return nil, nil, false
	}
	key, until, err := f.cache.get(h.ID)
	if err != nil || !h.checks(key) {
		return nil, nil, false
	}
	f.unlockedUntil = until
	return key, h, true
}

// names lists the items' file names: everything but dot files (header,
// locks, temporary files) and directories.
func (f *fileBackend) names() ([]string, error) {
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		return nil, err
	}
	names := []string{}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") || e.IsDir() {
			continue
		}
		names = append(names, e.Name())
	}
	return names, nil
}

func (f *fileBackend) path(name string) (string, error) {
	if name == "" || strings.HasPrefix(name, ".") || strings.ContainsAny(name, `/\%`) || name != filepath.Base(name) {
		return "", fmt.Errorf("vault: %q is not a file keyring item name", name)
	}
	return filepath.Join(f.dir, name), nil
}

func (f *fileBackend) Get(name string) (keyring.Item, error) {
	p, err := f.path(name)
	if err != nil {
		return keyring.Item{}, err
	}
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return keyring.Item{}, keyring.ErrKeyNotFound // absent: no need to ask
	}
	if err != nil {
		return keyring.Item{}, err
	}
	key, h, err := f.dataKey()
	if err != nil {
		return keyring.Item{}, err
	}
	if isJWEItem(data) {
		// The conversion above turned every JWE item it could open into v2;
		// this one was written meanwhile by an older awskeep, or is damaged.
		if data, err = os.ReadFile(p); errors.Is(err, fs.ErrNotExist) {
			return keyring.Item{}, keyring.ErrKeyNotFound
		} else if err != nil {
			return keyring.Item{}, err
		}
		if isJWEItem(data) {
			return keyring.Item{}, &DamagedItemError{Name: name,
				Err: errors.New("it is in the old JWE format and did not open with the store's passphrase")}
		}
	}
	r, err := openItem(key, h.ID, name, data)
	if err != nil {
		return keyring.Item{}, &DamagedItemError{Name: name, Err: err}
	}
	return keyring.Item{Key: name, Data: r.Data, Label: r.Label, Description: r.Description}, nil
}

func (f *fileBackend) GetMetadata(name string) (keyring.Metadata, error) {
	p, err := f.path(name)
	if err != nil {
		return keyring.Metadata{}, err
	}
	fi, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return keyring.Metadata{}, keyring.ErrKeyNotFound
	}
	if err != nil {
		return keyring.Metadata{}, err
	}
	return keyring.Metadata{ModificationTime: fi.ModTime()}, nil
}

func (f *fileBackend) Set(item keyring.Item) error {
	if _, err := f.path(item.Key); err != nil {
		return err
	}
	key, h, err := f.dataKey()
	if err != nil {
		return err
	}
	sealed, err := sealItem(key, h.ID, item.Key, itemRecord{Data: item.Data, Label: item.Label, Description: item.Description})
	if err != nil {
		return err
	}
	return writeFileAtomic(f.dir, item.Key, sealed)
}

func (f *fileBackend) Remove(name string) error {
	p, err := f.path(name)
	if err != nil {
		return err
	}
	err = os.Remove(p)
	if errors.Is(err, fs.ErrNotExist) {
		return keyring.ErrKeyNotFound
	}
	return err
}

// Keys lists item names from file names; no passphrase needed.
func (f *fileBackend) Keys() ([]string, error) { return f.names() }
