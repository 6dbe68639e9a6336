package vault

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/99designs/keyring"
)

// MoveConflictError says the target keyring already holds an item by that
// name with other content; nothing was moved.
type MoveConflictError struct {
	Target string
	Name   string
}

func (e *MoveConflictError) Error() string {
	return fmt.Sprintf("the %s keyring already holds %s with other content; nothing was moved", e.Target, e.Name)
}

// MoveReport says what a move did (or, dry, would do).
type MoveReport struct {
	// Moved are the items copied, verified and deleted from the source (or
	// that would be); AlreadyThere are items the target held with the same
	// content (deleted from the source all the same).
	Moved, AlreadyThere []string
}

// MoveItems moves every awskeep item (stored keys with their metadata items,
// cached sessions, rotation journals) from the keyring from to the keyring
// to: it reads every item first and refuses the whole move if the target
// holds one with other content; then copies each, reads the copy back and
// compares it, and only when every copy is verified deletes the source
// items. A failure before the deletions leaves the source whole (and
// possibly some copies in the target, which a re-run accepts). dryRun only
// reads.
func MoveItems(from, to *Store, dryRun bool) (MoveReport, error) {
	var report MoveReport
	names, err := from.ring.Keys()
	if err != nil {
		return report, fmt.Errorf("listing the %s keyring: %w", from.backend, err)
	}
	names = slices.DeleteFunc(slices.Clone(names), func(n string) bool {
		return !strings.HasPrefix(n, "awskeep.") || n == verifierName
	})
	slices.Sort(names)
	items := make([]keyring.Item, 0, len(names))
	present := map[string]bool{}
	for _, n := range names {
		item, err := from.ring.Get(n)
		if errors.Is(err, keyring.ErrKeyNotFound) {
			continue // removed meanwhile
		}
		if err != nil {
			return report, fmt.Errorf("reading %s from the %s keyring: %w", n, from.backend, err)
		}
		item.Key = n
		theirs, err := to.ring.Get(n)
		switch {
		case err == nil && bytes.Equal(theirs.Data, item.Data):
			present[n] = true
		case err == nil:
			return report, &MoveConflictError{Target: to.backend, Name: n}
		case !errors.Is(err, keyring.ErrKeyNotFound):
			return report, fmt.Errorf("checking %s in the %s keyring: %w", n, to.backend, err)
		}
		items = append(items, item)
	}
	for _, item := range items {
		if present[item.Key] {
			report.AlreadyThere = append(report.AlreadyThere, item.Key)
		} else {
			report.Moved = append(report.Moved, item.Key)
		}
	}
	if dryRun {
		return report, nil
	}
	for _, item := range items {
		if present[item.Key] {
			continue
		}
		if err := to.ring.Set(item); err != nil {
			if isKeyInfoName(item.Key) {
				continue // listing reads the key itself when this is missing
			}
			return report, fmt.Errorf("copying %s to the %s keyring: %w", item.Key, to.backend, err)
		}
		back, err := to.ring.Get(item.Key)
		if err != nil || !bytes.Equal(back.Data, item.Data) {
			return report, fmt.Errorf("the copy of %s in the %s keyring does not read back the same (%v); the source is untouched", item.Key, to.backend, err)
		}
	}
	for _, item := range items {
		if err := from.ring.Remove(item.Key); err != nil && !errors.Is(err, keyring.ErrKeyNotFound) {
			return report, fmt.Errorf("every item is copied, but deleting %s from the %s keyring failed: %w", item.Key, from.backend, err)
		}
	}
	return report, nil
}

func isKeyInfoName(n string) bool { return strings.HasPrefix(n, keyInfoPrefix) }
