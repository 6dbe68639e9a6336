package sts

import (
	"context"
	"errors"
	"fmt"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/vault"
)

// The stored-key source: a long-term key in awskeep's keyring. Identify
// reads item names only (vault.Store.KeyInfo), so a warm cache never
// decrypts the key.

func init() {
	RegisterSourceStep(profiles.SourceStoredKey, func(env SourceEnv, chain *profiles.Chain, asked string) (Source, error) {
		return &storedKeySource{store: env.Store, owner: chain.Source().Profile, asked: asked}, nil
	})
	// A chain that ends at a profile with nothing of its own expects a
	// stored key there; say that none is stored.
	RegisterSourceStep(profiles.SourceNone, func(env SourceEnv, chain *profiles.Chain, asked string) (Source, error) {
		err := noStoredKey(env.Store, chain.Source().Profile, asked)
		if cp := chain.Source().CredentialProcess; cp != "" && profiles.RunsAwskeep(cp) {
			err.AwskeepProcess = cp
		}
		return nil, err
	})
}

type storedKeySource struct {
	store        Store
	owner, asked string
	id           SourceIdentity
}

func (s *storedKeySource) Kind() profiles.SourceKind { return profiles.SourceStoredKey }

func (s *storedKeySource) Identify(ctx context.Context) (SourceIdentity, error) {
	info, err := s.store.KeyInfo(s.owner)
	if err != nil {
		return SourceIdentity{}, s.readError(err)
	}
	s.id = SourceIdentity{CacheKey: info.AccessKeyID, KeyID: info.AccessKeyID, LongTerm: true, Key: &info}
	return s.id, nil
}

func (s *storedKeySource) Retrieve(ctx context.Context) (SourceCredentials, error) {
	k, err := s.store.Key(s.owner)
	if err != nil {
		return SourceCredentials{}, s.readError(err)
	}
	if s.id.KeyID != "" && k.AccessKeyID != s.id.KeyID {
		return SourceCredentials{}, fmt.Errorf("the key stored for profile %q changed while it was being used (a rotation?); try again", s.owner)
	}
	return SourceCredentials{
		StaticKey: StaticKey{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey},
		UserName:  k.UserName,
		Key:       &k,
	}, nil
}

func (s *storedKeySource) readError(err error) error {
	var nf *vault.NotFoundError
	if errors.As(err, &nf) {
		return noStoredKey(s.store, s.owner, s.asked)
	}
	return err
}

func noStoredKey(store Store, owner, asked string) *NoStoredKeyError {
	backend := ""
	if store != nil {
		backend = store.Backend()
	}
	return &NoStoredKeyError{Profile: asked, Owner: owner, Backend: backend}
}
