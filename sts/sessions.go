package sts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/vault"
)

// Credentials are what a profile resolves to.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey vault.Secret
	SessionToken    vault.Secret
	// Expiration is zero for the long-term key itself.
	Expiration     time.Time
	AssumedRoleARN string
	// Source says where the final link came from: SourceCache, SourceSTS,
	// SourceLongTermKey (a stored key handed out itself), or the
	// profiles.SourceKind of another source handed out itself
	// (SourceCredentialProcess, ...).
	Source string
}

// Values of Credentials.Source.
const (
	SourceCache       = "cache"
	SourceSTS         = "sts"
	SourceLongTermKey = "long-term key"
	// SourceCredentialProcess: the source's credentials as another tool's
	// credential_process gave them.
	SourceCredentialProcess = string(profiles.SourceProcess)
)

// Options are the session flags of exec, export and credential-process.
type Options struct {
	// Duration is --duration for the last call; 0 takes the default
	// (GetSessionToken 12 h; AssumeRole the hop's duration_seconds or 1 h).
	Duration time.Duration
	// NoSession uses the long-term key itself (no role), or assumes the
	// role straight from it.
	NoSession bool
	// MFAToken is --mfa-token; when set, the MFACode source is never asked.
	MFAToken string
	// Refresh ignores cached sessions (the new ones are still cached).
	Refresh bool
}

// MFACode returns a code for the MFA device hop.MFASerial (cmd runs
// mfa_process, then prompts on /dev/tty). Credentials calls it at most once,
// only with the cache entry's lock held, and never when a cached session is
// usable or Options.MFAToken is set.
type MFACode func(ctx context.Context, hop profiles.Hop) (string, error)

// SessionCache is the part of *vault.Store that the session steps use.
type SessionCache interface {
	// Session returns the cached session or a *vault.NotFoundError.
	Session(id string) (vault.Session, error)
	PutSession(vault.Session) error
	DeleteSessions(match func(vault.SessionInfo) bool) (int, error)
	// Lock takes a cross-process lock.
	Lock(ctx context.Context, name string) (unlock func(), err error)
}

var _ SessionCache = (*vault.Store)(nil)

// Refresh thresholds: a cached session is used while at least
// refreshBefore remains (boto3 refreshes below 15 minutes), or, for
// sessions shorter than shortSession, while at least half remains.
const (
	refreshBefore = 15 * time.Minute
	shortSession  = 30 * time.Minute
)

// engine plans a chain's steps on top of its source and obtains each
// through the cache: session tokens, assumed roles and role chains.
type engine struct {
	// cache holds sessions and the locks that keep parallel callers to one
	// STS call; nil disables both.
	cache  SessionCache
	source *onceSource
	id     SourceIdentity
	config ClientConfig
	mfa    MFACode
	now    func() time.Time
	log    *slog.Logger
	// waiting is told about the STS calls (Resolver.Waiting).
	waiting WaitFunc
	// usedCache is set when a step was served from the cache, so a refused
	// session may be a stale cached one.
	usedCache bool
	// call identifies the Credentials call (shared failures, sharedfailure.go).
	call string
}

// retrieve returns credentials for chain (Hops[0] is the source's profile,
// the last hop is the profile asked for).
func (e *engine) retrieve(ctx context.Context, chain *profiles.Chain, opts Options) (Credentials, error) {
	final, err := e.plan(chain, opts)
	if err != nil {
		return Credentials{}, err
	}
	r := &retrieval{e: e, opts: opts, log: e.log}
	start := time.Now()
	creds, err := r.obtain(ctx, final)
	if err == nil {
		r.log.Debug("credentials ready", "profile", final.hop.Profile, "source", creds.Source,
			"access_key_id", MaskKeyID(creds.AccessKeyID), "expires", creds.Expiration, "took", time.Since(start))
	}
	return creds, err
}

// forget drops every cached session that retrieve(chain, opts) would use
// (the final one and those it is built on), e.g. after AWS called one of
// them expired. It says how many it dropped.
func (e *engine) forget(chain *profiles.Chain, opts Options) (int, error) {
	final, err := e.plan(chain, opts)
	if err != nil || e.cache == nil {
		return 0, err
	}
	ids := map[string]bool{}
	for s := final; s != nil; s = s.base {
		if s.id != "" {
			ids[s.id] = true
		}
	}
	return e.cache.DeleteSessions(func(info vault.SessionInfo) bool { return ids[info.ID] })
}

func (e *engine) clock() time.Time {
	if e.now != nil {
		return e.now()
	}
	return time.Now()
}

// retrieval is the state of one Retrieve.
type retrieval struct {
	e    *engine
	opts Options
	log  *slog.Logger
	// The one MFA code of this Retrieve, once asked for.
	mfaAsked bool
	mfaCode  string
	mfaErr   error
}

// obtain returns s's result: from the cache if fresh, else from STS under
// the entry's lock, re-reading the cache once the lock is held so that
// parallel callers wait for the first one's result instead of calling too.
func (r *retrieval) obtain(ctx context.Context, s *step) (Credentials, error) {
	if s.kind == stepSource {
		c, err := r.e.source.Retrieve(ctx)
		if err != nil {
			return Credentials{}, err
		}
		source := string(r.e.source.Kind())
		if r.e.source.Kind() == profiles.SourceStoredKey {
			source = SourceLongTermKey
		}
		return Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken,
			Expiration: c.Expiration, Source: source}, nil
	}
	log := r.log.With("profile", s.hop.Profile, "call", s.operation(), "cache_id", s.id)
	cache := r.e.cache
	if cache == nil {
		return r.call(ctx, s, log)
	}

	// A cached session from before the wait, for --refresh: a different one
	// found after the wait is another caller's fresh result.
	var before vault.Session
	if r.opts.Refresh {
		before, _ = r.cached(s, log, false)
	} else if sess, ok := r.cached(s, log, true); ok {
		r.e.usedCache = true
		return credentialsFromCache(sess), nil
	}

	waitStart, waitClock := time.Now(), r.e.clock()
	lockName := "session-" + s.id
	unlock, err := cache.Lock(lockFor(ctx, sessionPurpose(s.hop.Profile)), lockName)
	if err != nil {
		return Credentials{}, fmt.Errorf("waiting for the session cache lock of profile %q: %w", s.hop.Profile, err)
	}
	defer unlock()
	log.Debug("cache lock held", "waited", time.Since(waitStart))

	if sess, ok := r.cached(s, log, false); ok && r.fresh(s, sess) &&
		(!r.opts.Refresh || !sess.Expiration.Equal(before.Expiration) || sess.AccessKeyID != before.AccessKeyID) {
		log.Debug("cache hit after waiting", "expires", sess.Expiration)
		r.e.usedCache = true
		return credentialsFromCache(sess), nil
	}

	if err := r.sharedFailure(lockName, waitClock); err != nil {
		log.Debug("the call just failed for the caller before; sharing its failure", "err", err)
		return Credentials{}, err
	}
	creds, err := r.call(ctx, s, log)
	r.shareFailure(lockName, err)
	if err != nil {
		return Credentials{}, err
	}
	err = cache.PutSession(vault.Session{
		ID: s.id, Profile: s.hop.Profile, SourceKeyID: r.e.id.KeyID,
		AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey, SessionToken: creds.SessionToken,
		Expiration: creds.Expiration, AssumedRoleARN: creds.AssumedRoleARN,
	})
	if err != nil {
		// The credentials are good; only the next caller pays for this.
		log.Warn("could not cache the session", "err", err)
	}
	return creds, nil
}

// cached reads s's cache entry. With use set it returns the entry's
// credentials when fresh; without, the raw session (zero if none).
func (r *retrieval) cached(s *step, log *slog.Logger, use bool) (vault.Session, bool) {
	sess, err := r.e.cache.Session(s.id)
	var notFound *vault.NotFoundError
	switch {
	case errors.As(err, &notFound):
		log.Debug("cache miss")
		return vault.Session{}, false
	case err != nil:
		// A damaged or half-written entry is a miss: STS replaces it.
		log.Warn("cache read failed; treating as a miss", "err", err)
		return vault.Session{}, false
	case sess.SourceKeyID != r.e.id.KeyID || sess.AccessKeyID == "":
		log.Debug("cache entry belongs to another key; ignoring it")
		return vault.Session{}, false
	}
	if !use {
		return sess, true
	}
	if !r.fresh(s, sess) {
		log.Debug("cache entry too close to expiry", "expires", sess.Expiration)
		return sess, false
	}
	log.Debug("cache hit", "expires", sess.Expiration)
	return sess, true
}

// fresh says whether a cached session may still be handed out.
func (r *retrieval) fresh(s *step, sess vault.Session) bool {
	left := sess.Expiration.Sub(r.e.clock())
	need := refreshBefore
	if s.duration < shortSession {
		need = s.duration / 2
	}
	return left > 0 && left >= need
}

func credentialsFromCache(sess vault.Session) Credentials {
	return Credentials{
		AccessKeyID: sess.AccessKeyID, SecretAccessKey: sess.SecretAccessKey, SessionToken: sess.SessionToken,
		Expiration: sess.Expiration, AssumedRoleARN: sess.AssumedRoleARN, Source: SourceCache,
	}
}

// call makes s's STS call, after obtaining the credentials that sign it.
func (r *retrieval) call(ctx context.Context, s *step, log *slog.Logger) (Credentials, error) {
	base, err := r.obtain(ctx, s.base)
	if err != nil {
		return Credentials{}, err
	}
	signer := StaticKey{AccessKeyID: base.AccessKeyID, SecretAccessKey: base.SecretAccessKey, SessionToken: base.SessionToken}
	code := ""
	if s.mfaSerial != "" {
		if code, err = r.mfa(ctx, s); err != nil {
			return Credentials{}, err
		}
	}
	var creds Credentials
	switch s.kind {
	case stepSessionToken:
		start, done := time.Now(), r.e.waiting.start(stsCallWords(s.kind, s.hop.Profile))
		creds, err = getSessionToken(ctx, r.e.config, signer, s.duration, s.mfaSerial, code)
		done()
		log.Debug("sts call", "signed_by", MaskKeyID(signer.AccessKeyID), "mfa", code != "",
			"duration", s.duration, "took", time.Since(start), "ok", err == nil)
	case stepAssumeRole:
		name := s.sessionName
		if name == "" {
			// The default name needs the source's user, known once its
			// credentials are read (they signed this chain's first call).
			src, err := r.e.source.Retrieve(ctx)
			if err != nil {
				return Credentials{}, err
			}
			name = defaultSessionName(src.UserName, s.sourceProfile)
		}
		start, done := time.Now(), r.e.waiting.start(stsCallWords(s.kind, s.hop.Profile))
		creds, err = assumeRole(ctx, r.e.config, signer, roleRequest{
			roleARN: s.roleARN, externalID: s.externalID, sessionName: name,
			duration: s.duration, mfaSerial: s.mfaSerial, mfaCode: code,
		})
		done()
		log.Debug("sts call", "signed_by", MaskKeyID(signer.AccessKeyID), "mfa", code != "",
			"duration", s.duration, "took", time.Since(start), "ok", err == nil)
	}
	return creds, err
}

// mfa returns the one MFA code of this Retrieve.
func (r *retrieval) mfa(ctx context.Context, s *step) (string, error) {
	if r.opts.MFAToken != "" {
		return strings.TrimSpace(r.opts.MFAToken), nil
	}
	if !r.mfaAsked {
		r.mfaAsked = true
		switch {
		case r.e.mfa == nil:
			r.mfaErr = &NoMFACodeError{Profile: s.mfaHop.Profile, Serial: s.mfaSerial}
		default:
			r.log.Debug("asking for an MFA code", "profile", s.mfaHop.Profile, "serial", s.mfaSerial)
			code, err := r.e.mfa(ctx, s.mfaHop)
			code = strings.TrimSpace(code)
			switch {
			case err != nil && ctx.Err() != nil:
				r.mfaErr = fmt.Errorf("asking for an MFA code: %w", err)
			case err != nil:
				r.mfaErr = &NoMFACodeError{Profile: s.mfaHop.Profile, Serial: s.mfaSerial, Err: err}
			case code == "":
				r.mfaErr = &NoMFACodeError{Profile: s.mfaHop.Profile, Serial: s.mfaSerial, Err: errors.New("the MFA code is empty")}
			default:
				r.mfaCode = code
			}
		}
	}
	return r.mfaCode, r.mfaErr
}

func (s *step) operation() string {
	switch s.kind {
	case stepSessionToken:
		return "sts:GetSessionToken"
	case stepAssumeRole:
		return "sts:AssumeRole"
	}
	return "source"
}
