package sts

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/awskeep/awskeep/internal/memvault"
	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/vault"
)

// A warm call reads one secret, the cached session; the stored key is read
// only when STS must be called.
func TestWarmCallReadsOneSecret(t *testing.T) {
	t.Parallel()
	const dev = "arn:aws:iam::111122223333:mfa/alice"
	for name, chain := range map[string]*profiles.Chain{
		"session token": chainOf(profiles.Hop{Profile: "base"}),
		"MFA and role":  chainOf(profiles.Hop{Profile: "base", MFASerial: dev}, profiles.Hop{Profile: "admin", RoleARN: "arn:aws:iam::1:role/a"}),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newSessionFake(t)
			store := memvault.New(fakeKey)
			r := &Resolver{Store: store, MFA: (&countingMFA{code: "123456"}).get, Configure: func(c *ClientConfig) { *c = fastConfig(f.URL) }}
			if _, err := r.Credentials(context.Background(), chain, Options{}); err != nil {
				t.Fatal(err)
			}
			if keys, _ := store.Reads(); keys != 1 {
				t.Errorf("cold call read the key %d times, want 1", keys)
			}
			res, err := r.Credentials(context.Background(), chain, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if keys, sessions := store.Reads(); keys != 0 || sessions != 1 || res.Source != SourceCache {
				t.Errorf("warm call read %d keys and %d sessions (source %s), want 0 and 1 from the cache", keys, sessions, res.Source)
			}
			if res.Key == nil || res.Key.AccessKeyID != fakeKey.AccessKeyID {
				t.Errorf("warm call's key facts = %+v, want those of the stored key", res.Key)
			}
		})
	}
}

// AWS rejecting the stored key drops every session made from it and says
// so, with the profile that owns the key and the one asked for.
func TestRejectedKeyDropsItsSessions(t *testing.T) {
	t.Parallel()
	f := newSessionFake(t)
	f.deny = "InvalidClientTokenId"
	cache := newMemCache()
	far := time.Now().Add(time.Hour)
	for i, src := range []string{fakeKey.AccessKeyID, fakeKey.AccessKeyID, "AKIAOTHEROTHEROTHER1"} {
		cache.PutSession(vault.Session{ID: string(rune('a' + i)), Profile: "x", SourceKeyID: src, AccessKeyID: "ASIAOLD", Expiration: far})
	}
	key := fakeKey
	key.AddedAt = time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	cache.PutKey(key)
	r := &Resolver{Store: cache, Configure: func(c *ClientConfig) { *c = fastConfig(f.URL) }}
	chain := chainOf(profiles.Hop{Profile: "base"}, profiles.Hop{Profile: "admin", RoleARN: "arn:aws:iam::1:role/a"})
	_, err := r.Credentials(context.Background(), chain, Options{})
	var ce *CredentialsError
	var rejected *RejectedKeyError
	if !errors.As(err, &ce) || !errors.As(err, &rejected) {
		t.Fatalf("err = %v (%T), want a *CredentialsError wrapping *RejectedKeyError", err, err)
	}
	want := CredentialsError{Profile: "admin", Owner: "base", Kind: profiles.SourceStoredKey, MaskedKeyID: "AKIA…WXYZ", AddedAt: key.AddedAt, Dropped: 2}
	got := *ce
	got.Err = nil
	if got != want {
		t.Errorf("CredentialsError = %+v\nwant %+v", got, want)
	}
	if left := cache.AllSessions(); len(left) != 1 || left[0].SourceKeyID != "AKIAOTHEROTHEROTHER1" {
		t.Errorf("sessions left: %+v, want only the other key's", left)
	}
}
