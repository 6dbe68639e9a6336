package vault

import (
	"errors"
	"fmt"
	"strings"
)

// NotFoundError says that the store holds no item of this kind and name.
type NotFoundError struct {
	Kind string // "key" or "session"
	Name string // profile for keys, session id for sessions
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("no stored %s for %q", e.Kind, e.Name)
}

// WrongPassphraseError says the file backend's passphrase does not open the
// store in Dir.
type WrongPassphraseError struct {
	Dir string
}

func (e *WrongPassphraseError) Error() string {
	return fmt.Sprintf("wrong passphrase for the awskeep file keyring in %s", e.Dir)
}

// BackendError says a keyring backend cannot be used, why, and what to do.
type BackendError struct {
	Backend string
	Err     error
	Hint    string // what the user can do about it; may be empty
}

func (e *BackendError) Error() string {
	msg := fmt.Sprintf("keyring backend %q: %v", e.Backend, e.Err)
	if e.Hint != "" {
		msg += " (" + e.Hint + ")"
	}
	return msg
}

func (e *BackendError) Unwrap() error { return e.Err }

// LockedError says the keyring is locked and could not be unlocked, for
// example because the unlock prompt was dismissed or cannot be shown.
type LockedError struct {
	Backend string
	Name    string // the collection or store that stays locked
	Err     error  // the cause, if any
}

func (e *LockedError) Error() string {
	msg := fmt.Sprintf("keyring %q (%s) is locked", e.Name, e.Backend)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *LockedError) Unwrap() error { return e.Err }

// ErrUnknownBackend is the cause in a BackendError for a name that is not a backend.
var ErrUnknownBackend = errors.New("unknown keyring backend")

// ErrBackendUnavailable is the cause in a BackendError for a backend that
// exists but not on this system or in this build.
var ErrBackendUnavailable = errors.New("backend not available here")

// ErrNoSessionBus is the cause in a BackendError when no D-Bus session bus is known.
var ErrNoSessionBus = errors.New("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset and $XDG_RUNTIME_DIR/bus does not exist)")

// ErrNoSecretService is the cause in a BackendError when nothing serves the Secret Service API.
var ErrNoSecretService = errors.New("no Secret Service (org.freedesktop.secrets) on the session bus")

// CollectionNotFoundError says the Secret Service has no collection by that name.
type CollectionNotFoundError struct {
	Name      string
	Available []string // names (or labels) of the collections that exist
}

func (e *CollectionNotFoundError) Error() string {
	msg := fmt.Sprintf("the Secret Service has no collection %q", e.Name)
	if len(e.Available) > 0 {
		msg += "; it has: " + strings.Join(e.Available, ", ")
	}
	return msg
}

// DamagedItemError says a stored item cannot be read although the keyring
// opened: the file backend cannot decrypt it (changed, truncated or copied
// from another store outside awskeep), or what it holds does not decode.
// The item can still be removed by name.
type DamagedItemError struct {
	Name string // the item's name in the keyring
	// Kind and Profile say whose item it is ("key", "session", "rotation
	// journal"); empty when only the backend saw it.
	Kind    string
	Profile string
	Err     error
}

func (e *DamagedItemError) Error() string {
	what := "the keyring item " + e.Name
	if e.Kind != "" && e.Profile != "" {
		what = fmt.Sprintf("the stored %s of profile %s (keyring item %s)", e.Kind, e.Profile, e.Name)
	}
	return fmt.Sprintf("%s is damaged and cannot be read (%v)", what, e.Err)
}

// damaged is err, met reading item name of profile: a *DamagedItemError
// that says whose item it is, or err wrapped in context (a format with the
// profile's %q and err's %w).
func damaged(err error, name, kind, profile, context string) error {
	var d *DamagedItemError
	if errors.As(err, &d) {
		return &DamagedItemError{Name: name, Kind: kind, Profile: profile, Err: d.Err}
	}
	return fmt.Errorf(context+": %w", profile, err)
}

func (e *DamagedItemError) Unwrap() error { return e.Err }

// DamagedStoreError says the file keyring's header cannot be used: it was
// changed or truncated outside awskeep. Nothing in the store is touched.
type DamagedStoreError struct {
	Dir string
	Err error
}

func (e *DamagedStoreError) Error() string {
	return fmt.Sprintf("the awskeep file keyring in %s is damaged (%v); restore %s from a backup", e.Dir, e.Err, headerFile)
}

func (e *DamagedStoreError) Unwrap() error { return e.Err }
