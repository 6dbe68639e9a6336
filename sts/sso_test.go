package sts

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/awskeep/awskeep/internal/awstest"
	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/vault"
)

// ssoRig is one user's machine against one SSO fake.
type ssoRig struct {
	fake    *awstest.SSOFake
	home    string
	store   *vault.Store
	prompts atomic.Int32
	opened  atomic.Int32
	lastURL atomic.Value
}

func newSSORig(t *testing.T, opts awstest.SSOOptions) *ssoRig {
	t.Helper()
	r := &ssoRig{fake: awstest.StartSSO(t, moto, opts), home: t.TempDir()}
	r.store = openSessionStore(t, filepath.Join(r.home, "keys"), filepath.Join(r.home, "locks"))
	r.fake.Assign(t, "111111111111", "Developer")
	return r
}

func (r *ssoRig) ssoConfig(session string) *profiles.SSO {
	return &profiles.SSO{Session: session, StartURL: r.fake.StartURL, Region: r.fake.Region,
		AccountID: "111111111111", RoleName: "Developer", Scopes: profiles.DefaultSSOScopes}
}

func (r *ssoRig) session(s *profiles.SSO, interactive bool) *SSOSession {
	return &SSOSession{
		SSO: s, Profile: "dev", Home: r.home, Store: TokenStoreFile, Keyring: r.store,
		Client:      SSOClientConfig{Region: r.fake.Region, OIDCEndpoint: r.fake.URL, PortalEndpoint: r.fake.URL},
		Interactive: interactive, Flow: SSOFlowDevice,
		Prompt: func(p SSOPrompt) {
			r.prompts.Add(1)
			r.lastURL.Store(p.URL + " " + p.UserCode)
		},
	}
}

func checkCallerIsSSORole(t *testing.T, c Credentials) {
	t.Helper()
	id, err := GetCallerIdentity(context.Background(), motoConfig(), StaticKey{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken})
	if err != nil {
		t.Fatalf("moto refuses the SSO role credentials: %v", err)
	}
	if !strings.Contains(id.ARN, ":assumed-role/AWSReservedSSO_Developer_") {
		t.Errorf("caller = %s", id.ARN)
	}
}

// TestSSOParallelColdCallersOneLogin: callers that find no token make one
// registration, one device authorization, one token grant and one
// GetRoleCredentials between them, and show the user code once.
func TestSSOParallelColdCallersOneLogin(t *testing.T) {
	t.Parallel()
	r := newSSORig(t, awstest.SSOOptions{AutoApprove: true})
	s := r.ssoConfig("corp")
	var wg sync.WaitGroup
	results := make([]Credentials, 8)
	errs := make([]error, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = r.session(s, true).CachedRoleCredentials(context.Background(), r.store, "111111111111", "Developer", false)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("caller %d: %v", i, err)
		}
		if results[i].AccessKeyID != results[0].AccessKeyID {
			t.Errorf("caller %d got other credentials", i)
		}
	}
	checkCallerIsSSORole(t, results[0])
	for op, want := range map[string]int{"RegisterClient": 1, "StartDeviceAuthorization": 1, "CreateToken:device_code": 2, "GetRoleCredentials": 1} {
		if got := r.fake.Count(op); got != want {
			t.Errorf("%s: %d calls, want %d", op, got, want)
		}
	}
	if n := r.prompts.Load(); n != 1 {
		t.Errorf("prompted %d times, want 1", n)
	}
	if got, _ := r.lastURL.Load().(string); !strings.HasSuffix(got, " "+awstest.SSODeviceUserCode) {
		t.Errorf("prompt = %q, want the user code", got)
	}

	// The token file is the CLI's, with every field.
	path := SSOTokenPath(r.home, "corp")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{`"startUrl": "` + r.fake.StartURL + `"`, `"region": "us-east-1"`, `"accessToken": "at-`, `"expiresAt": "`,
		`"clientId": "client-`, `"clientSecret": "secret-`, `"registrationExpiresAt": "`, `"refreshToken": "rt-`} {
		if !strings.Contains(string(data), field) {
			t.Errorf("token file lacks %s:\n%s", field, data)
		}
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode().Perm())
	}

	// A later caller uses the cache: no call at all.
	before := r.fake.Counts()
	if _, err := r.session(s, false).CachedRoleCredentials(context.Background(), r.store, "111111111111", "Developer", false); err != nil {
		t.Fatal(err)
	}
	if after := r.fake.Counts(); after["GetRoleCredentials"] != before["GetRoleCredentials"] || after["CreateToken"] != before["CreateToken"] {
		t.Errorf("warm call made calls: %v -> %v", before, after)
	}
}

func writeToken(t *testing.T, r *ssoRig, key string, left time.Duration) IssuedToken {
	t.Helper()
	it := r.fake.IssueToken(left)
	tok := SSOToken{StartURL: r.fake.StartURL, Region: r.fake.Region, AccessToken: vault.Secret(it.AccessToken), ExpiresAt: it.ExpiresAt,
		ClientID: it.ClientID, ClientSecret: vault.Secret(it.ClientSecret), RegistrationExpiresAt: it.RegExpiresAt, RefreshToken: vault.Secret(it.RefreshToken)}
	if err := WriteSSOTokenFile(SSOTokenPath(r.home, key), tok); err != nil {
		t.Fatal(err)
	}
	return it
}

type IssuedToken = awstest.IssuedToken

// TestSSORefresh: a token with 5 minutes left is refreshed once, the new
// refresh token stored; parallel callers share the one refresh.
func TestSSORefresh(t *testing.T) {
	t.Parallel()
	r := newSSORig(t, awstest.SSOOptions{})
	s := r.ssoConfig("corp")
	old := writeToken(t, r, "corp", 5*time.Minute)
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := r.session(s, false).Token(context.Background()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got := r.fake.Count("CreateToken:refresh_token"); got != 1 {
		t.Errorf("%d refreshes, want 1", got)
	}
	tok, err := ReadSSOTokenFile(SSOTokenPath(r.home, "corp"))
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken.Reveal() == old.AccessToken || tok.RefreshToken.Reveal() == old.RefreshToken || tok.ExpiresAt.Sub(time.Now()) < 50*time.Minute ||
		tok.ClientID != old.ClientID || tok.StartURL != r.fake.StartURL {
		t.Errorf("after refresh: %+v", tok)
	}
	if r.fake.Count("StartDeviceAuthorization") != 0 || r.prompts.Load() != 0 {
		t.Error("a refresh started a login")
	}
}

func TestSSORefreshKeepsOldRefreshToken(t *testing.T) {
	t.Parallel()
	r := newSSORig(t, awstest.SSOOptions{NoRefreshRotation: true})
	old := writeToken(t, r, "corp", 5*time.Minute)
	tok, err := r.session(r.ssoConfig("corp"), false).Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken.Reveal() != old.RefreshToken || tok.AccessToken.Reveal() == old.AccessToken {
		t.Errorf("refresh without a new refresh token: %+v", tok)
	}
}

// TestSSORefreshRejectedOneLogin: InvalidGrant leads to exactly one login
// when a terminal is there, and to a typed error (and no retry of the
// refused refresh token) when none is.
func TestSSORefreshRejectedOneLogin(t *testing.T) {
	t.Parallel()
	r := newSSORig(t, awstest.SSOOptions{RejectRefresh: true, AutoApprove: true})
	s := r.ssoConfig("corp")
	writeToken(t, r, "corp", 5*time.Minute)
	// Still 5 minutes: the token is used, the refused refresh token dropped.
	if _, err := r.session(s, false).Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	if tok, _ := ReadSSOTokenFile(SSOTokenPath(r.home, "corp")); !tok.RefreshToken.IsZero() {
		t.Error("the refused refresh token was kept")
	}
	writeToken(t, r, "corp", 30*time.Second)
	_, err := r.session(s, false).Token(context.Background())
	var required *SSOLoginRequiredError
	if !errors.As(err, &required) || required.Reason != SSORefreshRejected || required.Session != "corp" {
		t.Fatalf("non-interactive: %v", err)
	}
	refreshes := r.fake.Count("CreateToken:refresh_token")
	if _, err := r.session(s, false).Token(context.Background()); !errors.As(err, &required) {
		t.Fatalf("second non-interactive call: %v", err)
	}
	if got := r.fake.Count("CreateToken:refresh_token"); got != refreshes {
		t.Errorf("the refused refresh token was tried again")
	}
	writeToken(t, r, "corp", 30*time.Second)
	if _, err := r.session(s, true).Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := r.fake.Count("StartDeviceAuthorization"); got != 1 {
		t.Errorf("%d logins, want 1", got)
	}
}

// TestSSORevokedTokenRenewedOnce: a 401 from the portal renews the token
// once (the refresh token is gone too, so a login), then succeeds.
func TestSSORevokedTokenRenewedOnce(t *testing.T) {
	t.Parallel()
	r := newSSORig(t, awstest.SSOOptions{AutoApprove: true})
	s := r.ssoConfig("corp")
	writeToken(t, r, "corp", time.Hour)
	r.fake.RevokeSessions()
	_, err := r.session(s, false).RoleCredentials(context.Background(), "111111111111", "Developer")
	var required *SSOLoginRequiredError
	if !errors.As(err, &required) || required.Reason != SSORefreshRejected {
		t.Fatalf("non-interactive after revocation: %v", err)
	}
	writeToken(t, r, "corp", time.Hour)
	r.fake.RevokeSessions()
	c, err := r.session(s, true).RoleCredentials(context.Background(), "111111111111", "Developer")
	if err != nil {
		t.Fatal(err)
	}
	checkCallerIsSSORole(t, c)
	if got := r.fake.Count("StartDeviceAuthorization"); got != 1 {
		t.Errorf("%d logins, want 1", got)
	}
}

func TestSSONonInteractiveStartsNothing(t *testing.T) {
	t.Parallel()
	r := newSSORig(t, awstest.SSOOptions{})
	_, err := r.session(r.ssoConfig("corp"), false).RoleCredentials(context.Background(), "111111111111", "Developer")
	var required *SSOLoginRequiredError
	if !errors.As(err, &required) || required.Reason != SSONoToken {
		t.Fatalf("err = %v", err)
	}
	if n := len(r.fake.Counts()); n != 0 {
		t.Errorf("calls made: %v", r.fake.Counts())
	}
}

// TestSSODeviceFlowOutcomes: denied, expired and slowed-down device codes.
func TestSSODeviceFlowOutcomes(t *testing.T) {
	t.Parallel()
	t.Run("denied", func(t *testing.T) {
		t.Parallel()
		r := newSSORig(t, awstest.SSOOptions{})
		sess := r.session(r.ssoConfig("corp"), true)
		sess.Prompt = func(p SSOPrompt) { r.fake.Deny(p.UserCode) }
		_, err := sess.Login(context.Background())
		var le *SSOLoginError
		if !errors.As(err, &le) || le.Reason != SSOLoginDenied {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("expired", func(t *testing.T) {
		t.Parallel()
		r := newSSORig(t, awstest.SSOOptions{DeviceExpiresIn: 2 * time.Second})
		_, err := r.session(r.ssoConfig("corp"), true).Login(context.Background())
		var le *SSOLoginError
		if !errors.As(err, &le) || le.Reason != SSOLoginTimedOut {
			t.Fatalf("err = %v", err)
		}
		if polls := r.fake.Count("CreateToken:device_code"); polls < 2 || polls > 3 {
			t.Errorf("%d polls in 2 s at 1 s intervals", polls)
		}
	})
	t.Run("slow down", func(t *testing.T) {
		t.Parallel()
		r := newSSORig(t, awstest.SSOOptions{SlowDowns: 1, AutoApprove: true})
		start := time.Now()
		if _, err := r.session(r.ssoConfig("corp"), true).Login(context.Background()); err != nil {
			t.Fatal(err)
		}
		// 1 s interval + 5 s after SlowDown before the next poll.
		if took := time.Since(start); took < 6*time.Second {
			t.Errorf("SlowDown did not add 5 s: login took %v", took)
		}
	})
}

// browserOpener follows the authorize URL as a browser would: the fake's
// redirect lands on awskeep's loopback listener.
func browserOpener(t *testing.T, rewrite func(string) string) func(string) error {
	return func(u string) error {
		go func() {
			if rewrite != nil {
				u = rewrite(u)
			}
			resp, err := http.Get(u)
			if err != nil {
				t.Log(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}()
		return nil
	}
}

func TestSSOBrowserFlow(t *testing.T) {
	t.Parallel()
	r := newSSORig(t, awstest.SSOOptions{})
	sess := r.session(r.ssoConfig("corp"), true)
	sess.Flow = SSOFlowBrowser
	var seen string
	sess.OpenBrowser = func(u string) error { seen = u; return browserOpener(t, nil)(u) }
	tok, err := sess.Login(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken.IsZero() || r.fake.Count("CreateToken:authorization_code") != 1 || r.fake.Count("StartDeviceAuthorization") != 0 {
		t.Errorf("token %+v, counts %v", tok, r.fake.Counts())
	}
	for _, want := range []string{r.fake.URL + "/authorize?", "code_challenge_method=S256", "redirect_uri=http%3A%2F%2F127.0.0.1%3A", "%2Foauth%2Fcallback", "scopes=sso%3Aaccount%3Aaccess"} {
		if !strings.Contains(seen, want) {
			t.Errorf("authorize URL %s lacks %s", seen, want)
		}
	}
	// The registration is reused by the next login.
	if _, err := sess.Login(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := r.fake.Count("RegisterClient"); got != 1 {
		t.Errorf("%d registrations for two logins", got)
	}

	t.Run("state mismatch", func(t *testing.T) {
		sess := r.session(r.ssoConfig("other"), true)
		sess.Flow = SSOFlowBrowser
		sess.OpenBrowser = browserOpener(t, func(u string) string {
			return strings.Replace(u, "state=", "state=forged", 1)
		})
		_, err := sess.Login(context.Background())
		var le *SSOLoginError
		if !errors.As(err, &le) || le.Reason != SSOLoginStateMismatch {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("denied", func(t *testing.T) {
		r.fake.Set(func(o *awstest.SSOOptions) { o.DenyAuthorize = true })
		sess := r.session(r.ssoConfig("third"), true)
		sess.Flow = SSOFlowBrowser
		sess.OpenBrowser = browserOpener(t, nil)
		_, err := sess.Login(context.Background())
		var le *SSOLoginError
		if !errors.As(err, &le) || le.Reason != SSOLoginDenied {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		sess := r.session(r.ssoConfig("fourth"), true)
		sess.Flow = SSOFlowBrowser
		sess.LoginTimeout = 300 * time.Millisecond
		_, err := sess.Login(context.Background())
		var le *SSOLoginError
		if !errors.As(err, &le) || le.Reason != SSOLoginTimedOut {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestSSOLegacyUsesDeviceFlowWithoutRefresh: the legacy form registers
// without scopes, so it gets a fixed token with nothing to refresh it.
func TestSSOLegacyUsesDeviceFlowWithoutRefresh(t *testing.T) {
	t.Parallel()
	r := newSSORig(t, awstest.SSOOptions{AutoApprove: true})
	s := r.ssoConfig("")
	s.Scopes = nil
	sess := r.session(s, true)
	sess.Flow = SSOFlowBrowser // ignored: legacy profiles use the device flow
	tok, err := sess.Login(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(SSOTokenPath(r.home, r.fake.StartURL))
	if !tok.RefreshToken.IsZero() || strings.Contains(string(data), "clientSecret") || r.fake.Count("StartDeviceAuthorization") != 1 {
		t.Errorf("legacy login wrote %s", data)
	}
}

func TestSSOKeyringTokenStore(t *testing.T) {
	t.Parallel()
	r := newSSORig(t, awstest.SSOOptions{AutoApprove: true})
	sess := r.session(r.ssoConfig("corp"), true)
	sess.Store = TokenStoreKeyring
	if _, err := sess.RoleCredentials(context.Background(), "111111111111", "Developer"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Dir(SSOTokenPath(r.home, "corp"))); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the keyring store wrote ~/.aws/sso/cache: %v", err)
	}
	if tok, err := sess.Peek(); err != nil || tok.RefreshToken.IsZero() {
		t.Errorf("token in the keyring: %+v, %v", tok, err)
	}
	had, err := sess.Logout(context.Background())
	if err != nil || !had || r.fake.Count("Logout") != 1 {
		t.Errorf("logout: %v %v", had, err)
	}
	if _, err := sess.Peek(); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("token left after logout: %v", err)
	}
}

func TestSSOAccountRoles(t *testing.T) {
	t.Parallel()
	r := newSSORig(t, awstest.SSOOptions{})
	r.fake.Assign(t, "222222222222", "Admin")
	r.fake.Assign(t, "111111111111", "ReadOnly")
	writeToken(t, r, "corp", time.Hour)
	roles, err := r.session(r.ssoConfig("corp"), false).AccountRoles(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, role := range roles {
		got = append(got, role.AccountID+"/"+role.RoleName)
	}
	if strings.Join(got, ",") != "111111111111/Developer,111111111111/ReadOnly,222222222222/Admin" {
		t.Errorf("roles = %v", got)
	}
}

func TestSSOClientConfig(t *testing.T) {
	env := map[string]string{"AWS_ENDPOINT_URL": "http://general", "AWS_ENDPOINT_URL_SSO_OIDC": "http://oidc"}
	get := func(k string) string { return env[k] }
	c := SSOClientConfigFromEnv(get, "eu-west-1", "https://d-1.awsapps.com/start", nil)
	if c.OIDCEndpoint != "http://oidc" || c.PortalEndpoint != "http://general" || c.DualStack || c.Region != "eu-west-1" {
		t.Errorf("config = %+v", c)
	}
	env = map[string]string{}
	c = SSOClientConfigFromEnv(get, "eu-west-1", "https://d-1.portal.eu-west-1.app.aws", nil)
	if !c.DualStack || c.oidcEndpoint() != "https://oidc.eu-west-1.api.aws" {
		t.Errorf("dual-stack instance: %+v, %s", c, c.oidcEndpoint())
	}
	env["AWS_USE_FIPS_ENDPOINT"] = "true"
	c = SSOClientConfigFromEnv(get, "us-east-1", "https://d-1.awsapps.com/start", nil)
	if got := c.oidcEndpoint(); got != "https://oidc-fips.us-east-1.amazonaws.com" {
		t.Errorf("FIPS endpoint = %s", got)
	}

	// The clients themselves go there (the settings are not dropped).
	var hosts []string
	var mu sync.Mutex
	c = SSOClientConfig{Region: "eu-west-1", DualStack: true, HTTPClient: &http.Client{Transport: roundTripFunc(func(req *http.Request) (*http.Response, error) {
		mu.Lock()
		hosts = append(hosts, req.URL.Host)
		mu.Unlock()
		return nil, errors.New("no network in tests")
	})}}
	c.Timeout = time.Second
	sess := &SSOSession{SSO: &profiles.SSO{Session: "x", StartURL: "u", Region: "eu-west-1"}, Client: c}
	sess.register(context.Background(), SSOFlowDevice)
	sess.getRoleCredentials(context.Background(), SSOToken{AccessToken: "t"}, "1", "r")
	mu.Lock()
	defer mu.Unlock()
	if len(hosts) < 2 || hosts[0] != "oidc.eu-west-1.api.aws" || hosts[len(hosts)-1] != "portal.sso.eu-west-1.api.aws" {
		t.Errorf("hosts = %v", hosts)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestSSORefreshRaceWithAnotherTool: another tool refreshes with the same
// refresh token while awskeep does (the fake rotates refresh tokens, so
// awskeep's is refused): awskeep takes the other tool's token from the
// file, keeps it intact, and starts no login.
func TestSSORefreshRaceWithAnotherTool(t *testing.T) {
	t.Parallel()
	r := newSSORig(t, awstest.SSOOptions{})
	old := writeToken(t, r, "corp", 5*time.Minute)
	path := SSOTokenPath(r.home, "corp")
	var theirs SSOToken
	r.fake.Set(func(o *awstest.SSOOptions) {
		o.BeforeRefresh = func() {
			// The other tool: refresh with the same refresh token, write the file.
			oidc := newOIDCClient(SSOClientConfig{Region: r.fake.Region, OIDCEndpoint: r.fake.URL})
			out, err := oidc.CreateToken(context.Background(), createTokenInput(old.ClientID, vault.Secret(old.ClientSecret), func(f *createTokenFields) {
				f.grantType, f.refreshToken = "refresh_token", old.RefreshToken
			}))
			if err != nil {
				t.Errorf("the other tool's refresh: %v", err)
				return
			}
			theirs, _ = ReadSSOTokenFile(path)
			theirs.AccessToken, theirs.RefreshToken = vault.Secret(*out.AccessToken), vault.Secret(*out.RefreshToken)
			theirs.ExpiresAt = time.Now().Add(time.Hour).Truncate(time.Second)
			if err := WriteSSOTokenFile(path, theirs); err != nil {
				t.Error(err)
			}
		}
	})
	tok, err := r.session(r.ssoConfig("corp"), true).Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != theirs.AccessToken {
		t.Errorf("awskeep did not take the other tool's token")
	}
	onDisk, err := ReadSSOTokenFile(path)
	if err != nil || onDisk.RefreshToken != theirs.RefreshToken || onDisk.AccessToken != theirs.AccessToken {
		t.Errorf("the file lost the other tool's token: %+v, %v", onDisk, err)
	}
	if r.fake.Count("StartDeviceAuthorization") != 0 || r.prompts.Load() != 0 {
		t.Error("the race forced a login")
	}
	if got := r.fake.Count("CreateToken:refresh_token"); got != 2 {
		t.Errorf("%d refreshes, want 2 (theirs and awskeep's refused one)", got)
	}
}
