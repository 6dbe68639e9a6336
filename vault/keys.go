package vault

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/99designs/keyring"
)

// Key is a stored long-term access key pair and what is known about it.
type Key struct {
	Profile         string
	AccessKeyID     string
	SecretAccessKey Secret
	// CreatedAt is when IAM created the key if CreatedFromIAM, else when it
	// was added to awskeep.
	CreatedAt      time.Time
	CreatedFromIAM bool
	AddedAt        time.Time
	Account        string
	ARN            string
	UserName       string
}

// keyRecord is Key as stored. Secret marshals as "***" on purpose, so the
// record spells the secret out as a plain string.
type keyRecord struct {
	Profile         string    `json:"profile"`
	AccessKeyID     string    `json:"access_key_id"`
	SecretAccessKey string    `json:"secret_access_key"`
	CreatedAt       time.Time `json:"created_at"`
	CreatedFromIAM  bool      `json:"created_from_iam"`
	AddedAt         time.Time `json:"added_at"`
	Account         string    `json:"account,omitempty"`
	ARN             string    `json:"arn,omitempty"`
	UserName        string    `json:"user_name,omitempty"`
}

// PutKey stores k under k.Profile, replacing any key stored for it.
func (s *Store) PutKey(k Key) error {
	if k.Profile == "" {
		return errors.New("vault: a key needs a profile name")
	}
	name := keyItemName(k.Profile)
	if err := checkName(name); err != nil {
		return err
	}
	data, err := json.Marshal(keyRecord{
		Profile: k.Profile, AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey.Reveal(),
		CreatedAt: k.CreatedAt, CreatedFromIAM: k.CreatedFromIAM, AddedAt: k.AddedAt,
		Account: k.Account, ARN: k.ARN, UserName: k.UserName,
	})
	if err != nil {
		return err
	}
	err = s.ring.Set(keyring.Item{Key: name, Data: data,
		Label: "awskeep access key for profile " + k.Profile, Description: "awskeep long-term AWS access key"})
	if err != nil {
		return fmt.Errorf("storing the key for profile %q: %w", k.Profile, err)
	}
	s.putKeyInfo(k)
	return nil
}

// Key returns the key stored for profile, or a *NotFoundError.
func (s *Store) Key(profile string) (Key, error) {
	item, err := s.ring.Get(keyItemName(profile))
	if errors.Is(err, keyring.ErrKeyNotFound) {
		return Key{}, &NotFoundError{Kind: "key", Name: profile}
	}
	if err != nil {
		return Key{}, damaged(err, keyItemName(profile), "key", profile, "reading the key for profile %q")
	}
	var r keyRecord
	if err := json.Unmarshal(item.Data, &r); err != nil {
		return Key{}, &DamagedItemError{Name: keyItemName(profile), Kind: "key", Profile: profile, Err: err}
	}
	return Key{
		Profile: profile, AccessKeyID: r.AccessKeyID, SecretAccessKey: Secret(r.SecretAccessKey),
		CreatedAt: r.CreatedAt, CreatedFromIAM: r.CreatedFromIAM, AddedAt: r.AddedAt,
		Account: r.Account, ARN: r.ARN, UserName: r.UserName,
	}, nil
}

// DeleteKey removes the key stored for profile, or returns a *NotFoundError.
// Sessions derived from it stay; purge them with DeleteSessions.
func (s *Store) DeleteKey(profile string) error {
	s.removeKeyInfo(profile)
	err := s.ring.Remove(keyItemName(profile))
	if errors.Is(err, keyring.ErrKeyNotFound) {
		return &NotFoundError{Kind: "key", Name: profile}
	}
	if err != nil {
		return fmt.Errorf("deleting the key for profile %q: %w", profile, err)
	}
	return nil
}

// KeyProfiles lists, sorted, the profiles that have a stored key. It reads
// item names only, so it needs no passphrase.
func (s *Store) KeyProfiles() ([]string, error) {
	names, err := s.ring.Keys()
	if err != nil {
		return nil, fmt.Errorf("listing stored keys: %w", err)
	}
	profiles := []string{}
	for _, n := range names {
		if p, ok := parseKeyItemName(n); ok {
			profiles = append(profiles, p)
		}
	}
	slices.Sort(profiles)
	return slices.Compact(profiles), nil
}
