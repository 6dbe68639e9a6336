package vault

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/99designs/keyring"
	"github.com/mtibben/percent"
)

// JWEStore reads a directory in the file format of 99designs/keyring's file
// backend: one file per item, each a JWE (PBES2-HS256+A128KW key wrapping,
// A256GCM content encryption, PBKDF2 with 8,192 iterations and a salt of
// its own per item) of the item's JSON. Earlier awskeep versions wrote
// their file keyring this way, and aws-vault's file backend still does.
// It only reads; every Get derives that item's key from the passphrase.
type JWEStore struct {
	dir  string
	ring keyring.Keyring
}

// RawItem is one keyring item as stored, with its metadata.
type RawItem struct {
	Name        string
	Data        []byte
	Label       string
	Description string
}

// ErrCannotDecrypt says an item did not decrypt: the passphrase is wrong
// or the file is damaged (this format cannot tell which).
var ErrCannotDecrypt = errors.New("cannot decrypt (wrong passphrase or damaged item)")

// OpenJWEStore opens dir for reading with passphrase. It does not check the
// passphrase; the first Get does.
func OpenJWEStore(dir string, passphrase Secret) (*JWEStore, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", dir)
	}
	ring, err := keyring.Open(keyring.Config{
		AllowedBackends:  []keyring.BackendType{keyring.FileBackend},
		FileDir:          dir,
		FilePasswordFunc: keyring.FixedStringPrompt(passphrase.Reveal()),
	})
	if err != nil {
		return nil, err
	}
	return &JWEStore{dir: dir, ring: ring}, nil
}

// Names lists, sorted, the items whose files are in this format (other
// files, dot files and directories are left out).
func (j *JWEStore) Names() ([]string, error) {
	entries, err := os.ReadDir(j.dir)
	if err != nil {
		return nil, err
	}
	names := []string{}
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if ok, err := fileHasPrefix(filepath.Join(j.dir, e.Name()), isJWEItem); err != nil || !ok {
			continue
		}
		names = append(names, percent.Decode(e.Name()))
	}
	slices.Sort(names)
	return names, nil
}

// Get decrypts the item name. A missing item wraps fs.ErrNotExist; one that
// does not decrypt wraps ErrCannotDecrypt.
func (j *JWEStore) Get(name string) (RawItem, error) {
	item, err := j.ring.Get(name)
	if errors.Is(err, keyring.ErrKeyNotFound) {
		return RawItem{}, fmt.Errorf("item %s: %w", name, fs.ErrNotExist)
	}
	if err != nil {
		var pathErr *fs.PathError
		if errors.As(err, &pathErr) {
			return RawItem{}, err
		}
		return RawItem{}, fmt.Errorf("item %s: %w", name, ErrCannotDecrypt)
	}
	return RawItem{Name: name, Data: item.Data, Label: item.Label, Description: item.Description}, nil
}

// fileHasPrefix reports whether the file at path starts as test wants,
// reading its first bytes only.
func fileHasPrefix(path string, test func([]byte) bool) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	buf := make([]byte, 8)
	n, _ := f.Read(buf)
	return test(buf[:n]), nil
}
