package sts

import (
	"context"
	"log/slog"
	"time"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/vault"
)

// Provider is, for these tests, the pipeline (Resolver) over one stored
// key, Key, and a session cache, Cache (nil: none), reached with Config.
type Provider struct {
	Cache  SessionCache
	Key    vault.Key
	Config ClientConfig
	MFA    MFACode
	Now    func() time.Time
	Log    *slog.Logger
}

func (p *Provider) resolver() *Resolver {
	return &Resolver{
		Store:     &keyedStore{cache: p.Cache, key: p.Key},
		MFA:       p.MFA,
		Now:       p.Now,
		Log:       p.Log,
		Configure: func(c *ClientConfig) { *c = p.Config },
	}
}

// Retrieve is Resolver.Credentials.
func (p *Provider) Retrieve(ctx context.Context, chain *profiles.Chain, opts Options) (Credentials, error) {
	res, err := p.resolver().Credentials(ctx, chain, opts)
	if err != nil {
		return Credentials{}, err
	}
	return res.Credentials, nil
}

// Forget drops the cached sessions Retrieve(chain, opts) would use.
func (p *Provider) Forget(chain *profiles.Chain, opts Options) (int, error) {
	return p.engine(chain).forget(chain, opts)
}

func (p *Provider) plan(chain *profiles.Chain, opts Options) (*step, error) {
	return p.engine(chain).plan(chain, opts)
}

func (p *Provider) engine(chain *profiles.Chain) *engine {
	r := p.resolver()
	src, err := r.source(chain)
	if err != nil {
		panic(err)
	}
	id, err := src.Identify(context.Background())
	if err != nil {
		panic(err)
	}
	return r.engine(src, id, r.clientConfig(chain))
}

// keyedStore is a Store holding one key over a SessionCache.
type keyedStore struct {
	cache SessionCache
	key   vault.Key
}

func (s *keyedStore) KeyProfiles() ([]string, error) { return []string{s.key.Profile}, nil }
func (s *keyedStore) KeyInfo(profile string) (vault.KeyInfo, error) {
	return vault.KeyInfo{Profile: s.key.Profile, AccessKeyID: s.key.AccessKeyID, CreatedAt: s.key.CreatedAt}, nil
}
func (s *keyedStore) Key(profile string) (vault.Key, error) { return s.key, nil }
func (s *keyedStore) Backend() string                       { return "test" }

func (s *keyedStore) Session(id string) (vault.Session, error) {
	if s.cache == nil {
		return vault.Session{}, &vault.NotFoundError{Kind: "session", Name: id}
	}
	return s.cache.Session(id)
}

func (s *keyedStore) PutSession(sess vault.Session) error {
	if s.cache == nil {
		return nil
	}
	return s.cache.PutSession(sess)
}

func (s *keyedStore) DeleteSessions(match func(vault.SessionInfo) bool) (int, error) {
	if s.cache == nil {
		return 0, nil
	}
	return s.cache.DeleteSessions(match)
}

func (s *keyedStore) Lock(ctx context.Context, name string) (func(), error) {
	if s.cache == nil {
		return func() {}, nil
	}
	return s.cache.Lock(ctx, name)
}

// keyedVault is a real store (its sessions, locks and lock notes) that
// holds one given key.
type keyedVault struct {
	*vault.Store
	key vault.Key
}

func (s *keyedVault) KeyProfiles() ([]string, error) { return []string{s.key.Profile}, nil }
func (s *keyedVault) KeyInfo(string) (vault.KeyInfo, error) {
	return vault.KeyInfo{Profile: s.key.Profile, AccessKeyID: s.key.AccessKeyID}, nil
}
func (s *keyedVault) Key(string) (vault.Key, error) { return s.key, nil }
