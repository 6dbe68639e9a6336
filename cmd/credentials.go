package cmd

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/sts"
	"github.com/awskeep/awskeep/vault"
	"github.com/spf13/cobra"
)

// sessionFlags are the flags of every command that hands out credentials.
type sessionFlags struct {
	Duration  time.Duration
	NoSession bool
	MFAToken  string
	Refresh   bool
}

func (s *sessionFlags) register(c *cobra.Command) {
	c.Flags().DurationVarP(&s.Duration, "duration", "d", 0, "Session length, e.g. 1h or 12h (default: 12h for session tokens, the profile's duration_seconds or 1h for roles)")
	c.Flags().BoolVarP(&s.NoSession, "no-session", "n", false, "Use the long-term key itself, or assume the role straight from it")
	c.Flags().StringVarP(&s.MFAToken, "mfa-token", "t", "", "MFA code, when the profile has mfa_serial")
	c.Flags().BoolVar(&s.Refresh, "refresh", false, "Ignore cached sessions and ask STS for a new one")
}

func (s *sessionFlags) options() sts.Options {
	return sts.Options{Duration: s.Duration, NoSession: s.NoSession, MFAToken: s.MFAToken, Refresh: s.Refresh}
}

// resolvedCredentials are credentials with the profile facts a command needs
// to hand them over (the region for the child, the owner of the key).
type resolvedCredentials struct {
	sts.Credentials
	Chain  *profiles.Chain
	Region string // the region the user configured (env or profile); empty when none
	Key    vault.Key
	Config sts.ClientConfig // how AWS was reached, for a later check of the key
}

// noStoredKeyError: the chain's source profile has no key in the keyring.
type noStoredKeyError struct {
	profile, source string
	backend         string
}

func (e *noStoredKeyError) Error() string {
	if e.profile == e.source {
		return fmt.Sprintf("no key is stored for profile %s in the %s keyring", e.source, e.backend)
	}
	return fmt.Sprintf("profile %s gets its key from %s, and no key is stored for %s in the %s keyring", e.profile, e.source, e.source, e.backend)
}

// retrieveCredentials resolves profile and asks sts for credentials, through
// the cache.
func retrieveCredentials(ctx context.Context, f *factory, profile string, flags *sessionFlags) (resolvedCredentials, error) {
	set, err := f.Profiles()
	if err != nil {
		return resolvedCredentials{}, err
	}
	chain, err := set.Resolve(profile)
	if err != nil {
		return resolvedCredentials{}, err
	}
	store, err := f.Vault()
	if err != nil {
		return resolvedCredentials{}, err
	}
	source := chain.Source()
	opts := flags.options()
	key, err := store.Key(source.Profile)
	var notFound *vault.NotFoundError
	var external *externalCredentials
	switch {
	case errors.As(err, &notFound) && source.CredentialProcess != "" && !runsAwskeep(source.CredentialProcess):
		// No stored key, but another tool provides the source's
		// credentials: use them, and build roles on top as usual.
		ext, err := otherCredentialProcess(ctx, f, source)
		if err != nil {
			return resolvedCredentials{}, err
		}
		external = &ext
		key = vault.Key{Profile: source.Profile, AccessKeyID: ext.AccessKeyID, SecretAccessKey: ext.SecretAccessKey}
		if !ext.SessionToken.IsZero() {
			opts.NoSession = true // temporary credentials cannot ask for a session token
		}
	case errors.As(err, &notFound):
		return resolvedCredentials{}, &noStoredKeyError{profile: profile, source: source.Profile, backend: store.Backend()}
	case err != nil:
		return resolvedCredentials{}, err
	}
	region, _ := hopSettings(chain.Target(), source)
	cfg := clientConfigFor(f, chain.Target(), source)
	provider := &sts.Provider{
		Cache:  store,
		Key:    key,
		Config: cfg,
		MFA:    f.mfaCode,
		Now:    f.Now,
		Log:    f.Log,
	}
	if external != nil {
		provider.External, provider.ExternalToken, provider.ExternalExpiration = true, external.SessionToken, external.Expiration
	}
	creds, err := provider.Retrieve(ctx, chain, opts)
	if staleSession(err) && external == nil {
		// A cached session AWS no longer honours (expired early, or its
		// role session revoked): drop it and try once more, silently.
		n, _ := provider.Forget(chain, opts)
		f.Log.Debug("cached session rejected; retrying with a new one", "dropped", n, "err", err)
		creds, err = provider.Retrieve(ctx, chain, opts)
	}
	if err != nil {
		if external != nil {
			return resolvedCredentials{}, &keyUseError{owner: source.Profile, asked: profile, key: key, external: source.CredentialProcess, err: err}
		}
		return resolvedCredentials{}, rejectedKeyCleanup(f, store, &keyUseError{owner: source.Profile, asked: profile, key: key, err: err})
	}
	return resolvedCredentials{Credentials: creds, Chain: chain, Region: configuredRegion(f, region), Key: key, Config: cfg}, nil
}

// configuredRegion is the region the user set, as the AWS CLI reads it, or
// "" — STS's fallback region is not passed on to a child as if chosen.
func configuredRegion(f *factory, profileRegion string) string {
	for _, r := range []string{f.Getenv("AWS_REGION"), f.Getenv("AWS_DEFAULT_REGION"), profileRegion} {
		if r != "" {
			return r
		}
	}
	return ""
}

// staleSession reports whether err means a session (not the long-term key)
// was refused.
func staleSession(err error) bool {
	var expired *sts.ExpiredTokenError
	var rejected *sts.RejectedKeyError
	return errors.As(err, &expired) || (errors.As(err, &rejected) && rejected.WithSessionToken)
}

// keyUseError carries which stored key a failed AWS call used, so the
// explanation can name the profile that owns it.
type keyUseError struct {
	owner, asked string
	external     string // the other tool's credential_process that gave the key, if any
	key          vault.Key
	purged       int // cached sessions of a rejected key that were dropped
	err          error
}

// rejectedKeyCleanup drops the cached sessions of a long-term key AWS has
// rejected: they cannot be renewed, and keeping them would hide the problem.
func rejectedKeyCleanup(f *factory, store *vault.Store, e *keyUseError) error {
	var rejected *sts.RejectedKeyError
	if !errors.As(e.err, &rejected) || rejected.WithSessionToken || rejected.KeyID != e.key.AccessKeyID {
		return e
	}
	n, err := store.DeleteSessions(func(s vault.SessionInfo) bool { return s.SourceKeyID == e.key.AccessKeyID })
	if err != nil {
		f.Log.Debug("dropping sessions of a rejected key failed", "err", err)
	}
	e.purged = n
	return e
}

func (e *keyUseError) Error() string { return e.err.Error() }
func (e *keyUseError) Unwrap() error { return e.err }
