package sts

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/vault"
)

// Store is what the pipeline needs of the keyring; *vault.Store is one.
type Store interface {
	SessionCache
	// KeyProfiles lists the profiles with a stored key, from item names.
	KeyProfiles() ([]string, error)
	// KeyInfo returns a stored key without its secret, or a *vault.NotFoundError.
	KeyInfo(profile string) (vault.KeyInfo, error)
	// Key returns a stored key with its secret, or a *vault.NotFoundError.
	Key(profile string) (vault.Key, error)
	Backend() string
}

var _ Store = (*vault.Store)(nil)

// Resolver is awskeep's one credential pipeline: every command that hands
// out or checks credentials (exec, export, credential-process, exec
// --server, doctor) goes through it. For a chain it
//
//  1. picks the chain's source step by chain.SourceKind (see below),
//  2. plans the session and role hops on top of it (sessionplan.go),
//  3. serves each hop from the cache or from STS under the cache entry's
//     lock, so parallel callers make one call and see one MFA prompt
//     (sessions.go),
//  4. when AWS refuses a session that came from the cache, drops the
//     sessions the chain uses and tries once more,
//  5. when AWS rejects the long-term key itself, drops every session made
//     from it, and
//  6. returns a *CredentialsError that names the profile asked for, the
//     profile whose credentials were used, the masked key id, when the key
//     was added and how many sessions were dropped.
//
// A warm call reads one secret: the cached session. The source's
// credentials are read only when a hop must be signed with them.
//
// # Adding a source step
//
// A source is where a chain's first credentials come from: a stored key
// (source_key.go), another tool's credential_process (source_process.go),
// a plain-text key (source_static.go, refused with a hint). To add one
// (IAM Identity Center, web identity, credential_source):
//
//  1. In package profiles, add a SourceKind and make ResolveWith return it
//     for the profiles it serves (terminalCredentials for the last profile
//     of a chain, ownCredentials for one reached through source_profile).
//
//  2. Here, in a file of its own, implement Source (Kind, Identify,
//     Retrieve) and register its step from init:
//
//     func init() {
//     RegisterSourceStep(profiles.SourceSSO, func(env SourceEnv, chain *profiles.Chain, asked string) (Source, error) {
//     return &ssoSource{env: env, hop: chain.Source()}, nil
//     })
//     }
//
//     Identify must be cheap when it can (it runs on every call, cached or
//     not) and give a CacheKey that changes with the credentials;
//     LongTerm is false for temporary credentials, so roles are assumed
//     straight from them. Return typed errors that name the profile.
//
//  3. Roles on top, the cache, retries and errors then work unchanged.
type Resolver struct {
	// Store is the keyring: stored keys, cached sessions, locks.
	Store Store
	// Getenv reads the environment (AWS_REGION, AWS_ENDPOINT_URL_STS, ...);
	// nil reads nothing.
	Getenv func(string) string
	// MFA supplies MFA codes (cmd runs mfa_process or prompts); nil means
	// there is no way to get one.
	MFA MFACode
	// Stderr receives the messages of programs a source runs; nil discards them.
	Stderr io.Writer
	// Now is the clock for freshness; nil means time.Now.
	Now func() time.Time
	// Log receives debug events, never secrets; nil discards them.
	Log *slog.Logger
	// Configure, when set, adjusts the client configuration of every call
	// (tests: short backoffs).
	Configure func(*ClientConfig)
	// Waiting is told when a call waits on AWS (cmd shows a status line on
	// a terminal); nil tells nobody. Lock waits are told by the Store
	// (vault.Config.Waiting), with the purposes the pipeline gives them.
	Waiting WaitFunc
	// SSO builds the IAM Identity Center session of an SSO source profile
	// (cmd decides where the token lives, whether a login may start and how
	// it is shown); nil means SSO profiles cannot be used.
	SSO func(s *profiles.SSO, profile string) (*SSOSession, error)

	// CallerIdentity and AccessKeys check a key for CheckKey; nil means
	// GetCallerIdentity and AccessKeys.
	CallerIdentity func(context.Context, ClientConfig, StaticKey) (Identity, error)
	AccessKeys     func(context.Context, ClientConfig, StaticKey, string) ([]AccessKeyUse, error)
}

// Result is what Credentials returns.
type Result struct {
	Credentials
	Chain *profiles.Chain
	// Region is the region the user configured (environment or profiles),
	// to hand to a child; empty when none.
	Region string
	// Config is how AWS was reached.
	Config ClientConfig
	// Kind is what the chain's source is.
	Kind profiles.SourceKind
	// Key is the stored key's facts when the source is a stored key (for
	// rotation reminders); nil otherwise.
	Key *vault.KeyInfo

	source *onceSource
}

// Resolve resolves profile name in set, telling profiles which profiles
// have a stored key (from item names: no secret is read).
func (r *Resolver) Resolve(set *profiles.Set, name string) (*profiles.Chain, error) {
	var stored map[string]bool
	var listErr error
	listed := false
	has := func(profile string) bool {
		if !listed && r.Store != nil {
			listed = true
			names, err := r.Store.KeyProfiles()
			listErr = err
			stored = map[string]bool{}
			for _, n := range names {
				stored[n] = true
			}
		}
		return stored[profile]
	}
	webIdentityEnv := strings.TrimSpace(r.getenv("AWS_WEB_IDENTITY_TOKEN_FILE")) != "" && strings.TrimSpace(r.getenv("AWS_ROLE_ARN")) != ""
	chain, err := set.ResolveWith(name, profiles.ResolveOptions{HasStoredKey: has, WebIdentityEnv: webIdentityEnv})
	if err == nil && listErr != nil {
		return nil, listErr
	}
	return chain, err
}

// Credentials returns credentials for chain, the profile chain.Target().
//
// Errors: *NoStoredKeyError, *PlainTextKeyError, *CredentialProcessError and
// *UnsupportedChainError about the source; *DurationError before any
// request; *NoMFACodeError; and a *CredentialsError wrapping the errors of
// classify for a failed AWS call.
func (r *Resolver) Credentials(ctx context.Context, chain *profiles.Chain, opts Options) (*Result, error) {
	if chain == nil || len(chain.Hops) == 0 {
		return nil, &UnsupportedChainError{Reason: "empty profile chain"}
	}
	src, err := r.source(chain)
	if err != nil {
		return nil, err
	}
	id, err := src.Identify(ctx)
	if err != nil {
		return nil, err
	}
	cfg := r.clientConfig(chain)
	call := newCallID()
	e := r.engine(src, id, cfg)
	e.call = call
	creds, err := e.retrieve(ctx, chain, opts)
	if err != nil && staleSession(err) && e.usedCache {
		// A cached session AWS no longer honours (expired early, or its
		// role session revoked): drop it and try once more, silently.
		n, _ := e.forget(chain, opts)
		e.log.Debug("cached session rejected; retrying with a new one", "dropped", n, "err", err)
		e = r.engine(src, id, cfg)
		e.call = call
		creds, err = e.retrieve(ctx, chain, opts)
	}
	if err != nil {
		return nil, r.failure(chain, src, id, err)
	}
	return &Result{Credentials: creds, Chain: chain, Region: profiles.ConfiguredRegion(r.getenv, chain),
		Config: cfg, Kind: src.Kind(), Key: id.Key, source: src}, nil
}

// Provider is chain's credentials as an aws.CredentialsProvider (exec
// --server hands them to its child through the credentials endpoint). Each
// Retrieve goes through the pipeline and its cache.
func (r *Resolver) Provider(chain *profiles.Chain, opts Options) aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(ctx context.Context) (aws.Credentials, error) {
		res, err := r.Credentials(ctx, chain, opts)
		if err != nil {
			return aws.Credentials{}, err
		}
		return aws.Credentials{
			AccessKeyID: res.AccessKeyID, SecretAccessKey: res.SecretAccessKey.Reveal(), SessionToken: res.SessionToken.Reveal(),
			CanExpire: !res.Expiration.IsZero(), Expires: res.Expiration, Source: "awskeep",
		}, nil
	})
}

// VerifySource asks AWS whether the source key of res is still accepted
// (exec checks it after a child that held the long-term key failed). It
// returns nil when the key works or the check was inconclusive, and a
// *CredentialsError wrapping *RejectedKeyError, after dropping the key's
// sessions, when AWS rejects it.
func (r *Resolver) VerifySource(ctx context.Context, res *Result) error {
	if res == nil || res.source == nil {
		return nil
	}
	c, err := res.source.Retrieve(ctx)
	if err != nil {
		return nil
	}
	_, err = r.callerIdentity()(ctx, res.Config, c.StaticKey)
	var rejected *RejectedKeyError
	if !errors.As(err, &rejected) {
		return nil
	}
	id, _ := res.source.Identify(ctx)
	return r.failure(res.Chain, res.source, id, err)
}

func (r *Resolver) source(chain *profiles.Chain) (*onceSource, error) {
	kind := chain.SourceKind
	step, ok := sourceStep(kind)
	if !ok {
		return nil, &UnsupportedChainError{Profile: chain.Source().Profile,
			Reason: fmt.Sprintf("its credentials come from %s, which awskeep cannot use yet", kind)}
	}
	src, err := step(r.sourceEnv(chain), chain, chain.Target().Profile)
	if err != nil {
		return nil, err
	}
	return &onceSource{Source: src}, nil
}

func (r *Resolver) sourceEnv(chain *profiles.Chain) SourceEnv {
	return SourceEnv{Store: r.Store, Config: r.clientConfig(chain), Getenv: r.getenv, Stderr: r.stderr(), Now: r.now, Log: r.log(), SSO: r.SSO, Waiting: r.Waiting}
}

func (r *Resolver) engine(src *onceSource, id SourceIdentity, cfg ClientConfig) *engine {
	e := &engine{source: src, id: id, config: cfg, mfa: r.MFA, now: r.Now, log: r.log(), waiting: r.Waiting}
	if r.Store != nil {
		e.cache = r.Store
	}
	return e
}

// failure wraps a failed AWS call with the facts of the source that was
// used, and drops the sessions of a long-term key AWS rejected.
func (r *Resolver) failure(chain *profiles.Chain, src *onceSource, id SourceIdentity, err error) error {
	if !isAWSError(err) {
		return err
	}
	owner := chain.Source()
	e := &CredentialsError{Profile: chain.Target().Profile, Owner: owner.Profile, Kind: src.Kind(),
		MaskedKeyID: MaskKeyID(id.KeyID), Err: err}
	if e.Kind == profiles.SourceProcess {
		e.Command = owner.CredentialProcess
	}
	if src.read {
		if c, cerr := src.Retrieve(context.Background()); cerr == nil && c.Key != nil {
			e.AddedAt = c.Key.AddedAt
		}
	}
	var rejected *RejectedKeyError
	if errors.As(err, &rejected) && !rejected.WithSessionToken && id.LongTerm && rejected.KeyID == id.KeyID && r.Store != nil {
		n, derr := r.Store.DeleteSessions(func(s vault.SessionInfo) bool { return s.SourceKeyID == id.KeyID })
		if derr != nil {
			r.log().Debug("dropping sessions of a rejected key failed", "err", derr)
		}
		e.Dropped = n
	}
	return e
}

// newCallID is a random id for one Credentials call.
func newCallID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// isAWSError reports whether err is a classified AWS or network error.
func isAWSError(err error) bool {
	var failure awsFailure
	return errors.As(err, &failure)
}

// staleSession reports whether err means a session (not the long-term key)
// was refused.
func staleSession(err error) bool {
	var expired *ExpiredTokenError
	var rejected *RejectedKeyError
	return errors.As(err, &expired) || (errors.As(err, &rejected) && rejected.WithSessionToken)
}

// clientConfig is how to reach AWS for chain: the environment over the
// profiles' region and endpoint_url (profiles owns their order).
func (r *Resolver) clientConfig(chain *profiles.Chain) ClientConfig {
	cfg := ClientConfigFor(r.getenv, chain)
	if r.Configure != nil {
		r.Configure(&cfg)
	}
	return cfg
}

func (r *Resolver) getenv(k string) string {
	if r.Getenv == nil {
		return ""
	}
	return r.Getenv(k)
}

func (r *Resolver) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Resolver) stderr() io.Writer {
	if r.Stderr == nil {
		return io.Discard
	}
	return r.Stderr
}

func (r *Resolver) log() *slog.Logger {
	if r.Log != nil {
		return r.Log
	}
	return slog.New(slog.DiscardHandler)
}

func (r *Resolver) callerIdentity() func(context.Context, ClientConfig, StaticKey) (Identity, error) {
	if r.CallerIdentity != nil {
		return r.CallerIdentity
	}
	return GetCallerIdentity
}

func (r *Resolver) accessKeys() func(context.Context, ClientConfig, StaticKey, string) ([]AccessKeyUse, error) {
	if r.AccessKeys != nil {
		return r.AccessKeys
	}
	return AccessKeys
}
