package sts

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/vault"
)

// stsRequest is one request the session fake got.
type stsRequest struct {
	Action   string
	Params   url.Values
	SignedBy string // access key id from the Authorization header
}

// sessionFake is an STS endpoint for GetSessionToken and AssumeRole that
// records what it got. Credentials it issues are numbered (ASIAFAKE0001...)
// and expire DurationSeconds after the fake's real-time now.
type sessionFake struct {
	URL string
	// deny, when set, answers every request with this error code (403).
	deny  string
	delay time.Duration

	mu       sync.Mutex
	requests []stsRequest
}

func newSessionFake(t *testing.T) *sessionFake {
	t.Helper()
	f := &sessionFake{}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

func (f *sessionFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	signedBy := ""
	if _, rest, ok := strings.Cut(r.Header.Get("Authorization"), "Credential="); ok {
		signedBy, _, _ = strings.Cut(rest, "/")
	}
	f.mu.Lock()
	f.requests = append(f.requests, stsRequest{Action: r.Form.Get("Action"), Params: r.Form, SignedBy: signedBy})
	n := len(f.requests)
	deny := f.deny
	f.mu.Unlock()
	time.Sleep(f.delay)

	w.Header().Set("Content-Type", "text/xml")
	if deny != "" {
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>MultiFactorAuthentication failed with invalid MFA one time pass code.</Message></Error><RequestId>req-%d</RequestId></ErrorResponse>`, deny, n)
		return
	}
	seconds := r.Form.Get("DurationSeconds")
	d, err := time.ParseDuration(seconds + "s")
	if err != nil || seconds == "" {
		d = time.Hour
	}
	creds := fmt.Sprintf(`<Credentials><AccessKeyId>ASIAFAKE%04d</AccessKeyId><SecretAccessKey>secret-%d</SecretAccessKey><SessionToken>token-%d</SessionToken><Expiration>%s</Expiration></Credentials>`,
		n, n, n, time.Now().Add(d).UTC().Format(time.RFC3339))
	action := r.Form.Get("Action")
	switch action {
	case "GetSessionToken":
		fmt.Fprintf(w, `<GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetSessionTokenResult>%s</GetSessionTokenResult><ResponseMetadata><RequestId>req-%d</RequestId></ResponseMetadata></GetSessionTokenResponse>`, creds, n)
	case "AssumeRole":
		role := r.Form.Get("RoleArn")
		arn := "arn:aws:sts::111122223333:assumed-role/" + role[strings.LastIndex(role, "/")+1:] + "/" + r.Form.Get("RoleSessionName")
		fmt.Fprintf(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>%s<AssumedRoleUser><Arn>%s</Arn><AssumedRoleId>AROAFAKE:x</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>req-%d</RequestId></ResponseMetadata></AssumeRoleResponse>`, creds, arn, n)
	default:
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>%s</Message></Error><RequestId>req-%d</RequestId></ErrorResponse>`, action, n)
	}
}

func (f *sessionFake) got() []stsRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]stsRequest(nil), f.requests...)
}

// actions lists the actions received, in order.
func (f *sessionFake) actions() []string {
	var out []string
	for _, r := range f.got() {
		out = append(out, r.Action)
	}
	return out
}

// memCache is an in-memory SessionCache with per-name locks.
type memCache struct {
	mu       sync.Mutex
	sessions map[string]vault.Session
	locks    map[string]chan struct{}
}

func newMemCache() *memCache {
	return &memCache{sessions: map[string]vault.Session{}, locks: map[string]chan struct{}{}}
}

func (c *memCache) Session(id string) (vault.Session, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.sessions[id]
	if !ok {
		return vault.Session{}, &vault.NotFoundError{Kind: "session", Name: id}
	}
	return s, nil
}

func (c *memCache) PutSession(s vault.Session) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sessions[s.ID] = s
	return nil
}

func (c *memCache) DeleteSessions(match func(vault.SessionInfo) bool) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for id, s := range c.sessions {
		if match(vault.SessionInfo{ID: s.ID, Profile: s.Profile, SourceKeyID: s.SourceKeyID, Expiration: s.Expiration}) {
			delete(c.sessions, id)
			n++
		}
	}
	return n, nil
}

func (c *memCache) Lock(ctx context.Context, name string) (func(), error) {
	c.mu.Lock()
	ch, ok := c.locks[name]
	if !ok {
		ch = make(chan struct{}, 1)
		c.locks[name] = ch
	}
	c.mu.Unlock()
	select {
	case ch <- struct{}{}:
		var once sync.Once
		return func() { once.Do(func() { <-ch }) }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (c *memCache) all() []vault.Session {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []vault.Session
	for _, s := range c.sessions {
		out = append(out, s)
	}
	return out
}

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
