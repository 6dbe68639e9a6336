package profiles

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// EditFile applies edit to the file at path and writes the result whole or
// not at all: a temporary file in the same directory, fsync, rename over the
// target. A symlink is followed and its target edited, so the link stays.
// The file keeps its mode; a new file gets 0600 and a missing parent
// directory 0700. A missing file reads as empty and is created only if the
// edit changes something; nothing is written when nothing changed.
//
// Errors: edit's own error, a *ParseError for a malformed file, an
// *InvalidEditError for an edit the format cannot hold (see Document.Err),
// or the I/O error. In every error case the file is left as it was.
//
// Edits by several processes at once (terraform running helpers, two
// terminals) are serialised by a lock on the file's directory, held from the
// read to the rename, so none of them is lost. edit may therefore run twice
// when the directory does not exist yet: once to learn whether anything
// changes, once under the lock.
func EditFile(path string, edit func(*Document) error) error {
	target, err := resolveLinks(path)
	if err != nil {
		return err
	}
	dir := filepath.Dir(target)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		changed := false
		err := editLocked(path, target, func(d *Document) error {
			before := d.Bytes()
			if err := edit(d); err != nil {
				return err
			}
			changed = !bytes.Equal(before, d.Bytes())
			return errDryRun
		})
		if !errors.Is(err, errDryRun) {
			return err // the edit failed, or the file cannot be read
		}
		if !changed {
			return nil // a missing file stays missing, its directory too
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
	}
	unlock, err := lockDir(dir)
	if err != nil {
		return fmt.Errorf("locking %s for editing: %w", dir, err)
	}
	defer unlock()
	return editLocked(path, target, edit)
}

// errDryRun stops editLocked before it writes.
var errDryRun = errors.New("dry run")

// editLocked reads target, applies edit and writes the result atomically.
func editLocked(path, target string, edit func(*Document) error) error {
	var mode fs.FileMode = 0o600
	exists := true
	data, err := os.ReadFile(target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		exists = false
	case err != nil:
		return err
	default:
		fi, err := os.Stat(target)
		if err != nil {
			return err
		}
		mode = fi.Mode().Perm()
	}

	doc, err := ParseDocument(data)
	if err != nil {
		var perr *ParseError
		if errors.As(err, &perr) {
			perr.File = path
		}
		return err
	}
	if err := edit(doc); err != nil {
		return err
	}
	if err := doc.Err(); err != nil {
		return err
	}
	out := doc.Bytes()
	if bytes.Equal(out, data) {
		return nil // unchanged; a missing file stays missing
	}
	if !exists {
		if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
			return err
		}
	}
	return writeAtomic(target, out, mode)
}

// resolveLinks follows symlinks from path to the file they lead to, which
// may not exist yet (a dangling link's target is where the file will go).
func resolveLinks(path string) (string, error) {
	p := path
	for range 40 {
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return p, nil
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return p, nil
		}
		link, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(p), link)
		}
		p = link
	}
	return "", fmt.Errorf("%s: too many levels of symbolic links", path)
}

// writeAtomic replaces target with data: temp file in the same directory
// (so the rename stays on one file system), mode set, fsync, rename, then a
// best-effort fsync of the directory so the rename itself is durable.
func writeAtomic(target string, data []byte, mode fs.FileMode) (err error) {
	dir := filepath.Dir(target)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(target)+".awskeep-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Chmod(mode); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), target); err != nil {
		return err
	}
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync() // not supported everywhere (Windows); the data is already synced
		d.Close()
	}
	return nil
}
