package vault

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Converting a JWE store (99designs/keyring's format, earlier awskeep
// versions) to awskeep-file-v2. It runs under the store's unlock lock, with
// the passphrase, in steps that each leave every item readable:
//
//  1. The passphrase is checked against the JWE marker item (or, in a store
//     older than the marker, against an item), so a wrong one changes
//     nothing.
//  2. The header is written with a new data key wrapped under that same
//     passphrase and Converting set. From here the store is a mix, and
//     every file says by its first bytes which format it is in: JWE items
//     open with the passphrase, v2 items with the data key, which the
//     passphrase unwraps. A command that has the passphrase finishes the
//     conversion; none can use a cached key until it is done.
//  3. Each JWE item is rewritten as v2 under its own name (temporary file,
//     then rename), one at a time.
//  4. The JWE marker is removed and the header rewritten without
//     Converting.
//
// A SIGKILL at any point leaves either the JWE store or the mix, and the
// next command with the passphrase picks up at step 3.

// hasLegacyItems reports whether any item file is in the JWE format.
func (f *fileBackend) hasLegacyItems() (bool, error) {
	names, err := f.names()
	if err != nil {
		return false, err
	}
	for _, n := range names {
		ok, err := fileHasPrefix(filepath.Join(f.dir, n), isJWEItem)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return false, err
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}

// convert starts the conversion of a JWE store (step 1 and 2) and finishes
// it.
func (f *fileBackend) convert(pass Secret) (*storeHeader, []byte, error) {
	jwe, err := OpenJWEStore(f.dir, pass)
	if err != nil {
		return nil, nil, err
	}
	if err := f.checkJWEPassphrase(jwe); err != nil {
		return nil, nil, err
	}
	failpoint("convert-checked")
	h, key, err := newHeader(pass, f.now())
	if err != nil {
		return nil, nil, err
	}
	h.Converting = true
	if err := writeHeader(f.dir, h); err != nil {
		return nil, nil, fmt.Errorf("converting the file keyring in %s: %w", f.dir, err)
	}
	failpoint("convert-header")
	if err := f.finishConversion(h, key, pass); err != nil {
		return nil, nil, err
	}
	return h, key, nil
}

// checkJWEPassphrase opens the marker item, or the first item when there is
// no marker; a failure means the passphrase is wrong.
func (f *fileBackend) checkJWEPassphrase(jwe *JWEStore) error {
	item, err := jwe.Get(verifierName)
	switch {
	case err == nil:
		if string(item.Data) != verifierText {
			return &WrongPassphraseError{Dir: f.dir}
		}
		return nil
	case errors.Is(err, ErrCannotDecrypt):
		return &WrongPassphraseError{Dir: f.dir}
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	names, err := jwe.Names()
	if err != nil {
		return err
	}
	for _, n := range names {
		_, err := jwe.Get(n)
		if errors.Is(err, ErrCannotDecrypt) {
			return &WrongPassphraseError{Dir: f.dir}
		}
		if err == nil {
			return nil
		}
	}
	return nil
}

// finishConversion rewrites every remaining JWE item as v2 (step 3) and
// marks the store converted (step 4). An item that does not decrypt with
// the checked passphrase is damaged; it stays as it is and reads as damaged.
func (f *fileBackend) finishConversion(h *storeHeader, key []byte, pass Secret) error {
	jwe, err := OpenJWEStore(f.dir, pass)
	if err != nil {
		return err
	}
	f.removeStaleTemporaries()
	names, err := jwe.Names()
	if err != nil {
		return err
	}
	for _, n := range names {
		if n == verifierName {
			continue
		}
		item, err := jwe.Get(n)
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, ErrCannotDecrypt) {
			continue
		}
		if err != nil {
			return err
		}
		if _, err := f.path(n); err != nil {
			continue // a name this store cannot hold; leave the file alone
		}
		sealed, err := sealItem(key, h.ID, n, itemRecord{Data: item.Data, Label: item.Label, Description: item.Description})
		if err != nil {
			return err
		}
		if err := writeFileAtomic(f.dir, n, sealed); err != nil {
			return fmt.Errorf("converting item %s: %w", n, err)
		}
		failpoint("convert-item")
	}
	if err := os.Remove(filepath.Join(f.dir, verifierName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	failpoint("convert-marker")
	h.Converting = false
	if err := writeHeader(f.dir, h); err != nil {
		return fmt.Errorf("converting the file keyring in %s: %w", f.dir, err)
	}
	failpoint("convert-done")
	return nil
}

// removeStaleTemporaries drops temporary files a killed writer left behind.
// Only old ones: a fresh one may belong to a writer still at work.
func (f *fileBackend) removeStaleTemporaries() {
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), tmpItemPrefix) {
			continue
		}
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > time.Hour {
			os.Remove(filepath.Join(f.dir, e.Name()))
		}
	}
}
