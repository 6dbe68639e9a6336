package vault

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// lockPollInterval is how often a waiting Lock retries. Polling keeps the
// wait cancellable by ctx, which a blocking flock(2) call is not.
const lockPollInterval = 15 * time.Millisecond

// Lock takes the cross-process lock called name, waiting until it is free
// or ctx ends. Every process (and every goroutine) that locks the same name
// with the same LockDir is serialised. The returned unlock releases it and
// may be called more than once.
//
// Names are the caller's own (for example one per session id, so parallel
// credential helpers make one STS call). The lock is an advisory file lock
// in LockDir; the kernel drops it if the process dies.
func (s *Store) Lock(ctx context.Context, name string) (unlock func(), err error) {
	if name == "" {
		return nil, errors.New("vault: a lock needs a name")
	}
	return s.lockFile(ctx, escapeField(name)+".lock")
}

// internalLockName gives vault's own locks names that escapeField never
// produces (a leading dot), so they cannot collide with a caller's.
func internalLockName(name string) string { return ".vault-" + name + ".lock" }

func (s *Store) lockFile(ctx context.Context, file string) (func(), error) {
	dir, err := s.lockDir()
	if err != nil {
		return nil, err
	}
	return lockPathWait(ctx, dir, file, s.lockWait, s.waiting)
}

func lockPath(ctx context.Context, dir, file string, waiting func(string) func()) (func(), error) {
	return lockPathWait(ctx, dir, file, nil, waiting)
}

type lockPurposeKey struct{}

// WithLockPurpose returns ctx carrying what the holder of the locks taken
// with it does, in words for people ("getting a session for prod"): when
// another process holds such a lock, Config.Waiting is told "waiting for
// another awskeep (pid N) getting a session for prod".
func WithLockPurpose(ctx context.Context, purpose string) context.Context {
	return context.WithValue(ctx, lockPurposeKey{}, purpose)
}

// waitWords says what a Lock that found file held by another waits for;
// "" when the holder is this process (its own waits are reported by whoever
// makes them).
func waitWords(ctx context.Context, f *os.File, file string) string {
	purpose, _ := ctx.Value(lockPurposeKey{}).(string)
	if purpose == "" {
		purpose = "holding the lock " + file
	}
	b := make([]byte, 20)
	n, _ := f.ReadAt(b, 0)
	pid, err := strconv.Atoi(string(bytes.TrimSpace(b[:n])))
	switch {
	case err != nil || pid <= 0:
		return "waiting for another awskeep " + purpose
	case pid == os.Getpid():
		return ""
	}
	return fmt.Sprintf("waiting for another awskeep (pid %d) %s", pid, purpose)
}

// markHolder writes this process's id into the held lock file, for the
// messages of those who wait (waitWords). Best effort: a lock without it
// still locks.
func markHolder(f *os.File) {
	// Fixed width, so the write replaces any earlier pid whole without a
	// truncate (which costs a metadata update on every lock).
	_, _ = f.WriteAt(fmt.Appendf(nil, "%-19d\n", os.Getpid()), 0)
}

// sleepCtx pauses for d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// lockPathWait takes the lock file, pausing with wait (nil: sleepCtx)
// between tries. When the lock is held by another process, waiting (if
// set) is told what this one waits for, and its done func when the wait
// ends.
func lockPathWait(ctx context.Context, dir, file string, wait func(context.Context, time.Duration) error,
	waiting func(what string) (done func())) (func(), error) {
	if wait == nil {
		wait = sleepCtx
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating the lock directory: %w", err)
	}
	path := filepath.Join(dir, file)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening lock %s: %w", path, err)
	}
	for {
		locked, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		if locked {
			break
		}
		if waiting != nil {
			if what := waitWords(ctx, f, file); what != "" {
				defer waiting(what)()
			}
			waiting = nil
		}
		if err := ctx.Err(); err == nil {
			err = wait(ctx, lockPollInterval)
		}
		if err := ctx.Err(); err != nil {
			f.Close()
			return nil, fmt.Errorf("waiting for lock %s: %w", path, err)
		}
	}
	markHolder(f)
	released := false
	return func() {
		if released {
			return
		}
		released = true
		unlockFile(f)
		f.Close()
	}, nil
}
