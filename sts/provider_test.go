package sts

import (
	"context"
	"log/slog"
	"time"

	"github.com/awskeep/awskeep/internal/memvault"
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

func (p *Provider) resolver(chain *profiles.Chain) *Resolver {
	return &Resolver{
		Store:     p.store(chain),
		MFA:       p.MFA,
		Now:       p.Now,
		Log:       p.Log,
		Configure: func(c *ClientConfig) { *c = p.Config },
	}
}

// store is Cache holding Key as the key of chain's source: an in-memory
// store, or a real one (its sessions, locks and notes) that answers with Key.
func (p *Provider) store(chain *profiles.Chain) Store {
	key := p.Key
	if chain != nil && len(chain.Hops) > 0 {
		key.Profile = chain.Source().Profile
	}
	switch c := p.Cache.(type) {
	case nil:
		return memvault.New(key)
	case *memvault.Store:
		c.PutKey(key)
		return c
	case *vault.Store:
		return &keyedVault{Store: c, key: key}
	}
	panic("Provider.Cache: a *memvault.Store, a *vault.Store or nil")
}

// Retrieve is Resolver.Credentials.
func (p *Provider) Retrieve(ctx context.Context, chain *profiles.Chain, opts Options) (Credentials, error) {
	res, err := p.resolver(chain).Credentials(ctx, chain, opts)
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
	r := p.resolver(chain)
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
