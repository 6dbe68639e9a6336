package vault

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/99designs/keyring"
)

// Session is a cached set of temporary credentials.
type Session struct {
	// ID is the cache key, computed by the caller from everything that
	// changes the result (profile chain, role, MFA serial, duration, ...).
	ID              string
	Profile         string // profile it was issued for
	SourceKeyID     string // long-term access key id it derives from
	AccessKeyID     string
	SecretAccessKey Secret
	SessionToken    Secret
	Expiration      time.Time
	AssumedRoleARN  string
}

// SessionInfo is what can be known about a cached session without reading
// its secret: no decryption, no passphrase, no prompt. Expiration is to the
// second.
type SessionInfo struct {
	ID          string
	Profile     string
	SourceKeyID string
	Expiration  time.Time
}

type sessionRecord struct {
	ID              string    `json:"id"`
	Profile         string    `json:"profile"`
	SourceKeyID     string    `json:"source_key_id"`
	AccessKeyID     string    `json:"access_key_id"`
	SecretAccessKey string    `json:"secret_access_key"`
	SessionToken    string    `json:"session_token"`
	Expiration      time.Time `json:"expiration"`
	AssumedRoleARN  string    `json:"assumed_role_arn,omitempty"`
}

func (sess Session) info() SessionInfo {
	return SessionInfo{ID: sess.ID, Profile: sess.Profile, SourceKeyID: sess.SourceKeyID, Expiration: sess.Expiration}
}

// PutSession caches sess under sess.ID, replacing any session cached under it.
func (s *Store) PutSession(sess Session) error {
	if sess.ID == "" {
		return errors.New("vault: a session needs an id")
	}
	name := sessionItemName(sess.info())
	if err := checkName(name); err != nil {
		return err
	}
	data, err := json.Marshal(sessionRecord{
		ID: sess.ID, Profile: sess.Profile, SourceKeyID: sess.SourceKeyID, AccessKeyID: sess.AccessKeyID,
		SecretAccessKey: sess.SecretAccessKey.Reveal(), SessionToken: sess.SessionToken.Reveal(),
		Expiration: sess.Expiration, AssumedRoleARN: sess.AssumedRoleARN,
	})
	if err != nil {
		return err
	}
	// The expiry is part of the name, so a new session for the same id is a
	// new item and the old one must go. Serialise writers of one id so two
	// of them cannot delete each other's fresh item.
	unlock, err := s.lockFile(WithLockPurpose(context.Background(), "caching a session for "+sess.Profile), internalLockName("session."+escapeField(sess.ID)))
	if err != nil {
		return err
	}
	defer unlock()
	err = s.ring.Set(keyring.Item{Key: name, Data: data,
		Label: "awskeep session for profile " + sess.Profile, Description: "awskeep cached AWS session"})
	if err != nil {
		return fmt.Errorf("caching the session for profile %q: %w", sess.Profile, err)
	}
	names, err := s.ring.Keys()
	if err != nil {
		return fmt.Errorf("listing cached sessions: %w", err)
	}
	prefix := sessionIDPrefix(sess.ID)
	for _, n := range names {
		if n != name && strings.HasPrefix(n, prefix) {
			if err := s.ring.Remove(n); err != nil && !errors.Is(err, keyring.ErrKeyNotFound) {
				return fmt.Errorf("dropping the replaced session for profile %q: %w", sess.Profile, err)
			}
		}
	}
	return nil
}

// Session returns the session cached under id, expired or not (the caller
// judges freshness), or a *NotFoundError.
func (s *Store) Session(id string) (Session, error) {
	names, err := s.ring.Keys()
	if err != nil {
		return Session{}, fmt.Errorf("listing cached sessions: %w", err)
	}
	// Normally one item matches; should a crash have left two, the one that
	// lasts longest is the newest.
	var best string
	var bestInfo SessionInfo
	prefix := sessionIDPrefix(id)
	for _, n := range names {
		info, ok := parseSessionItemName(n)
		if !ok || !strings.HasPrefix(n, prefix) {
			continue
		}
		if best == "" || info.Expiration.After(bestInfo.Expiration) {
			best, bestInfo = n, info
		}
	}
	if best == "" {
		return Session{}, &NotFoundError{Kind: "session", Name: id}
	}
	item, err := s.ring.Get(best)
	if errors.Is(err, keyring.ErrKeyNotFound) {
		return Session{}, &NotFoundError{Kind: "session", Name: id}
	}
	if err != nil {
		return Session{}, damaged(err, best, "session", bestInfo.Profile, "reading the cached session for profile %q")
	}
	var r sessionRecord
	if err := json.Unmarshal(item.Data, &r); err != nil {
		return Session{}, &DamagedItemError{Name: best, Kind: "session", Profile: bestInfo.Profile, Err: err}
	}
	return Session{
		ID: r.ID, Profile: r.Profile, SourceKeyID: r.SourceKeyID, AccessKeyID: r.AccessKeyID,
		SecretAccessKey: Secret(r.SecretAccessKey), SessionToken: Secret(r.SessionToken),
		Expiration: r.Expiration, AssumedRoleARN: r.AssumedRoleARN,
	}, nil
}

// Sessions lists the cached sessions, sorted by profile then id, from item
// names alone: it never decrypts and never asks for a passphrase.
func (s *Store) Sessions() ([]SessionInfo, error) {
	names, err := s.ring.Keys()
	if err != nil {
		return nil, fmt.Errorf("listing cached sessions: %w", err)
	}
	infos := []SessionInfo{}
	for _, n := range names {
		if info, ok := parseSessionItemName(n); ok {
			infos = append(infos, info)
		}
	}
	slices.SortFunc(infos, func(a, b SessionInfo) int {
		if c := strings.Compare(a.Profile, b.Profile); c != 0 {
			return c
		}
		if c := strings.Compare(a.ID, b.ID); c != 0 {
			return c
		}
		return a.Expiration.Compare(b.Expiration)
	})
	return infos, nil
}

// DeleteSessions drops every cached session for which match returns true
// and says how many it dropped. Sessions that vanish meanwhile (another
// process dropped them) do not count and are no error.
func (s *Store) DeleteSessions(match func(SessionInfo) bool) (int, error) {
	names, err := s.ring.Keys()
	if err != nil {
		return 0, fmt.Errorf("listing cached sessions: %w", err)
	}
	deleted := 0
	for _, n := range names {
		info, ok := parseSessionItemName(n)
		if !ok || !match(info) {
			continue
		}
		err := s.ring.Remove(n)
		switch {
		case err == nil:
			deleted++
		case errors.Is(err, keyring.ErrKeyNotFound):
		default:
			return deleted, fmt.Errorf("dropping the cached session for profile %q: %w", info.Profile, err)
		}
	}
	return deleted, nil
}
