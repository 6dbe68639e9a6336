package vault

import (
	"errors"
	"fmt"
	"os"
	"sync"
)

// lockDirChoice decides, once per Store and on first use, where the lock
// files and notes go: the configured directory, or the fallback when that
// one cannot hold files. The default $XDG_RUNTIME_DIR/awskeep gets
// ~/.awskeep/locks as its fallback, because XDG_RUNTIME_DIR is often stale
// or foreign (a `su` or `sudo -E` shell keeps the other user's, a logged-out
// session's directory is gone, a container names one it never mounted). An
// AWSKEEP_LOCK_DIR the user set has no fallback: its error is theirs to see.
type lockDirChoice struct {
	primary, fallback string

	once sync.Once
	dir  string
	err  error
}

func (c *lockDirChoice) get() (string, error) {
	c.once.Do(func() {
		if c.fallback == "" {
			c.dir = c.primary
			return
		}
		perr := usableLockDir(c.primary, false)
		if perr == nil {
			c.dir = c.primary
			return
		}
		if ferr := usableLockDir(c.fallback, true); ferr != nil {
			c.err = fmt.Errorf("neither %s (%v) nor %s can hold lock files: %w", c.primary, perr, c.fallback, ferr)
			return
		}
		c.dir = c.fallback
	})
	return c.dir, c.err
}

// usableLockDir makes sure dir exists (mode 0700) and a file can be created
// in it, which a permission check alone cannot tell (root passes every
// check; a read-only mount fails every write). Only with parents does it
// create missing parent directories: the runtime directory is the login
// manager's to create, never awskeep's.
func usableLockDir(dir string, parents bool) error {
	mkdir := os.Mkdir
	if parents {
		mkdir = os.MkdirAll
	}
	if err := mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	probe, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return err
	}
	probe.Close()
	return os.Remove(probe.Name())
}

// lockDir is where the store's lock files and notes are.
func (s *Store) lockDir() (string, error) {
	dir, err := s.locks.get()
	if err != nil {
		return "", fmt.Errorf("creating the lock directory: %w", err)
	}
	return dir, nil
}
