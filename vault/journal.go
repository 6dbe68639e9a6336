package vault

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/99designs/keyring"
)

// RotationJournal records a key rotation in progress, so that an
// interrupted rotation can be finished. It lives in the keyring because it
// may hold the new key's secret: between IAM creating the new key and the
// new key being promoted to the profile's key, the journal is where that
// key is stored, beside the old one.
//
// vault stores the journal and knows nothing of what the steps mean; the
// rotation itself (sts) decides.
type RotationJournal struct {
	Profile string
	// OldKeyID is the key being replaced.
	OldKeyID string
	// NewKey is the key IAM created, with its secret and metadata; its
	// AccessKeyID is empty until CreateAccessKey has answered.
	NewKey Key
	// UserName is the IAM user whose keys are rotated; empty for the
	// account's root user.
	UserName string
	// Step is the last step the rotation completed.
	Step      string
	StartedAt time.Time
	UpdatedAt time.Time
}

type rotationRecord struct {
	Profile   string     `json:"profile"`
	OldKeyID  string     `json:"old_key_id"`
	NewKey    *keyRecord `json:"new_key,omitempty"`
	UserName  string     `json:"user_name,omitempty"`
	Step      string     `json:"step"`
	StartedAt time.Time  `json:"started_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

const rotationPrefix = "awskeep.rotation."

func rotationItemName(profile string) string { return rotationPrefix + escapeField(profile) }

// PutRotationJournal stores j under j.Profile, replacing the journal stored
// for it. One keyring write holds the whole journal, new key included, so
// it is there whole or not at all.
func (s *Store) PutRotationJournal(j RotationJournal) error {
	if j.Profile == "" {
		return errors.New("vault: a rotation journal needs a profile name")
	}
	name := rotationItemName(j.Profile)
	if err := checkName(name); err != nil {
		return err
	}
	r := rotationRecord{Profile: j.Profile, OldKeyID: j.OldKeyID, UserName: j.UserName,
		Step: j.Step, StartedAt: j.StartedAt, UpdatedAt: j.UpdatedAt}
	if j.NewKey.AccessKeyID != "" {
		k := journalKeyRecord(j.NewKey)
		r.NewKey = &k
	}
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	err = s.ring.Set(keyring.Item{Key: name, Data: data,
		Label:       "awskeep key rotation in progress for profile " + j.Profile,
		Description: "awskeep key rotation journal"})
	if err != nil {
		return fmt.Errorf("storing the rotation journal of profile %q: %w", j.Profile, err)
	}
	return nil
}

// RotationJournal returns the journal stored for profile, or a
// *NotFoundError when no rotation of it is in progress.
func (s *Store) RotationJournal(profile string) (RotationJournal, error) {
	item, err := s.ring.Get(rotationItemName(profile))
	if errors.Is(err, keyring.ErrKeyNotFound) {
		return RotationJournal{}, &NotFoundError{Kind: "rotation journal", Name: profile}
	}
	if err != nil {
		return RotationJournal{}, damaged(err, rotationItemName(profile), "rotation journal", profile, "reading the rotation journal of profile %q")
	}
	var r rotationRecord
	if err := json.Unmarshal(item.Data, &r); err != nil {
		return RotationJournal{}, &DamagedItemError{Name: rotationItemName(profile), Kind: "rotation journal", Profile: profile, Err: err}
	}
	j := RotationJournal{Profile: profile, OldKeyID: r.OldKeyID, UserName: r.UserName,
		Step: r.Step, StartedAt: r.StartedAt, UpdatedAt: r.UpdatedAt}
	if r.NewKey != nil {
		j.NewKey = journalKey(profile, *r.NewKey)
	}
	return j, nil
}

// DeleteRotationJournal drops the journal of profile. A journal that is
// already gone is no error: dropping it is the last step of a rotation,
// and a rerun may repeat it.
func (s *Store) DeleteRotationJournal(profile string) error {
	err := s.ring.Remove(rotationItemName(profile))
	if err != nil && !errors.Is(err, keyring.ErrKeyNotFound) {
		return fmt.Errorf("dropping the rotation journal of profile %q: %w", profile, err)
	}
	return nil
}

// RotationProfiles lists, sorted, the profiles with a rotation in progress,
// from item names alone (no passphrase needed).
func (s *Store) RotationProfiles() ([]string, error) {
	names, err := s.ring.Keys()
	if err != nil {
		return nil, fmt.Errorf("listing rotation journals: %w", err)
	}
	profiles := []string{}
	for _, n := range names {
		rest, ok := strings.CutPrefix(n, rotationPrefix)
		if !ok || rest == "" {
			continue
		}
		if p, ok := unescapeField(rest); ok {
			profiles = append(profiles, p)
		}
	}
	slices.Sort(profiles)
	return slices.Compact(profiles), nil
}

// journalKeyRecord and journalKey convert the journal's new key the way
// PutKey and Key convert a stored key, so promoting it loses nothing.
func journalKeyRecord(k Key) keyRecord {
	return keyRecord{
		Profile: k.Profile, AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey.Reveal(),
		CreatedAt: k.CreatedAt, CreatedFromIAM: k.CreatedFromIAM, AddedAt: k.AddedAt,
		Account: k.Account, ARN: k.ARN, UserName: k.UserName,
	}
}

func journalKey(profile string, r keyRecord) Key {
	return Key{
		Profile: profile, AccessKeyID: r.AccessKeyID, SecretAccessKey: Secret(r.SecretAccessKey),
		CreatedAt: r.CreatedAt, CreatedFromIAM: r.CreatedFromIAM, AddedAt: r.AddedAt,
		Account: r.Account, ARN: r.ARN, UserName: r.UserName,
	}
}
