package sts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	oidctypes "github.com/aws/aws-sdk-go-v2/service/ssooidc/types"

	"github.com/awskeep/awskeep/vault"
)

const (
	deviceGrant         = "urn:ietf:params:oauth:grant-type:device_code"
	registeredRedirect  = "http://127.0.0.1/oauth/callback"
	callbackPath        = "/oauth/callback"
	defaultPollInterval = 5 * time.Second
	slowDownStep        = 5 * time.Second
)

type createTokenFields struct {
	grantType, deviceCode, code, codeVerifier, redirectURI, refreshToken string
}

func createTokenInput(clientID string, secret vault.Secret, set func(*createTokenFields)) *ssooidc.CreateTokenInput {
	var f createTokenFields
	set(&f)
	in := &ssooidc.CreateTokenInput{ClientId: aws.String(clientID), ClientSecret: aws.String(secret.Reveal()), GrantType: aws.String(f.grantType)}
	opt := func(v string) *string {
		if v == "" {
			return nil
		}
		return aws.String(v)
	}
	in.DeviceCode, in.Code, in.CodeVerifier, in.RedirectUri, in.RefreshToken = opt(f.deviceCode), opt(f.code), opt(f.codeVerifier), opt(f.redirectURI), opt(f.refreshToken)
	return in
}

func (s *SSOSession) serviceError(op string, err error) error {
	return &SSOServiceError{Operation: op, Endpoint: s.Client.oidcEndpoint(), Err: err}
}

// register makes a public client, with the session's scopes (so refresh
// tokens are issued) and, for the browser flow, the loopback redirect
// registered without a port (RFC 8252 §7.3).
func (s *SSOSession) register(ctx context.Context, flow string) (ssoRegistration, error) {
	name := "awskeep-" + s.SSO.Session
	if s.SSO.Legacy() {
		name = "awskeep-" + strconv.FormatInt(s.now().Unix(), 10)
	}
	in := &ssooidc.RegisterClientInput{ClientName: aws.String(name), ClientType: aws.String("public"), Scopes: s.scopes()}
	if flow == SSOFlowBrowser {
		in.GrantTypes = []string{"authorization_code", "refresh_token"}
		in.RedirectUris = []string{registeredRedirect}
		in.IssuerUrl = aws.String(s.SSO.StartURL)
	}
	ctx, cancel := context.WithTimeout(ctx, s.Client.timeout())
	defer cancel()
	out, err := newOIDCClient(s.Client).RegisterClient(ctx, in)
	if err != nil {
		return ssoRegistration{}, s.serviceError("RegisterClient", err)
	}
	return ssoRegistration{ClientID: aws.ToString(out.ClientId), ClientSecret: vault.Secret(aws.ToString(out.ClientSecret)),
		ExpiresAt: time.Unix(out.ClientSecretExpiresAt, 0).UTC(), Scopes: in.Scopes, GrantTypes: in.GrantTypes}, nil
}

func (s *SSOSession) tokenFrom(out *ssooidc.CreateTokenOutput) SSOToken {
	return SSOToken{AccessToken: vault.Secret(aws.ToString(out.AccessToken)), RefreshToken: vault.Secret(aws.ToString(out.RefreshToken)),
		ExpiresAt: s.now().Add(time.Duration(out.ExpiresIn) * time.Second).Truncate(time.Second)}
}

func (s *SSOSession) loginError(reason string, err error) error {
	return &SSOLoginError{Session: s.SSO.Session, StartURL: s.SSO.StartURL, Reason: reason, Err: err}
}

// deviceFlow runs the device authorization grant: one CreateToken attempt
// before anything is shown (the client may be authorised already), then the
// URL and the user code, then polling every interval (SlowDown adds 5 s)
// until the code expires.
func (s *SSOSession) deviceFlow(ctx context.Context, reg ssoRegistration) (SSOToken, error) {
	client := newOIDCClient(s.Client)
	callCtx, cancel := context.WithTimeout(ctx, s.Client.timeout())
	dev, err := client.StartDeviceAuthorization(callCtx, &ssooidc.StartDeviceAuthorizationInput{
		ClientId: aws.String(reg.ClientID), ClientSecret: aws.String(reg.ClientSecret.Reveal()), StartUrl: aws.String(s.SSO.StartURL)})
	cancel()
	if err != nil {
		return SSOToken{}, s.serviceError("StartDeviceAuthorization", err)
	}
	interval := time.Duration(dev.Interval) * time.Second
	if interval <= 0 {
		interval = defaultPollInterval
	}
	expiresIn := time.Duration(dev.ExpiresIn) * time.Second
	deadline := time.Now().Add(expiresIn)
	in := createTokenInput(reg.ClientID, reg.ClientSecret, func(f *createTokenFields) {
		f.grantType, f.deviceCode = deviceGrant, aws.ToString(dev.DeviceCode)
	})
	shown := false
	for attempt := 0; ; attempt++ {
		callCtx, cancel := context.WithTimeout(ctx, s.Client.timeout())
		out, err := client.CreateToken(callCtx, in)
		cancel()
		var pending *oidctypes.AuthorizationPendingException
		var slow *oidctypes.SlowDownException
		var expired *oidctypes.ExpiredTokenException
		var denied *oidctypes.AccessDeniedException
		switch {
		case err == nil:
			return s.tokenFrom(out), nil
		case errors.As(err, &slow):
			interval += slowDownStep
		case errors.As(err, &pending):
		case errors.As(err, &expired):
			return SSOToken{}, s.loginError(SSOLoginTimedOut, errors.New("the device code expired before it was approved"))
		case errors.As(err, &denied):
			return SSOToken{}, s.loginError(SSOLoginDenied, err)
		case ctx.Err() != nil:
			return SSOToken{}, ctx.Err()
		default:
			return SSOToken{}, s.serviceError("CreateToken (device code)", err)
		}
		if !shown {
			shown = true
			page := firstNonEmpty(aws.ToString(dev.VerificationUriComplete), aws.ToString(dev.VerificationUri))
			if s.Prompt != nil {
				s.Prompt(SSOPrompt{Flow: SSOFlowDevice, URL: page, UserCode: aws.ToString(dev.UserCode), ExpiresIn: expiresIn})
			}
			if s.OpenBrowser != nil {
				if err := s.OpenBrowser(page); err != nil {
					s.log().Debug("could not open a browser", "err", err)
				}
			}
		}
		if time.Now().Add(interval).After(deadline) {
			return SSOToken{}, s.loginError(SSOLoginTimedOut, fmt.Errorf("the device code was not approved within %v", expiresIn))
		}
		select {
		case <-ctx.Done():
			return SSOToken{}, ctx.Err()
		case <-time.After(interval):
		}
	}
}

// pkceVerifier is 64 characters of the RFC 7636 unreserved set.
func pkceVerifier() (verifier, challenge string) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
	b := make([]byte, 64)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	sum := sha256.Sum256(b)
	return string(b), base64.RawURLEncoding.EncodeToString(sum[:])
}

func randomState() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

type callbackResult struct {
	code string
	err  error
}

// browserFlow runs the authorization code grant with PKCE. The redirect
// comes to a listener on 127.0.0.1 only (never every interface, as the AWS
// CLI binds), on a random port, path /oauth/callback; exactly one callback
// is taken, and its state must be ours.
func (s *SSOSession) browserFlow(ctx context.Context, reg ssoRegistration) (SSOToken, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return SSOToken{}, s.loginError(SSOLoginFailed, fmt.Errorf("listening on 127.0.0.1 for the browser's redirect: %w", err))
	}
	redirect := "http://127.0.0.1:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port) + callbackPath
	verifier, challenge := pkceVerifier()
	state := randomState()

	results := make(chan callbackResult, 1)
	var once sync.Once
	mux := http.NewServeMux()
	mux.HandleFunc(callbackPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Security-Policy", "default-src 'none'")
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		taken := false
		once.Do(func() {
			taken = true
			q := r.URL.Query()
			var res callbackResult
			switch {
			case q.Get("state") != state:
				res.err = s.loginError(SSOLoginStateMismatch, errors.New("the redirect's state parameter does not match expected value"))
			case q.Get("error") == "access_denied":
				res.err = s.loginError(SSOLoginDenied, errors.New("access_denied"))
			case q.Get("error") != "":
				res.err = s.loginError(SSOLoginFailed, fmt.Errorf("the authorization page answered %s", q.Get("error")))
			case q.Get("code") == "":
				res.err = s.loginError(SSOLoginFailed, errors.New("the redirect carries no code"))
			default:
				res.code = q.Get("code")
			}
			results <- res
			if res.err != nil {
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprintln(w, "awskeep: the login did not succeed; see the terminal.")
				return
			}
			fmt.Fprintln(w, "awskeep: you are logged in. You can close this tab.")
		})
		if !taken {
			w.WriteHeader(http.StatusGone)
			fmt.Fprintln(w, "awskeep: this login is already over.")
		}
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()

	q := url.Values{}
	q.Set("response_type", "code")
	q.Set("client_id", reg.ClientID)
	q.Set("redirect_uri", redirect)
	q.Set("state", state)
	q.Set("code_challenge_method", "S256")
	q.Set("scopes", strings.Join(s.scopes(), " "))
	q.Set("code_challenge", challenge)
	page := s.Client.oidcEndpoint() + "/authorize?" + q.Encode()

	timeout := s.LoginTimeout
	if timeout <= 0 {
		timeout = defaultLoginTimeout
	}
	if s.Prompt != nil {
		s.Prompt(SSOPrompt{Flow: SSOFlowBrowser, URL: page, ExpiresIn: timeout})
	}
	if s.OpenBrowser != nil {
		if err := s.OpenBrowser(page); err != nil {
			s.log().Debug("could not open a browser", "err", err)
		}
	}
	var res callbackResult
	select {
	case res = <-results:
	case <-ctx.Done():
		return SSOToken{}, ctx.Err()
	case <-time.After(timeout):
		return SSOToken{}, s.loginError(SSOLoginTimedOut, fmt.Errorf("the browser did not come back within %v", timeout))
	}
	if res.err != nil {
		return SSOToken{}, res.err
	}
	callCtx, cancel := context.WithTimeout(ctx, s.Client.timeout())
	defer cancel()
	out, err := newOIDCClient(s.Client).CreateToken(callCtx, createTokenInput(reg.ClientID, reg.ClientSecret, func(f *createTokenFields) {
		f.grantType, f.code, f.codeVerifier, f.redirectURI = "authorization_code", res.code, verifier, redirect
	}))
	var denied *oidctypes.AccessDeniedException
	switch {
	case errors.As(err, &denied):
		return SSOToken{}, s.loginError(SSOLoginDenied, err)
	case err != nil:
		return SSOToken{}, s.serviceError("CreateToken (authorization code)", err)
	}
	return s.tokenFrom(out), nil
}
