package vault

import (
	"errors"
	"fmt"
	"strings"

	"github.com/99designs/keyring"
)

// Items are opaque secrets other packages keep in the keyring under a kind
// and a name of their own (for example an OAuth client registration).
// vault stores and returns the bytes and knows nothing of what they mean.
const itemPrefix = "awskeep.item."

func itemName(kind, name string) string {
	return itemPrefix + escapeField(kind) + "." + escapeField(name)
}

func checkItem(kind, name string) (string, error) {
	if kind == "" || name == "" {
		return "", errors.New("vault: an item needs a kind and a name")
	}
	n := itemName(kind, name)
	return n, checkName(n)
}

// PutItem stores data as the item kind/name, replacing what was there.
func (s *Store) PutItem(kind, name string, data Secret) error {
	n, err := checkItem(kind, name)
	if err != nil {
		return err
	}
	err = s.ring.Set(keyring.Item{Key: n, Data: []byte(data.Reveal()),
		Label: "awskeep " + kind + " " + name, Description: "awskeep " + kind})
	if err != nil {
		return fmt.Errorf("storing the %s %q in the keyring: %w", kind, name, err)
	}
	return nil
}

// Item returns the item kind/name, or a *NotFoundError.
func (s *Store) Item(kind, name string) (Secret, error) {
	n, err := checkItem(kind, name)
	if err != nil {
		return "", err
	}
	item, err := s.ring.Get(n)
	if errors.Is(err, keyring.ErrKeyNotFound) {
		return "", &NotFoundError{Kind: kind, Name: name}
	}
	if err != nil {
		return "", fmt.Errorf("reading the %s %q from the keyring: %w", kind, name, err)
	}
	return Secret(item.Data), nil
}

// DeleteItem removes the item kind/name; a missing one is no error.
func (s *Store) DeleteItem(kind, name string) error {
	n, err := checkItem(kind, name)
	if err != nil {
		return err
	}
	if err := s.ring.Remove(n); err != nil && !errors.Is(err, keyring.ErrKeyNotFound) {
		return fmt.Errorf("removing the %s %q from the keyring: %w", kind, name, err)
	}
	return nil
}

// ItemNames lists the names of the items of kind, from item names alone.
func (s *Store) ItemNames(kind string) ([]string, error) {
	names, err := s.ring.Keys()
	if err != nil {
		return nil, fmt.Errorf("listing the keyring: %w", err)
	}
	prefix := itemPrefix + escapeField(kind) + "."
	var out []string
	for _, n := range names {
		if rest, ok := strings.CutPrefix(n, prefix); ok {
			if name, ok := unescapeField(rest); ok {
				out = append(out, name)
			}
		}
	}
	return out, nil
}
