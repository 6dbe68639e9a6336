package awstest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// SSO is a loopback fake of the IAM Identity Center OIDC API
// (RegisterClient, StartDeviceAuthorization, CreateToken, and /authorize,
// the page a browser would show) and of the portal API
// (GetRoleCredentials, ListAccounts, ListAccountRoles, Logout), on one
// server. moto has neither. Point clients at it with AWS_ENDPOINT_URL_SSO
// and AWS_ENDPOINT_URL_SSO_OIDC (SSOFake.Env).
//
// Role credentials are minted by moto's AssumeRole, signed with the admin
// key, on an AWSReservedSSO_<role>_<hex> role the fake creates in moto, so
// moto's enforced authentication accepts them and GetCallerIdentity shows
// assumed-role/AWSReservedSSO_<role>_<hex>/<user>.
//
// Errors go out in the real wire shape: x-amzn-ErrorType
// "<Name>Exception:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/"
// and an OAuth body ({"error":"invalid_grant",...}). Every call is counted
// (Count), so tests can check that N callers made one login.
//
// Refresh tokens rotate: each refresh returns a new one and a reused one
// is rejected with InvalidGrant, so refresh races bite. They are issued
// only to clients registered with the sso:account:access scope; others get
// fixed 8-hour tokens, as the service does.
type SSOFake struct {
	// URL is the server's base URL (OIDC and portal alike).
	URL string
	// StartURL and Region are the instance's portal URL and region.
	StartURL string
	Region   string
	// User is the session name role credentials are issued for.
	User string

	moto *Moto
	srv  *httptest.Server

	mu          sync.Mutex
	opts        SSOOptions
	counts      map[string]int
	clients     map[string]*ssoClient
	devices     map[string]*ssoDevice // by device code
	authorizing map[string]*ssoAuthCode
	access      map[string]*ssoAccess
	refresh     map[string]*ssoRefresh
	accounts    []SSOAccount
	roleARNs    map[string]string // account/role -> role ARN in moto
	last        IssuedToken       // the latest tokens issued
	now         func() time.Time
}

// SSOOptions change the fake's behaviour. They can be changed while it runs
// (SSOFake.Set).
type SSOOptions struct {
	// AccessTokenTTL is the life of a token with refresh (default 1 h);
	// tokens without refresh last 8 h, as the service's legacy tokens do.
	AccessTokenTTL time.Duration
	// RegistrationTTL is the life of a client registration (default 90 days).
	RegistrationTTL time.Duration
	// DeviceExpiresIn is the life of a device code (default 600 s).
	DeviceExpiresIn time.Duration
	// Interval is the polling interval the device flow asks for (default 1 s).
	Interval int
	// AutoApprove approves a device code at its second CreateToken poll
	// (the first one gets AuthorizationPending), standing in for the user.
	AutoApprove bool
	// SlowDowns answers that many device polls with SlowDown first.
	SlowDowns int
	// DenyAuthorize makes /authorize redirect with error=access_denied.
	DenyAuthorize bool
	// NoRefreshRotation returns no new refresh token on refresh; the old
	// one stays valid (a service that does not rotate).
	NoRefreshRotation bool
	// RejectRefresh answers every refresh with InvalidGrant.
	RejectRefresh bool
	// BeforeRefresh, when set, runs once when the next refresh arrives,
	// before it is answered (a test makes another tool refresh first).
	BeforeRefresh func()
}

// SSOAccount is an account with the roles the user is assigned.
type SSOAccount struct {
	ID, Name, Email string
	Roles           []string
}

type ssoClient struct {
	id, secret   string
	scopes       []string
	grantTypes   []string
	secretExpiry time.Time
}

type ssoDevice struct {
	client   string
	userCode string
	expires  time.Time
	polls    int
	approved bool
	denied   bool
	used     bool
}

type ssoAuthCode struct {
	client, redirectURI, challenge string
	used                           bool
}

type ssoAccess struct {
	client  string
	expires time.Time
	revoked bool
	lineage string
}

type ssoRefresh struct {
	client  string
	used    bool
	lineage string
}

// SSODeviceUserCode is the user code every device authorization gets.
const SSODeviceUserCode = "ABCD-EFGH"

// StartSSO runs the fake for the test, with the instance's start URL on the
// fake's own host, region Region, and no accounts (add them with Assign).
func StartSSO(t testing.TB, m *Moto, opts SSOOptions) *SSOFake {
	t.Helper()
	f := &SSOFake{
		Region: Region, User: "alice", moto: m, opts: opts,
		counts: map[string]int{}, clients: map[string]*ssoClient{}, devices: map[string]*ssoDevice{},
		authorizing: map[string]*ssoAuthCode{}, access: map[string]*ssoAccess{}, refresh: map[string]*ssoRefresh{},
		roleARNs: map[string]string{}, now: time.Now,
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	f.URL = f.srv.URL
	f.StartURL = "https://" + UniqueName("d") + ".awsapps.com/start"
	return f
}

// Env points a subprocess's SSO clients at the fake.
func (f *SSOFake) Env() []string {
	return []string{"AWS_ENDPOINT_URL_SSO=" + f.URL, "AWS_ENDPOINT_URL_SSO_OIDC=" + f.URL}
}

// Set changes the options.
func (f *SSOFake) Set(change func(*SSOOptions)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(&f.opts)
}

// Assign gives the user roleName in accountID (listed by the portal) and
// creates its AWSReservedSSO_ role in moto; GetRoleCredentials for it
// returns that role's credentials. moto keeps one account, so the role
// lives in moto's account whatever accountID says. It returns the role ARN.
func (f *SSOFake) Assign(t testing.TB, accountID, roleName string) string {
	t.Helper()
	random := make([]byte, 8)
	rand.Read(random)
	name := "AWSReservedSSO_" + roleName + "_" + hex.EncodeToString(random)
	trust := policyDocument(statement{Effect: "Allow", Principal: map[string]any{"AWS": f.moto.AdminARN}, Action: []string{"sts:AssumeRole"}})
	out, err := f.moto.IAM(Credentials{}).CreateRole(ctxFor(t), &iam.CreateRoleInput{
		RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust),
	})
	if err != nil {
		t.Fatalf("awstest: creating %s: %v", name, err)
	}
	arn := aws.ToString(out.Role.Arn)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.roleARNs[accountID+"/"+roleName] = arn
	for i := range f.accounts {
		if f.accounts[i].ID == accountID {
			f.accounts[i].Roles = append(f.accounts[i].Roles, roleName)
			return arn
		}
	}
	f.accounts = append(f.accounts, SSOAccount{ID: accountID, Name: "account-" + accountID, Email: "root+" + accountID + "@example.com", Roles: []string{roleName}})
	return arn
}

// Count is how many times an operation was called: RegisterClient,
// StartDeviceAuthorization, Authorize, CreateToken (every grant),
// CreateToken:device_code, CreateToken:authorization_code,
// CreateToken:refresh_token, CreateToken:issued (tokens granted, by any
// grant), GetRoleCredentials, ListAccounts,
// ListAccountRoles, Logout.
func (f *SSOFake) Count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.counts[op]
}

// Counts returns every counter.
func (f *SSOFake) Counts() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]int, len(f.counts))
	for k, v := range f.counts {
		out[k] = v
	}
	return out
}

// Approve approves the pending device authorizations with userCode.
func (f *SSOFake) Approve(userCode string) { f.decide(userCode, true) }

// Deny denies them: their next poll gets AccessDenied.
func (f *SSOFake) Deny(userCode string) { f.decide(userCode, false) }

func (f *SSOFake) decide(userCode string, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, d := range f.devices {
		if d.userCode == userCode && !d.used {
			d.approved, d.denied = ok, !ok
		}
	}
}

// IssuedToken is a login made without any flow (IssueToken).
type IssuedToken struct {
	AccessToken, RefreshToken string
	ClientID, ClientSecret    string
	ExpiresAt, RegExpiresAt   time.Time
}

// IssueToken registers a client and issues it an access token lasting ttl
// and a refresh token, as if someone had logged in (a test writes them
// into a token file in the AWS CLI's format).
func (f *SSOFake) IssueToken(ttl time.Duration) IssuedToken {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.newClient([]string{"sso:account:access"}, nil)
	at, rt := f.issue(c, ttl, true, "")
	return IssuedToken{AccessToken: at, RefreshToken: rt, ClientID: c.id, ClientSecret: c.secret,
		ExpiresAt: f.now().Add(ttl), RegExpiresAt: c.secretExpiry}
}

// LastToken is the latest token issued (by any grant), with its client's
// secret, for tests that look for it where it must not be.
func (f *SSOFake) LastToken() IssuedToken {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last
}

// RevokeSessions ends every sign-in session: access and refresh tokens are
// refused from now on (the portal answers 401, refreshes InvalidGrant).
func (f *SSOFake) RevokeSessions() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, a := range f.access {
		a.revoked = true
	}
	for _, r := range f.refresh {
		r.used = true
	}
}

// ExpireAccessTokens makes every access token issued so far expired.
func (f *SSOFake) ExpireAccessTokens() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, a := range f.access {
		a.expires = f.now().Add(-time.Second)
	}
}

func randomToken(prefix string) string {
	b := make([]byte, 24)
	rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

func (f *SSOFake) newClient(scopes, grantTypes []string) *ssoClient {
	ttl := f.opts.RegistrationTTL
	if ttl == 0 {
		ttl = 90 * 24 * time.Hour
	}
	c := &ssoClient{id: randomToken("client-"), secret: randomToken("secret-"), scopes: scopes, grantTypes: grantTypes,
		secretExpiry: f.now().Add(ttl).Truncate(time.Second)}
	f.clients[c.id] = c
	return c
}

// issue makes an access token (and a refresh token when the client's
// scopes allow one). ttl 0 takes the defaults.
func (f *SSOFake) issue(c *ssoClient, ttl time.Duration, withRefresh bool, lineage string) (access, refresh string) {
	if lineage == "" {
		lineage = randomToken("")
	}
	if ttl == 0 {
		ttl = 8 * time.Hour
		if withRefresh {
			ttl = f.opts.AccessTokenTTL
			if ttl == 0 {
				ttl = time.Hour
			}
		}
	}
	access = randomToken("at-")
	f.access[access] = &ssoAccess{client: c.id, expires: f.now().Add(ttl), lineage: lineage}
	if withRefresh {
		refresh = randomToken("rt-")
		f.refresh[refresh] = &ssoRefresh{client: c.id, lineage: lineage}
	}
	f.last = IssuedToken{AccessToken: access, RefreshToken: refresh, ClientID: c.id, ClientSecret: c.secret,
		ExpiresAt: f.now().Add(ttl), RegExpiresAt: c.secretExpiry}
	return access, refresh
}

// oidcError writes an error as the OIDC service does.
func oidcError(w http.ResponseWriter, status int, name, oauthCode, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-amzn-ErrorType", name+"Exception:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": oauthCode, "error_description": desc})
}

// portalError writes an error as the portal does.
func portalError(w http.ResponseWriter, status int, name, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-amzn-ErrorType", name+"Exception")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"message": msg})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func (f *SSOFake) serve(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/client/register":
		f.registerClient(w, r)
	case r.Method == http.MethodPost && r.URL.Path == "/device_authorization":
		f.startDevice(w, r)
	case r.Method == http.MethodPost && r.URL.Path == "/token":
		f.createToken(w, r)
	case r.Method == http.MethodGet && r.URL.Path == "/authorize":
		f.authorize(w, r)
	case r.Method == http.MethodGet && r.URL.Path == "/federation/credentials":
		f.roleCredentials(w, r)
	case r.Method == http.MethodGet && r.URL.Path == "/assignment/accounts":
		f.listAccounts(w, r)
	case r.Method == http.MethodGet && r.URL.Path == "/assignment/roles":
		f.listRoles(w, r)
	case r.Method == http.MethodPost && r.URL.Path == "/logout":
		f.logout(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (f *SSOFake) count(op string) { f.counts[op]++ }

func (f *SSOFake) registerClient(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ClientName   string   `json:"clientName"`
		ClientType   string   `json:"clientType"`
		Scopes       []string `json:"scopes"`
		GrantTypes   []string `json:"grantTypes"`
		RedirectURIs []string `json:"redirectUris"`
		IssuerURL    string   `json:"issuerUrl"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		oidcError(w, 400, "InvalidRequest", "invalid_request", "malformed JSON")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("RegisterClient")
	switch {
	case in.ClientName == "":
		oidcError(w, 400, "InvalidRequest", "invalid_request", "clientName is required")
		return
	case in.ClientType != "public":
		oidcError(w, 400, "InvalidClientMetadata", "invalid_client_metadata", "clientType must be public")
		return
	}
	if slices.Contains(in.GrantTypes, "authorization_code") {
		if len(in.RedirectURIs) != 1 || in.RedirectURIs[0] != "http://127.0.0.1/oauth/callback" {
			oidcError(w, 400, "InvalidRedirectUri", "invalid_redirect_uri", "redirect URI must be http://127.0.0.1/oauth/callback")
			return
		}
		if in.IssuerURL != f.StartURL {
			oidcError(w, 400, "InvalidRequest", "invalid_request", "issuerUrl is not the instance's start URL")
			return
		}
	}
	c := f.newClient(in.Scopes, in.GrantTypes)
	writeJSON(w, map[string]any{
		"clientId": c.id, "clientSecret": c.secret, "clientIdIssuedAt": f.now().Unix(),
		"clientSecretExpiresAt": c.secretExpiry.Unix(),
	})
}

// client checks a client's id and secret; it writes the error itself.
func (f *SSOFake) client(w http.ResponseWriter, id, secret string) *ssoClient {
	c := f.clients[id]
	switch {
	case c == nil || c.secret != secret:
		oidcError(w, 401, "InvalidClient", "invalid_client", "Invalid client provided")
		return nil
	case !f.now().Before(c.secretExpiry):
		oidcError(w, 401, "InvalidClient", "invalid_client", "Client registration has expired")
		return nil
	}
	return c
}

func (f *SSOFake) startDevice(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ClientID     string `json:"clientId"`
		ClientSecret string `json:"clientSecret"`
		StartURL     string `json:"startUrl"`
	}
	json.NewDecoder(r.Body).Decode(&in)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("StartDeviceAuthorization")
	if f.client(w, in.ClientID, in.ClientSecret) == nil {
		return
	}
	if in.StartURL != f.StartURL {
		oidcError(w, 400, "InvalidRequest", "invalid_request", "Invalid start URL")
		return
	}
	exp := f.opts.DeviceExpiresIn
	if exp == 0 {
		exp = 600 * time.Second
	}
	interval := f.opts.Interval
	if interval == 0 {
		interval = 1
	}
	code := randomToken("device-")
	f.devices[code] = &ssoDevice{client: in.ClientID, userCode: SSODeviceUserCode, expires: f.now().Add(exp)}
	// As the service does since 2026-09, the complete URI does not carry
	// the user code (ByteNess/aws-vault#440).
	complete := f.URL + "/platform/authorize?request_uri=" + url.QueryEscape(randomToken("urn:"))
	writeJSON(w, map[string]any{
		"deviceCode": code, "userCode": SSODeviceUserCode, "verificationUri": f.URL + "/device",
		"verificationUriComplete": complete, "expiresIn": int(exp / time.Second), "interval": interval,
	})
}

func (f *SSOFake) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("Authorize")
	c := f.clients[q.Get("client_id")]
	redirect, err := url.Parse(q.Get("redirect_uri"))
	switch {
	case q.Get("response_type") != "code":
		http.Error(w, "response_type must be code", 400)
		return
	case c == nil || !slices.Contains(c.grantTypes, "authorization_code"):
		http.Error(w, "unknown client", 400)
		return
	case err != nil || redirect.Scheme != "http" || redirect.Hostname() != "127.0.0.1" || redirect.Port() == "" || redirect.Path != "/oauth/callback":
		http.Error(w, "redirect_uri must be http://127.0.0.1:PORT/oauth/callback", 400)
		return
	case q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		http.Error(w, "PKCE with S256 is required", 400)
		return
	case q.Get("state") == "":
		http.Error(w, "state is required", 400)
		return
	}
	back := redirect.Query()
	back.Set("state", q.Get("state"))
	if f.opts.DenyAuthorize {
		back.Set("error", "access_denied")
	} else {
		code := randomToken("code-")
		f.authorizing[code] = &ssoAuthCode{client: c.id, redirectURI: q.Get("redirect_uri"), challenge: q.Get("code_challenge")}
		back.Set("code", code)
	}
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

func (f *SSOFake) createToken(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ClientID     string `json:"clientId"`
		ClientSecret string `json:"clientSecret"`
		GrantType    string `json:"grantType"`
		DeviceCode   string `json:"deviceCode"`
		Code         string `json:"code"`
		CodeVerifier string `json:"codeVerifier"`
		RedirectURI  string `json:"redirectUri"`
		RefreshToken string `json:"refreshToken"`
	}
	json.NewDecoder(r.Body).Decode(&in)
	if in.GrantType == "refresh_token" {
		f.mu.Lock()
		hook := f.opts.BeforeRefresh
		f.opts.BeforeRefresh = nil
		f.mu.Unlock()
		if hook != nil {
			hook()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("CreateToken")
	c := f.client(w, in.ClientID, in.ClientSecret)
	if c == nil {
		return
	}
	withRefresh := slices.Contains(c.scopes, "sso:account:access")
	var lineage, keepRefresh string
	switch in.GrantType {
	case "urn:ietf:params:oauth:grant-type:device_code":
		f.count("CreateToken:device_code")
		d := f.devices[in.DeviceCode]
		switch {
		case d == nil || d.client != c.id || d.used:
			oidcError(w, 400, "InvalidGrant", "invalid_grant", "Invalid device code provided")
			return
		case !f.now().Before(d.expires):
			oidcError(w, 400, "ExpiredToken", "expired_token", "Device code has expired")
			return
		case d.denied:
			oidcError(w, 400, "AccessDenied", "access_denied", "Authorization denied")
			return
		}
		d.polls++
		if f.opts.SlowDowns > 0 {
			f.opts.SlowDowns--
			oidcError(w, 400, "SlowDown", "slow_down", "Client is polling too fast")
			return
		}
		if f.opts.AutoApprove && d.polls >= 2 {
			d.approved = true
		}
		if !d.approved {
			oidcError(w, 400, "AuthorizationPending", "authorization_pending", "Authorization is still pending")
			return
		}
		d.used = true
	case "authorization_code":
		f.count("CreateToken:authorization_code")
		a := f.authorizing[in.Code]
		sum := sha256.Sum256([]byte(in.CodeVerifier))
		switch {
		case a == nil || a.used || a.client != c.id:
			oidcError(w, 400, "InvalidGrant", "invalid_grant", "Invalid authorization code provided")
			return
		case in.RedirectURI != a.redirectURI:
			oidcError(w, 400, "InvalidGrant", "invalid_grant", "redirectUri does not match the authorization request")
			return
		case base64.RawURLEncoding.EncodeToString(sum[:]) != a.challenge:
			oidcError(w, 400, "InvalidGrant", "invalid_grant", "Code verifier does not match the challenge")
			return
		}
		a.used = true
	case "refresh_token":
		f.count("CreateToken:refresh_token")
		rt := f.refresh[in.RefreshToken]
		switch {
		case f.opts.RejectRefresh || rt == nil || rt.used || rt.client != c.id:
			oidcError(w, 400, "InvalidGrant", "invalid_grant", "Invalid refresh token provided")
			return
		}
		lineage = rt.lineage
		if f.opts.NoRefreshRotation {
			keepRefresh = in.RefreshToken
		} else {
			rt.used = true
		}
	default:
		oidcError(w, 400, "UnsupportedGrantType", "unsupported_grant_type", "Unsupported grant type")
		return
	}
	f.count("CreateToken:issued")
	access, refresh := f.issue(c, 0, withRefresh && keepRefresh == "", lineage)
	out := map[string]any{"accessToken": access, "tokenType": "Bearer", "expiresIn": int(f.access[access].expires.Sub(f.now()).Round(time.Second) / time.Second)}
	if refresh != "" {
		out["refreshToken"] = refresh
	}
	writeJSON(w, out)
}

// bearer checks the portal's bearer token; it writes the error itself.
func (f *SSOFake) bearer(w http.ResponseWriter, r *http.Request) *ssoAccess {
	a := f.access[r.Header.Get("x-amz-sso_bearer_token")]
	if a == nil || a.revoked || !f.now().Before(a.expires) {
		portalError(w, 401, "Unauthorized", "Session token not found or invalid")
		return nil
	}
	return a
}

func (f *SSOFake) roleCredentials(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.count("GetRoleCredentials")
	if f.bearer(w, r) == nil {
		f.mu.Unlock()
		return
	}
	q := r.URL.Query()
	arn := f.roleARNs[q.Get("account_id")+"/"+q.Get("role_name")]
	user := f.User
	f.mu.Unlock()
	if arn == "" {
		portalError(w, 404, "ResourceNotFound", "No access")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 20*time.Second)
	defer cancel()
	out, err := f.moto.STS(Credentials{}).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String(arn), RoleSessionName: aws.String(user), DurationSeconds: aws.Int32(3600),
	})
	if err != nil {
		portalError(w, 500, "InternalServer", "minting role credentials in moto: "+err.Error())
		return
	}
	c := out.Credentials
	writeJSON(w, map[string]any{"roleCredentials": map[string]any{
		"accessKeyId": aws.ToString(c.AccessKeyId), "secretAccessKey": aws.ToString(c.SecretAccessKey),
		"sessionToken": aws.ToString(c.SessionToken), "expiration": aws.ToTime(c.Expiration).UnixMilli(),
	}})
}

// page cuts items by the portal's max_result/next_token (an index).
func page[T any](w http.ResponseWriter, r *http.Request, items []T) (out []T, next string, ok bool) {
	q := r.URL.Query()
	start := 0
	if t := q.Get("next_token"); t != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(t, "page-"))
		if err != nil || n < 0 || n > len(items) {
			portalError(w, 400, "InvalidRequest", "invalid next_token")
			return nil, "", false
		}
		start = n
	}
	size := len(items)
	if m := q.Get("max_result"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n < 1 {
			portalError(w, 400, "InvalidRequest", "invalid max_result")
			return nil, "", false
		}
		size = n
	}
	end := min(start+size, len(items))
	if end < len(items) {
		next = "page-" + strconv.Itoa(end)
	}
	return items[start:end], next, true
}

func (f *SSOFake) listAccounts(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("ListAccounts")
	if f.bearer(w, r) == nil {
		return
	}
	items, next, ok := page(w, r, f.accounts)
	if !ok {
		return
	}
	list := []map[string]string{}
	for _, a := range items {
		list = append(list, map[string]string{"accountId": a.ID, "accountName": a.Name, "emailAddress": a.Email})
	}
	out := map[string]any{"accountList": list}
	if next != "" {
		out["nextToken"] = next
	}
	writeJSON(w, out)
}

func (f *SSOFake) listRoles(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("ListAccountRoles")
	if f.bearer(w, r) == nil {
		return
	}
	id := r.URL.Query().Get("account_id")
	var roles []string
	for _, a := range f.accounts {
		if a.ID == id {
			roles = a.Roles
		}
	}
	items, next, ok := page(w, r, roles)
	if !ok {
		return
	}
	list := []map[string]string{}
	for _, role := range items {
		list = append(list, map[string]string{"roleName": role, "accountId": id})
	}
	out := map[string]any{"roleList": list}
	if next != "" {
		out["nextToken"] = next
	}
	writeJSON(w, out)
}

func (f *SSOFake) logout(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("Logout")
	a := f.bearer(w, r)
	if a == nil {
		return
	}
	// The sign-in session ends: every token of its lineage goes.
	for _, other := range f.access {
		if other.lineage == a.lineage {
			other.revoked = true
		}
	}
	for _, rt := range f.refresh {
		if rt.lineage == a.lineage {
			rt.used = true
		}
	}
	w.WriteHeader(http.StatusOK)
}

// String names the fake in test logs.
func (f *SSOFake) String() string { return fmt.Sprintf("SSO fake at %s (%s)", f.URL, f.StartURL) }
