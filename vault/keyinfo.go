package vault

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/keyring"
)

// KeyInfo is what listing shows of a stored key: everything but the secret.
type KeyInfo struct {
	Profile        string
	AccessKeyID    string
	CreatedAt      time.Time
	CreatedFromIAM bool
}

// Each stored key has a companion item whose name alone carries its KeyInfo
// (awskeep.keyinfo.<profile>.<key id>.<created unix>.<iam|added>; its data is
// empty), so `awskeep list` reads names only: no passphrase, no gpg, no
// decryption per key. A key without one (written before it existed, or its
// write failed) is read whole instead.
const keyInfoPrefix = "awskeep.keyinfo."

func keyInfoItemName(k KeyInfo) string {
	from := "added"
	if k.CreatedFromIAM {
		from = "iam"
	}
	return keyInfoPrefix + escapeField(k.Profile) + "." + escapeField(k.AccessKeyID) + "." +
		strconv.FormatInt(k.CreatedAt.Unix(), 10) + "." + from
}

func parseKeyInfoItemName(name string) (KeyInfo, bool) {
	rest, found := strings.CutPrefix(name, keyInfoPrefix)
	if !found {
		return KeyInfo{}, false
	}
	parts := strings.Split(rest, ".")
	if len(parts) != 4 || (parts[3] != "iam" && parts[3] != "added") {
		return KeyInfo{}, false
	}
	profile, ok1 := unescapeField(parts[0])
	id, ok2 := unescapeField(parts[1])
	unix, err := strconv.ParseInt(parts[2], 10, 64)
	if !ok1 || !ok2 || err != nil || profile == "" {
		return KeyInfo{}, false
	}
	return KeyInfo{Profile: profile, AccessKeyID: id, CreatedAt: time.Unix(unix, 0).UTC(), CreatedFromIAM: parts[3] == "iam"}, true
}

func (k Key) info() KeyInfo {
	return KeyInfo{Profile: k.Profile, AccessKeyID: k.AccessKeyID, CreatedAt: k.CreatedAt, CreatedFromIAM: k.CreatedFromIAM}
}

// putKeyInfo records k's companion item and drops stale ones of its profile.
// It is best effort: listing falls back to reading the key itself.
func (s *Store) putKeyInfo(k Key) {
	want := keyInfoItemName(k.info())
	if checkName(want) != nil {
		want = "" // too long to carry; listing reads the key instead
	}
	names, err := s.ring.Keys()
	if err != nil {
		return
	}
	have := false
	for _, n := range names {
		if info, ok := parseKeyInfoItemName(n); ok && info.Profile == k.Profile {
			if n == want {
				have = true
				continue
			}
			_ = s.ring.Remove(n)
		}
	}
	if !have && want != "" {
		_ = s.ring.Set(keyring.Item{Key: want, Label: "awskeep key info for profile " + k.Profile,
			Description: "awskeep: what listing shows of a stored key (no secret)"})
	}
}

// removeKeyInfo drops the companion items of profile.
func (s *Store) removeKeyInfo(profile string) {
	names, err := s.ring.Keys()
	if err != nil {
		return
	}
	for _, n := range names {
		if info, ok := parseKeyInfoItemName(n); ok && info.Profile == profile {
			_ = s.ring.Remove(n)
		}
	}
}

// KeyInfos lists every stored key without its secret, sorted by profile,
// from item names; only a key lacking its companion item is read whole.
func (s *Store) KeyInfos() ([]KeyInfo, error) {
	names, err := s.ring.Keys()
	if err != nil {
		return nil, fmt.Errorf("listing stored keys: %w", err)
	}
	infos := map[string]KeyInfo{}
	var stored []string
	for _, n := range names {
		if info, ok := parseKeyInfoItemName(n); ok {
			infos[info.Profile] = info
		} else if p, ok := parseKeyItemName(n); ok {
			stored = append(stored, p)
		}
	}
	slices.Sort(stored)
	stored = slices.Compact(stored)
	out := make([]KeyInfo, 0, len(stored))
	for _, p := range stored {
		if info, ok := infos[p]; ok {
			out = append(out, info)
			continue
		}
		k, err := s.Key(p)
		var nf *NotFoundError
		if errors.As(err, &nf) {
			continue // removed meanwhile
		}
		if err != nil {
			return nil, err
		}
		out = append(out, k.info())
	}
	return out, nil
}

// KeyInfo returns what is known of profile's stored key without its secret,
// from item names (no decryption), or a *NotFoundError. Only a key lacking
// its companion item is read whole.
func (s *Store) KeyInfo(profile string) (KeyInfo, error) {
	names, err := s.ring.Keys()
	if err != nil {
		return KeyInfo{}, fmt.Errorf("listing stored keys: %w", err)
	}
	want := keyItemName(profile)
	stored, found := false, 0
	var info KeyInfo
	for _, n := range names {
		if n == want {
			stored = true
		} else if ki, ok := parseKeyInfoItemName(n); ok && ki.Profile == profile {
			info, found = ki, found+1
		}
	}
	switch {
	case !stored:
		return KeyInfo{}, &NotFoundError{Kind: "key", Name: profile}
	case found == 1:
		return info, nil
	}
	// None, or stale ones a failed write left: the key itself decides.
	k, err := s.Key(profile)
	if err != nil {
		return KeyInfo{}, err
	}
	return k.info(), nil
}
