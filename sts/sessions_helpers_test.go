package sts

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awskeep/awskeep/internal/awstest"
	"github.com/awskeep/awskeep/internal/memvault"
	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/vault"
)

// stsRequest is one request the session fake got.
type stsRequest struct {
	Action   string
	Params   url.Values
	SignedBy string // access key id from the Authorization header
}

// sessionFake is GetSessionToken and AssumeRole on awstest.Fake.
// Credentials it issues are numbered (ASIAFAKE0001...) and expire
// DurationSeconds after the fake's real-time now.
type sessionFake struct {
	URL string
	// deny, when set, answers every request with this error code (403).
	deny  string
	delay time.Duration
	fake  *awstest.Fake
}

func newSessionFake(t *testing.T) *sessionFake {
	t.Helper()
	f := &sessionFake{fake: awstest.NewFake(t)}
	f.URL = f.fake.URL
	answer := func(r awstest.Request, n int) awstest.Reply {
		time.Sleep(f.delay)
		if f.deny != "" {
			return awstest.Error(403, f.deny, "MultiFactorAuthentication failed with invalid MFA one time pass code.")
		}
		seconds := r.Params.Get("DurationSeconds")
		d, err := time.ParseDuration(seconds + "s")
		if err != nil || seconds == "" {
			d = time.Hour
		}
		creds := awstest.CredentialsXML(fmt.Sprintf("ASIAFAKE%04d", n), fmt.Sprintf("secret-%d", n), fmt.Sprintf("token-%d", n), time.Now().Add(d))
		if r.Action == "AssumeRole" {
			role := r.Params.Get("RoleArn")
			arn := "arn:aws:sts::111122223333:assumed-role/" + role[strings.LastIndex(role, "/")+1:] + "/" + r.Params.Get("RoleSessionName")
			creds += "<AssumedRoleUser><Arn>" + arn + "</Arn><AssumedRoleId>AROAFAKE:x</AssumedRoleId></AssumedRoleUser>"
		}
		return awstest.Result(creds)
	}
	f.fake.Handle("GetSessionToken", answer)
	f.fake.Handle("AssumeRole", answer)
	return f
}

func (f *sessionFake) got() []stsRequest {
	var out []stsRequest
	for _, r := range f.fake.Requests() {
		out = append(out, stsRequest{Action: r.Action, Params: r.Params, SignedBy: r.AccessKeyID})
	}
	return out
}

// actions lists the actions received, in order.
func (f *sessionFake) actions() []string { return f.fake.Actions() }

// newMemCache is an empty in-memory store (sessions, locks, lock notes).
func newMemCache() *memvault.Store { return memvault.New() }

// openFileStore opens a file-backend vault in dir with locks in lockDir.
func openSessionStore(t testing.TB, dir, lockDir string) *vault.Store {
	t.Helper()
	s, err := vault.Open(vault.Config{
		Backend: vault.BackendFile, FileDir: dir, LockDir: lockDir, Home: dir,
		FilePassphrase: func(string) (vault.Secret, error) { return "test-passphrase", nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// countingMFA is an MFACode that counts its calls and answers code.
type countingMFA struct {
	mu    sync.Mutex
	calls []profiles.Hop
	code  string
	err   error
}

func (m *countingMFA) get(ctx context.Context, hop profiles.Hop) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls = append(m.calls, hop)
	return m.code, m.err
}

func (m *countingMFA) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.calls)
}

// chainOf builds a chain: the source hop, then one hop per role ARN.
func chainOf(source profiles.Hop, roles ...profiles.Hop) *profiles.Chain {
	hops := []profiles.Hop{source}
	prev := source.Profile
	for _, r := range roles {
		r.SourceProfile = prev
		hops = append(hops, r)
		prev = r.Profile
	}
	kind := profiles.SourceStoredKey
	if source.CredentialSource != "" {
		kind = profiles.SourceCredentialSource
	}
	return &profiles.Chain{Hops: hops, SourceKind: kind}
}

var fakeKey = vault.Key{Profile: "base", AccessKeyID: "AKIAFAKEFAKEFAKEWXYZ", SecretAccessKey: "fake-secret", UserName: "alice"}

func fakeProvider(f *sessionFake, cache SessionCache, mfa *countingMFA) *Provider {
	p := &Provider{Cache: cache, Key: fakeKey, Config: fastConfig(f.URL)}
	if mfa != nil {
		p.MFA = mfa.get
	}
	return p
}
