package sts

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/awskeep/awskeep/vault"
)

// sourceCacheEntry names the cached result of a source that calls AWS
// itself (IAM Identity Center, web identity).
type sourceCacheEntry struct {
	id       string // cache id
	profile  string // profile the result is issued for
	sourceID string // vault.Session.SourceKeyID of the entry
	// asking is what fetch waits for, for waiting ("asking AWS STS ...").
	asking  string
	waiting WaitFunc
}

// cachedCredentials serves e from cache while 15 minutes of it remain;
// otherwise one caller at a time fetches under the entry's lock, and those
// who waited take its result.
func cachedCredentials(ctx context.Context, cache SessionCache, log *slog.Logger, now func() time.Time, e sourceCacheEntry, refresh bool,
	fetch func(context.Context) (Credentials, error)) (Credentials, error) {
	if e.asking != "" {
		inner := fetch
		fetch = func(ctx context.Context) (Credentials, error) {
			defer e.waiting.start(e.asking)()
			return inner(ctx)
		}
	}
	if cache == nil {
		return fetch(ctx)
	}
	log = log.With("profile", e.profile, "cache_id", e.id)
	fresh := func() (vault.Session, bool) {
		sess, err := cache.Session(e.id)
		if err != nil || sess.SourceKeyID != e.sourceID || sess.AccessKeyID == "" {
			return vault.Session{}, false
		}
		return sess, sess.Expiration.Sub(now()) >= refreshBefore
	}
	var before vault.Session
	if refresh {
		before, _ = fresh()
	} else if sess, ok := fresh(); ok {
		log.Debug("cache hit", "expires", sess.Expiration)
		return credentialsFromCache(sess), nil
	}
	unlock, err := cache.Lock(lockFor(ctx, sessionPurpose(e.profile)), "session-"+e.id)
	if err != nil {
		return Credentials{}, fmt.Errorf("waiting for the session cache lock of profile %q: %w", e.profile, err)
	}
	defer unlock()
	if sess, ok := fresh(); ok && (!refresh || sess.AccessKeyID != before.AccessKeyID) {
		log.Debug("cache hit after waiting", "expires", sess.Expiration)
		return credentialsFromCache(sess), nil
	}
	creds, err := fetch(ctx)
	if err != nil {
		return Credentials{}, err
	}
	err = cache.PutSession(vault.Session{ID: e.id, Profile: e.profile, SourceKeyID: e.sourceID,
		AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey, SessionToken: creds.SessionToken,
		Expiration: creds.Expiration, AssumedRoleARN: creds.AssumedRoleARN})
	if err != nil {
		log.Warn("could not cache the session", "err", err)
	}
	return creds, nil
}
