// Package memvault is an in-memory keyring for tests: stored keys, cached
// sessions, rotation journals, per-name locks and lock notes, with the
// same methods and errors as *vault.Store (so it serves as an sts.Store and
// an sts.RotationStore). It counts the secrets read, for tests of how many
// a call reads. vault's own tests cover the real backends.
package memvault

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/awskeep/awskeep/vault"
)

// Store is an in-memory keyring. The zero value is not usable; call New.
type Store struct {
	mu                     sync.Mutex
	keys                   map[string]vault.Key
	sessions               map[string]vault.Session
	journals               map[string]vault.RotationJournal
	notes                  map[string][]byte
	locks                  map[string]chan struct{}
	damaged                map[string]bool // by kind and profile: items that no longer read
	keyReads, sessionReads int

	// FailPutKey, when set, makes PutKey fail (a keyring that went away).
	FailPutKey error
}

// New returns a Store holding keys.
func New(keys ...vault.Key) *Store {
	s := &Store{keys: map[string]vault.Key{}, sessions: map[string]vault.Session{}, journals: map[string]vault.RotationJournal{},
		notes: map[string][]byte{}, locks: map[string]chan struct{}{}, damaged: map[string]bool{}}
	for _, k := range keys {
		s.keys[k.Profile] = k
	}
	return s
}

func (s *Store) Backend() string { return "memory" }

// Reads says how many keys and sessions were read (with their secret)
// since the last call, and starts counting again.
func (s *Store) Reads() (keys, sessions int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys, sessions = s.keyReads, s.sessionReads
	s.keyReads, s.sessionReads = 0, 0
	return keys, sessions
}

// Damage makes profile's stored key and rotation journal unreadable, as an
// item changed outside awskeep is: reading them returns a
// *vault.DamagedItemError, while what lists names (KeyInfo, KeyProfiles)
// and removal still work. Storing a new key heals it.
func (s *Store) Damage(profile string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.damaged["key "+profile] = true
	s.damaged["rotation journal "+profile] = true
}

func damagedItem(kind, profile string) error {
	return &vault.DamagedItemError{Name: kind + " " + profile, Kind: kind, Profile: profile, Err: errDamaged}
}

var errDamaged = errors.New("memvault: damaged on purpose")

func (s *Store) Key(profile string) (vault.Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keyReads++
	k, ok := s.keys[profile]
	if !ok {
		return vault.Key{}, &vault.NotFoundError{Kind: "key", Name: profile}
	}
	if s.damaged["key "+profile] {
		return vault.Key{}, damagedItem("key", profile)
	}
	return k, nil
}

func (s *Store) KeyInfo(profile string) (vault.KeyInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.keys[profile]
	if !ok {
		return vault.KeyInfo{}, &vault.NotFoundError{Kind: "key", Name: profile}
	}
	return vault.KeyInfo{Profile: k.Profile, AccessKeyID: k.AccessKeyID, CreatedAt: k.CreatedAt, CreatedFromIAM: k.CreatedFromIAM}, nil
}

func (s *Store) KeyProfiles() ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []string{}
	for p := range s.keys {
		out = append(out, p)
	}
	slices.Sort(out)
	return out, nil
}

func (s *Store) PutKey(k vault.Key) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.FailPutKey != nil {
		return s.FailPutKey
	}
	s.keys[k.Profile] = k
	delete(s.damaged, "key "+k.Profile)
	return nil
}

func (s *Store) DeleteKey(profile string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.keys[profile]; !ok {
		return &vault.NotFoundError{Kind: "key", Name: profile}
	}
	delete(s.keys, profile)
	delete(s.damaged, "key "+profile)
	return nil
}

func (s *Store) Session(id string) (vault.Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessionReads++
	sess, ok := s.sessions[id]
	if !ok {
		return vault.Session{}, &vault.NotFoundError{Kind: "session", Name: id}
	}
	return sess, nil
}

func (s *Store) PutSession(sess vault.Session) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions[sess.ID] = sess
	return nil
}

// Sessions lists the cached sessions, sorted by profile then id.
func (s *Store) Sessions() ([]vault.SessionInfo, error) {
	out := []vault.SessionInfo{}
	for _, sess := range s.AllSessions() {
		out = append(out, vault.SessionInfo{ID: sess.ID, Profile: sess.Profile, SourceKeyID: sess.SourceKeyID, Expiration: sess.Expiration})
	}
	return out, nil
}

// AllSessions returns the cached sessions with their secrets, sorted by
// profile then id.
func (s *Store) AllSessions() []vault.Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]vault.Session, 0, len(s.sessions))
	for _, sess := range s.sessions {
		out = append(out, sess)
	}
	slices.SortFunc(out, func(a, b vault.Session) int {
		if c := strings.Compare(a.Profile, b.Profile); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

func (s *Store) DeleteSessions(match func(vault.SessionInfo) bool) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for id, sess := range s.sessions {
		if match(vault.SessionInfo{ID: sess.ID, Profile: sess.Profile, SourceKeyID: sess.SourceKeyID, Expiration: sess.Expiration}) {
			delete(s.sessions, id)
			n++
		}
	}
	return n, nil
}

func (s *Store) RotationJournal(profile string) (vault.RotationJournal, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.journals[profile]
	if !ok {
		return vault.RotationJournal{}, &vault.NotFoundError{Kind: "rotation journal", Name: profile}
	}
	if s.damaged["rotation journal "+profile] {
		return vault.RotationJournal{}, damagedItem("rotation journal", profile)
	}
	return j, nil
}

func (s *Store) PutRotationJournal(j vault.RotationJournal) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.journals[j.Profile] = j
	return nil
}

func (s *Store) DeleteRotationJournal(profile string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.journals, profile)
	delete(s.damaged, "rotation journal "+profile)
	return nil
}

// Lock takes the in-process lock called name, waiting until it is free or
// ctx ends.
func (s *Store) Lock(ctx context.Context, name string) (func(), error) {
	s.mu.Lock()
	ch, ok := s.locks[name]
	if !ok {
		ch = make(chan struct{}, 1)
		s.locks[name] = ch
	}
	s.mu.Unlock()
	select {
	case ch <- struct{}{}:
		var once sync.Once
		return func() { once.Do(func() { <-ch }) }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (s *Store) SetLockNote(name string, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.notes[name] = append([]byte(nil), data...)
	return nil
}

func (s *Store) LockNote(name string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.notes[name]
	if !ok {
		return nil, &vault.NotFoundError{Kind: "lock note", Name: name}
	}
	return d, nil
}

func (s *Store) ClearLockNote(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.notes, name)
	return nil
}
