package sts

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/vault"
)

// wantCall is what one request to the fake should carry. signer is "key"
// for the long-term key or the 1-based number of the earlier request whose
// credentials signed it.
type wantCall struct {
	action   string
	signer   int // 0: the long-term key
	mfa      bool
	duration string
	role     string
}

func TestSessionCalls(t *testing.T) {
	const dev = "arn:aws:iam::111122223333:mfa/alice"
	base := profiles.Hop{Profile: "base"}
	baseMFA := profiles.Hop{Profile: "base", MFASerial: dev}
	role := profiles.Hop{Profile: "admin", RoleARN: "arn:aws:iam::111122223333:role/admin"}
	roleMFA := role
	roleMFA.MFASerial = dev
	role2h := roleMFA
	role2h.Duration = 2 * time.Hour
	second := profiles.Hop{Profile: "deep", RoleARN: "arn:aws:iam::444455556666:role/deep", MFASerial: dev}

	tests := []struct {
		name    string
		chain   *profiles.Chain
		opts    Options
		calls   []wantCall
		mfaAsks int
		source  string
	}{
		{"no role", chainOf(base), Options{}, []wantCall{{action: "GetSessionToken", duration: "43200"}}, 0, SourceSTS},
		{"no role, --duration", chainOf(base), Options{Duration: time.Hour}, []wantCall{{action: "GetSessionToken", duration: "3600"}}, 0, SourceSTS},
		{"no role, MFA", chainOf(baseMFA), Options{}, []wantCall{{action: "GetSessionToken", mfa: true, duration: "43200"}}, 1, SourceSTS},
		{"no role, --mfa-token", chainOf(baseMFA), Options{MFAToken: "654321"}, []wantCall{{action: "GetSessionToken", mfa: true, duration: "43200"}}, 0, SourceSTS},
		{"no role, --no-session", chainOf(baseMFA), Options{NoSession: true}, nil, 0, SourceLongTermKey},
		{"role, no MFA: straight from the key", chainOf(base, role), Options{},
			[]wantCall{{action: "AssumeRole", duration: "3600", role: role.RoleARN}}, 0, SourceSTS},
		{"role with MFA: session token first", chainOf(base, roleMFA), Options{},
			[]wantCall{{action: "GetSessionToken", mfa: true, duration: "43200"}, {action: "AssumeRole", signer: 1, duration: "3600", role: role.RoleARN}}, 1, SourceSTS},
		{"role inherits the source's MFA", chainOf(baseMFA, role), Options{},
			[]wantCall{{action: "GetSessionToken", mfa: true, duration: "43200"}, {action: "AssumeRole", signer: 1, duration: "3600", role: role.RoleARN}}, 1, SourceSTS},
		{"role with MFA, --duration over 1h: straight from the key", chainOf(base, roleMFA), Options{Duration: 2 * time.Hour},
			[]wantCall{{action: "AssumeRole", mfa: true, duration: "7200", role: role.RoleARN}}, 1, SourceSTS},
		{"role with MFA, duration_seconds over 1h", chainOf(base, role2h), Options{},
			[]wantCall{{action: "AssumeRole", mfa: true, duration: "7200", role: role.RoleARN}}, 1, SourceSTS},
		{"role with MFA, --no-session", chainOf(base, roleMFA), Options{NoSession: true},
			[]wantCall{{action: "AssumeRole", mfa: true, duration: "3600", role: role.RoleARN}}, 1, SourceSTS},
		{"two roles, MFA on both: one code", chainOf(base, roleMFA, second), Options{Duration: 20 * time.Minute},
			[]wantCall{
				{action: "GetSessionToken", mfa: true, duration: "43200"},
				{action: "AssumeRole", signer: 1, duration: "3600", role: role.RoleARN},
				{action: "AssumeRole", signer: 2, duration: "1200", role: second.RoleARN},
			}, 1, SourceSTS},
		{"two roles, no MFA", chainOf(base, role, profiles.Hop{Profile: "deep", RoleARN: second.RoleARN}), Options{},
			[]wantCall{
				{action: "AssumeRole", duration: "3600", role: role.RoleARN},
				{action: "AssumeRole", signer: 1, duration: "3600", role: second.RoleARN},
			}, 0, SourceSTS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newSessionFake(t)
			mfa := &countingMFA{code: "123456"}
			creds, err := fakeProvider(f, newMemCache(), mfa).Retrieve(context.Background(), tt.chain, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			got := f.got()
			if len(got) != len(tt.calls) {
				t.Fatalf("requests = %v, want %d", f.actions(), len(tt.calls))
			}
			for i, want := range tt.calls {
				r := got[i]
				wantSigner := fakeKey.AccessKeyID
				if want.signer > 0 {
					wantSigner = fakeIssued(want.signer)
				}
				if r.Action != want.action || r.SignedBy != wantSigner || r.Params.Get("DurationSeconds") != want.duration ||
					r.Params.Get("RoleArn") != want.role {
					t.Errorf("request %d = %s signed by %s duration %s role %q; want %+v (signer %s)", i+1,
						r.Action, r.SignedBy, r.Params.Get("DurationSeconds"), r.Params.Get("RoleArn"), want, wantSigner)
				}
				hasMFA := r.Params.Has("SerialNumber") || r.Params.Has("TokenCode")
				if hasMFA != want.mfa {
					t.Errorf("request %d (%s): MFA sent = %v, want %v", i+1, r.Action, hasMFA, want.mfa)
				}
				if want.mfa {
					code := "123456"
					if tt.opts.MFAToken != "" {
						code = tt.opts.MFAToken
					}
					if r.Params.Get("SerialNumber") != dev || r.Params.Get("TokenCode") != code {
						t.Errorf("request %d: SerialNumber=%q TokenCode=%q", i+1, r.Params.Get("SerialNumber"), r.Params.Get("TokenCode"))
					}
				}
				if want.action == "AssumeRole" && r.Params.Get("RoleSessionName") != "awskeep-alice" {
					t.Errorf("RoleSessionName = %q, want awskeep-alice", r.Params.Get("RoleSessionName"))
				}
			}
			if n := mfa.count(); n != tt.mfaAsks {
				t.Errorf("MFA code asked %d times, want %d", n, tt.mfaAsks)
			}
			if creds.Source != tt.source {
				t.Errorf("Source = %q, want %q", creds.Source, tt.source)
			}
			if len(tt.calls) == 0 {
				if creds.AccessKeyID != fakeKey.AccessKeyID || creds.SecretAccessKey != fakeKey.SecretAccessKey ||
					!creds.SessionToken.IsZero() || !creds.Expiration.IsZero() {
					t.Errorf("creds = %+v, want the long-term key", creds)
				}
				return
			}
			if creds.AccessKeyID != fakeIssued(len(tt.calls)) || creds.SessionToken.Reveal() == "" || creds.Expiration.IsZero() {
				t.Errorf("creds = %+v, want those of the last request", creds)
			}
			if last := tt.calls[len(tt.calls)-1]; last.role != "" && !strings.HasSuffix(creds.AssumedRoleARN, "/awskeep-alice") {
				t.Errorf("AssumedRoleARN = %q", creds.AssumedRoleARN)
			}
		})
	}
}

// fakeIssued is the access key id the fake issued in its nth request.
func fakeIssued(n int) string { return fmt.Sprintf("ASIAFAKE%04d", n) }

func TestConfiguredRoleSettingsAreSent(t *testing.T) {
	t.Parallel()
	f := newSessionFake(t)
	role := profiles.Hop{Profile: "ops", RoleARN: "arn:aws:iam::111122223333:role/ops", ExternalID: "ext-7",
		RoleSessionName: "my-session", Duration: 45 * time.Minute}
	if _, err := fakeProvider(f, nil, nil).Retrieve(context.Background(), chainOf(profiles.Hop{Profile: "base"}, role), Options{}); err != nil {
		t.Fatal(err)
	}
	got := f.got()
	if len(got) != 1 {
		t.Fatalf("requests = %v", f.actions())
	}
	p := got[0].Params
	if p.Get("ExternalId") != "ext-7" || p.Get("RoleSessionName") != "my-session" || p.Get("DurationSeconds") != "2700" {
		t.Errorf("params = %v", p)
	}
}

func TestCachedSessionsAreReused(t *testing.T) {
	t.Parallel()
	const dev = "arn:aws:iam::111122223333:mfa/alice"
	f := newSessionFake(t)
	cache := newMemCache()
	mfa := &countingMFA{code: "123456"}
	p := fakeProvider(f, cache, mfa)
	base := profiles.Hop{Profile: "base", MFASerial: dev}
	admin := chainOf(base, profiles.Hop{Profile: "admin", RoleARN: "arn:aws:iam::111122223333:role/admin"})
	reader := chainOf(base, profiles.Hop{Profile: "reader", RoleARN: "arn:aws:iam::111122223333:role/reader"})
	ctx := context.Background()

	first, err := p.Retrieve(ctx, admin, Options{})
	if err != nil {
		t.Fatal(err)
	}
	again, err := p.Retrieve(ctx, admin, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if again.Source != SourceCache || again.AccessKeyID != first.AccessKeyID || again.SessionToken != first.SessionToken ||
		!again.Expiration.Equal(first.Expiration) || again.AssumedRoleARN != first.AssumedRoleARN {
		t.Errorf("second Retrieve = %+v, want the first one's credentials from the cache", again)
	}
	if got := f.actions(); !slices.Equal(got, []string{"GetSessionToken", "AssumeRole"}) {
		t.Errorf("requests after two Retrieves = %v", got)
	}

	// Another role on the same MFA source reuses its session: no new code.
	if _, err := p.Retrieve(ctx, reader, Options{}); err != nil {
		t.Fatal(err)
	}
	got := f.got()
	if len(got) != 3 || got[2].Action != "AssumeRole" || got[2].SignedBy != fakeIssued(1) {
		t.Errorf("requests = %v; want one more AssumeRole signed by the cached session", f.actions())
	}
	if n := mfa.count(); n != 1 {
		t.Errorf("MFA code asked %d times, want 1", n)
	}

	// Every result is cached, with the facts remove and clear need.
	profilesCached := map[string]bool{}
	for _, s := range cache.AllSessions() {
		profilesCached[s.Profile] = true
		if s.SourceKeyID != fakeKey.AccessKeyID || s.ID == "" || s.SessionToken.IsZero() {
			t.Errorf("cached session %+v lacks facts", s)
		}
	}
	if len(cache.AllSessions()) != 3 || !profilesCached["base"] || !profilesCached["admin"] || !profilesCached["reader"] {
		t.Errorf("cached profiles = %v, want base, admin, reader", profilesCached)
	}

	// --refresh calls again, for every step, and caches the result.
	fresh, err := p.Retrieve(ctx, admin, Options{Refresh: true, MFAToken: "111111"})
	if err != nil {
		t.Fatal(err)
	}
	if fresh.Source != SourceSTS || fresh.AccessKeyID == first.AccessKeyID || len(f.got()) != 5 {
		t.Errorf("--refresh: %+v after %v", fresh, f.actions())
	}
	cached, err := p.Retrieve(ctx, admin, Options{})
	if err != nil || cached.AccessKeyID != fresh.AccessKeyID || cached.Source != SourceCache {
		t.Errorf("after --refresh: %+v, %v; want the refreshed credentials from the cache", cached, err)
	}

	// Forget drops the entries a chain uses, and only those.
	n, err := p.Forget(admin, Options{})
	if err != nil || n != 2 {
		t.Errorf("Forget = %d, %v; want 2 (the role and the MFA session)", n, err)
	}
	if left := cache.AllSessions(); len(left) != 1 || left[0].Profile != "reader" {
		t.Errorf("left after Forget: %v", left)
	}
}

func TestExpiryAndRefresh(t *testing.T) {
	role := profiles.Hop{Profile: "admin", RoleARN: "arn:aws:iam::111122223333:role/admin"}
	tests := []struct {
		name     string
		duration time.Duration
		later    time.Duration
		reused   bool
	}{
		{"1h session at +40m", time.Hour, 40 * time.Minute, true},
		{"1h session at +44m", time.Hour, 44 * time.Minute, true},
		{"1h session at +50m", time.Hour, 50 * time.Minute, false},
		{"1h session after expiry", time.Hour, 2 * time.Hour, false},
		{"20m session at +9m (11m left, over half)", 20 * time.Minute, 9 * time.Minute, true},
		{"20m session at +11m (under half left)", 20 * time.Minute, 11 * time.Minute, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newSessionFake(t)
			now := time.Now()
			p := fakeProvider(f, newMemCache(), nil)
			p.Now = func() time.Time { return now }
			chain := chainOf(profiles.Hop{Profile: "base"}, role)
			first, err := p.Retrieve(context.Background(), chain, Options{Duration: tt.duration})
			if err != nil {
				t.Fatal(err)
			}
			now = now.Add(tt.later)
			second, err := p.Retrieve(context.Background(), chain, Options{Duration: tt.duration})
			if err != nil {
				t.Fatal(err)
			}
			reused := second.AccessKeyID == first.AccessKeyID
			if reused != tt.reused || len(f.got()) != map[bool]int{true: 1, false: 2}[tt.reused] {
				t.Errorf("reused = %v after %d requests, want reused = %v", reused, len(f.got()), tt.reused)
			}
		})
	}
}

func TestDurationOutOfRange(t *testing.T) {
	base := profiles.Hop{Profile: "base"}
	role := profiles.Hop{Profile: "admin", RoleARN: "arn:aws:iam::111122223333:role/admin"}
	long := role
	long.Duration = 13 * time.Hour
	tests := []struct {
		name      string
		chain     *profiles.Chain
		duration  time.Duration
		operation string
		setting   string
		max       time.Duration
	}{
		{"session token too short", chainOf(base), 14 * time.Minute, "sts:GetSessionToken", "--duration", 36 * time.Hour},
		{"session token too long", chainOf(base), 37 * time.Hour, "sts:GetSessionToken", "--duration", 36 * time.Hour},
		{"role too short", chainOf(base, role), 10 * time.Minute, "sts:AssumeRole", "--duration", 12 * time.Hour},
		{"role too long", chainOf(base, role), 13 * time.Hour, "sts:AssumeRole", "--duration", 12 * time.Hour},
		// A negative length (no flag gives one, but Options may) is refused
		// for a role as for a session token, never taken as "not given".
		{"session token negative", chainOf(base), -time.Hour, "sts:GetSessionToken", "--duration", 36 * time.Hour},
		{"role negative", chainOf(base, role), -time.Hour, "sts:AssumeRole", "--duration", 12 * time.Hour},
		{"duration_seconds of a first hop too long", chainOf(base, long, role), 0, "sts:AssumeRole", "duration_seconds", 12 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newSessionFake(t)
			_, err := fakeProvider(f, newMemCache(), nil).Retrieve(context.Background(), tt.chain, Options{Duration: tt.duration})
			var de *DurationError
			if !errors.As(err, &de) {
				t.Fatalf("err = %v, want *DurationError", err)
			}
			if de.Operation != tt.operation || de.Setting != tt.setting || de.Max != tt.max || de.Min != 15*time.Minute {
				t.Errorf("DurationError = %+v", de)
			}
			if n := len(f.got()); n != 0 {
				t.Errorf("%d requests, want none", n)
			}
		})
	}
}

func TestNoMFACode(t *testing.T) {
	const dev = "arn:aws:iam::111122223333:mfa/alice"
	prompt := errors.New("no terminal")
	tests := []struct {
		name  string
		mfa   *countingMFA
		cause error
	}{
		{"no code source", nil, nil},
		{"code source fails", &countingMFA{err: prompt}, prompt},
		{"empty code", &countingMFA{code: " \n"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newSessionFake(t)
			cache := newMemCache()
			chain := chainOf(profiles.Hop{Profile: "base", MFASerial: dev}, profiles.Hop{Profile: "admin", RoleARN: "arn:aws:iam::1:role/a"})
			_, err := fakeProvider(f, cache, tt.mfa).Retrieve(context.Background(), chain, Options{})
			var nc *NoMFACodeError
			if !errors.As(err, &nc) || nc.Serial != dev || nc.Profile != "base" {
				t.Fatalf("err = %v, want *NoMFACodeError for %s", err, dev)
			}
			if tt.cause != nil && !errors.Is(err, tt.cause) {
				t.Errorf("err = %v does not wrap the code source's error", err)
			}
			if n := len(f.got()); n != 0 || len(cache.AllSessions()) != 0 {
				t.Errorf("%d requests, %d cached; want none", n, len(cache.AllSessions()))
			}
		})
	}
}

func TestWrongMFACode(t *testing.T) {
	const dev = "arn:aws:iam::111122223333:mfa/alice"
	tests := []struct {
		name  string
		chain *profiles.Chain
		opts  Options
		op    string
	}{
		{"session token", chainOf(profiles.Hop{Profile: "base", MFASerial: dev}), Options{}, "sts:GetSessionToken"},
		{"role from the key", chainOf(profiles.Hop{Profile: "base", MFASerial: dev}, profiles.Hop{Profile: "admin", RoleARN: "arn:aws:iam::1:role/a"}),
			Options{NoSession: true}, "sts:AssumeRole"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newSessionFake(t)
			f.deny = "AccessDenied"
			cache := newMemCache()
			_, err := fakeProvider(f, cache, &countingMFA{code: "000000"}).Retrieve(context.Background(), tt.chain, tt.opts)
			var denied *AccessDeniedError
			if !errors.As(err, &denied) || !denied.MFASent || denied.Operation != tt.op {
				t.Fatalf("err = %v, want *AccessDeniedError with MFASent for %s", err, tt.op)
			}
			if len(cache.AllSessions()) != 0 {
				t.Errorf("cache holds %v after a failure", cache.AllSessions())
			}
		})
	}
}

// Parallel callers with a cold cache: one STS call per step, one MFA code.
func TestParallelCallersShareOneCall(t *testing.T) {
	const dev = "arn:aws:iam::111122223333:mfa/alice"
	tests := []struct {
		name  string
		chain *profiles.Chain
		want  []string
	}{
		{"MFA session token", chainOf(profiles.Hop{Profile: "base", MFASerial: dev}), []string{"GetSessionToken"}},
		{"role on an MFA session", chainOf(profiles.Hop{Profile: "base", MFASerial: dev}, profiles.Hop{Profile: "admin", RoleARN: "arn:aws:iam::1:role/a"}),
			[]string{"GetSessionToken", "AssumeRole"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newSessionFake(t)
			f.delay = 100 * time.Millisecond
			dir, lockDir := t.TempDir(), t.TempDir()
			mfa := &countingMFA{code: "123456"}
			start := make(chan struct{})
			var wg sync.WaitGroup
			results := make([]Credentials, 16)
			errs := make([]error, 16)
			for i := range results {
				// Each caller has its own Store, as separate processes would.
				p := fakeProvider(f, openSessionStore(t, dir, lockDir), mfa)
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					results[i], errs[i] = p.Retrieve(context.Background(), tt.chain, Options{})
				}()
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("caller %d: %v", i, err)
				}
				if results[i].AccessKeyID != results[0].AccessKeyID {
					t.Errorf("caller %d got %s, caller 0 got %s", i, results[i].AccessKeyID, results[0].AccessKeyID)
				}
			}
			if got := f.actions(); !slices.Equal(got, tt.want) {
				t.Errorf("requests = %v, want %v", got, tt.want)
			}
			if n := mfa.count(); n != 1 {
				t.Errorf("MFA code asked %d times, want 1", n)
			}
		})
	}
}

func TestUnsupportedChains(t *testing.T) {
	f := newSessionFake(t)
	p := fakeProvider(f, nil, nil)
	// (credential_source chains are served now: source_credsource_test.go.)
	for _, chain := range []*profiles.Chain{nil, {}} {
		var unsupported *UnsupportedChainError
		if _, err := p.Retrieve(context.Background(), chain, Options{}); !errors.As(err, &unsupported) {
			t.Errorf("chain %+v: err = %v, want *UnsupportedChainError", chain, err)
		}
	}
	p.Key = vault.Key{AccessKeyID: "AKIAFAKEFAKEFAKEWXYZ"}
	if _, err := p.Retrieve(context.Background(), chainOf(profiles.Hop{Profile: "base"}), Options{}); !errors.Is(err, ErrIncompleteKey) {
		t.Errorf("key without secret: err = %v, want ErrIncompleteKey", err)
	}
	if n := len(f.got()); n != 0 {
		t.Errorf("%d requests, want none", n)
	}
}

// Debug events name hops and calls but never a secret or a full key id.
func TestDebugLogHoldsNoSecrets(t *testing.T) {
	t.Parallel()
	f := newSessionFake(t)
	var buf strings.Builder
	var mu sync.Mutex
	p := fakeProvider(f, newMemCache(), &countingMFA{code: "123456"})
	p.Log = slog.New(slog.NewJSONHandler(lockedWriter{&mu, &buf}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	chain := chainOf(profiles.Hop{Profile: "base", MFASerial: "arn:aws:iam::1:mfa/a"}, profiles.Hop{Profile: "admin", RoleARN: "arn:aws:iam::1:role/a"})
	for range 2 {
		if _, err := p.Retrieve(context.Background(), chain, Options{}); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	if !strings.Contains(out, `"profile":"admin"`) || !strings.Contains(out, "sts:AssumeRole") {
		t.Errorf("debug log lacks the hop and call:\n%s", out)
	}
	for _, secret := range []string{"fake-secret", "secret-1", "secret-2", "token-1", "token-2", "123456", fakeKey.AccessKeyID, fakeIssued(2)} {
		if strings.Contains(out, secret) {
			t.Errorf("debug log contains %q:\n%s", secret, out)
		}
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}
