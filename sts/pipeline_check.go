package sts

import (
	"context"
	"errors"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/vault"
)

// SourceInfo is what the pipeline would start a chain from, found without
// calling AWS or running a program (doctor reports it).
type SourceInfo struct {
	Kind profiles.SourceKind
	// Owner is the chain's source profile.
	Owner string
	// Command is Owner's credential_process for SourceProcess.
	Command string
	// Key is the stored key, read whole, for SourceStoredKey.
	Key *vault.Key
}

// Describe says what chain's credentials come from. For a stored key it
// reads the key; other sources are only named. Errors are those of
// Credentials about the source (*NoStoredKeyError, *PlainTextKeyError,
// *UnsupportedChainError) and of the keyring.
func (r *Resolver) Describe(ctx context.Context, chain *profiles.Chain) (SourceInfo, error) {
	if chain == nil || len(chain.Hops) == 0 {
		return SourceInfo{}, &UnsupportedChainError{Reason: "empty profile chain"}
	}
	info := SourceInfo{Kind: chain.SourceKind, Owner: chain.Source().Profile}
	switch chain.SourceKind {
	case profiles.SourceProcess:
		info.Command = chain.Source().CredentialProcess
		return info, nil
	case profiles.SourceStoredKey:
		src, err := r.source(chain)
		if err != nil {
			return info, err
		}
		c, err := src.Retrieve(ctx)
		if err != nil {
			return info, err
		}
		info.Key = c.Key
		return info, nil
	case profiles.SourceSSO, profiles.SourceWebIdentity, profiles.SourceCredentialSource:
		// Checked by what they need (a token, a token file, variables),
		// which the caller reads without calling AWS.
		return info, nil
	}
	_, err := r.source(chain)
	if err == nil {
		err = &UnsupportedChainError{Profile: info.Owner, Reason: "doctor cannot check " + string(chain.SourceKind) + " credentials yet"}
	}
	return info, err
}

// KeyCheck is what AWS says about a stored key.
type KeyCheck struct {
	Identity Identity
	// Keys are the user's access keys with status and last use; IAMErr
	// says why they could not be listed (extra information only).
	Keys   []AccessKeyUse
	IAMErr error
}

// CheckKey asks AWS whether key, the stored key of chain's source, is
// accepted (GetCallerIdentity) and, when the key may, for its IAM status.
// A failure is a *CredentialsError; when AWS rejects the key its sessions
// are dropped first.
func (r *Resolver) CheckKey(ctx context.Context, chain *profiles.Chain, key vault.Key) (KeyCheck, error) {
	cfg := r.clientConfig(chain)
	static := StaticKey{AccessKeyID: key.AccessKeyID, SecretAccessKey: key.SecretAccessKey}
	var kc KeyCheck
	var err error
	owner := chain.Source().Profile
	done := r.Waiting.start("asking AWS STS whether " + owner + "'s key is accepted")
	kc.Identity, err = r.callerIdentity()(ctx, cfg, static)
	done()
	if err != nil {
		src := &onceSource{Source: fixedKeySource{key}}
		_, _ = src.Retrieve(ctx)
		return kc, r.failure(chain, src, SourceIdentity{KeyID: key.AccessKeyID, LongTerm: true}, err)
	}
	if !kc.Identity.IsRoot {
		done := r.Waiting.start("asking AWS IAM about " + owner + "'s keys")
		kc.Keys, kc.IAMErr = r.accessKeys()(ctx, cfg, static, kc.Identity.UserName)
		done()
		if kc.IAMErr != nil {
			r.log().Debug("IAM status not available", "profile", chain.Source().Profile, "err", kc.IAMErr)
		}
	}
	return kc, nil
}

// fixedKeySource is a stored key already read.
type fixedKeySource struct{ key vault.Key }

func (fixedKeySource) Kind() profiles.SourceKind { return profiles.SourceStoredKey }
func (f fixedKeySource) Identify(context.Context) (SourceIdentity, error) {
	return SourceIdentity{CacheKey: f.key.AccessKeyID, KeyID: f.key.AccessKeyID, LongTerm: true}, nil
}
func (f fixedKeySource) Retrieve(context.Context) (SourceCredentials, error) {
	if f.key.AccessKeyID == "" {
		return SourceCredentials{}, errors.New("no key")
	}
	k := f.key
	return SourceCredentials{StaticKey: StaticKey{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey}, UserName: k.UserName, Key: &k}, nil
}
