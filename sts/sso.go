package sts

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	oidctypes "github.com/aws/aws-sdk-go-v2/service/ssooidc/types"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/vault"
)

// SourceSSO is Credentials.Source for role credentials from the IAM
// Identity Center portal.
const SourceSSO = "sso"

// SSO login flows.
const (
	// SSOFlowDevice is the device authorization grant: a URL and a code
	// the user confirms in any browser, on any machine.
	SSOFlowDevice = "device"
	// SSOFlowBrowser is the authorization code grant with PKCE, redirected
	// to a one-shot listener on 127.0.0.1: needs a browser on this machine.
	SSOFlowBrowser = "browser"
)

// Keyring item kinds SSO keeps (vault.Store.PutItem).
const (
	ssoRegistrationItem = "sso-registration"
	ssoTokenItem        = "sso-token"
)

const (
	// ssoMinLeft is the least a token must have left to be handed to the
	// portal.
	ssoMinLeft = time.Minute
	// registrationMargin: a registration is renewed this long before it
	// expires, as the AWS CLI does.
	registrationMargin = 15 * time.Minute
	// defaultLoginTimeout bounds the wait for the browser's redirect.
	defaultLoginTimeout = 5 * time.Minute
	// nonInteractiveLockWait bounds how long a caller that may not log in
	// waits for another process's refresh.
	nonInteractiveLockWait = 30 * time.Second
)

// SSOKeyring is the part of *vault.Store SSO uses: cross-process locks, and
// items for client registrations and (with the keyring token store) tokens.
type SSOKeyring interface {
	Lock(ctx context.Context, name string) (unlock func(), err error)
	PutItem(kind, name string, data vault.Secret) error
	Item(kind, name string) (vault.Secret, error)
	DeleteItem(kind, name string) error
}

var _ SSOKeyring = (*vault.Store)(nil)

// SSOPrompt is what a login asks the user to do; cmd shows it on the
// terminal.
type SSOPrompt struct {
	Flow string // SSOFlowDevice or SSOFlowBrowser
	// URL is the page to open.
	URL string
	// UserCode is the code the device page must show (device flow only).
	// The page's URL no longer carries it, so it is always shown.
	UserCode string
	// ExpiresIn is how long the user has.
	ExpiresIn time.Duration
}

// SSOSession logs in to one IAM Identity Center session (an [sso-session],
// or the start URL of a legacy profile), keeps its token where the AWS CLI
// and the SDKs find it, refreshes it, and asks the portal for role
// credentials with it. Every change of the token happens under a
// cross-process lock named after the token file, after re-reading it, so
// parallel callers make one login and one refresh.
type SSOSession struct {
	SSO *profiles.SSO
	// Profile is the SSO source profile, for errors; empty for a session
	// named directly.
	Profile string
	// Home holds ~/.aws/sso/cache.
	Home string
	// Store is TokenStoreFile or TokenStoreKeyring.
	Store   string
	Keyring SSOKeyring
	Client  SSOClientConfig
	// Interactive allows starting a login. Without it a login that is
	// needed gives *SSOLoginRequiredError and nothing is started.
	Interactive bool
	// Flow is SSOFlowDevice or SSOFlowBrowser (legacy profiles always use
	// the device flow).
	Flow string
	// Prompt shows the URL and the user code; it must not block.
	Prompt func(SSOPrompt)
	// OpenBrowser opens a URL in a local browser; nil never opens one.
	OpenBrowser func(url string) error
	// LoginTimeout bounds the wait for the browser (default 5 min); the
	// device flow ends when its code expires.
	LoginTimeout time.Duration
	Now          func() time.Time
	Log          *slog.Logger
	// Waiting is told about waits on the service (a refresh, the portal's
	// role credentials) and names the purpose of the token lock; nil
	// tells nobody. A login's own waits are the prompt's to show.
	Waiting WaitFunc
}

// tokenPurpose is what the holder of the token lock does, for those who
// wait on it.
func (s *SSOSession) tokenPurpose() string {
	return "renewing the IAM Identity Center token of " + s.SSO.CacheKey()
}

func (s *SSOSession) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *SSOSession) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// TokenPath is the session's file in ~/.aws/sso/cache (also with the
// keyring store, where it names the lock).
func (s *SSOSession) TokenPath() string { return SSOTokenPath(s.Home, s.SSO.CacheKey()) }

func (s *SSOSession) lockName() string {
	return "sso-token-" + strings.TrimSuffix(filepath.Base(s.TokenPath()), ".json")
}

// Peek reads the stored token without refreshing it; a missing one gives
// an error matching fs.ErrNotExist.
func (s *SSOSession) Peek() (SSOToken, error) { return s.read() }

func (s *SSOSession) read() (SSOToken, error) {
	if s.Store == TokenStoreKeyring {
		data, err := s.Keyring.Item(ssoTokenItem, s.SSO.CacheKey())
		var nf *vault.NotFoundError
		if errors.As(err, &nf) {
			return SSOToken{}, fs.ErrNotExist
		}
		if err != nil {
			return SSOToken{}, err
		}
		return decodeSSOToken("keyring item "+ssoTokenItem+" "+s.SSO.CacheKey(), []byte(data.Reveal()))
	}
	return ReadSSOTokenFile(s.TokenPath())
}

func (s *SSOSession) write(t SSOToken) error {
	if s.Store == TokenStoreKeyring {
		data, err := encodeSSOToken(t)
		if err != nil {
			return err
		}
		return s.Keyring.PutItem(ssoTokenItem, s.SSO.CacheKey(), vault.Secret(data))
	}
	return WriteSSOTokenFile(s.TokenPath(), t)
}

func (s *SSOSession) remove() error {
	if s.Store == TokenStoreKeyring {
		return s.Keyring.DeleteItem(ssoTokenItem, s.SSO.CacheKey())
	}
	return RemoveSSOTokenFile(s.TokenPath())
}

// fresh: used as it is, with no lock. A token that can refresh is fresh
// while 15 minutes remain (botocore's window; the Go SDK refreshes only
// after expiry); one that cannot is used while it lasts.
func (s *SSOSession) fresh(t SSOToken) bool {
	left := t.ExpiresAt.Sub(s.now())
	return left >= refreshBefore || (!t.CanRefresh(s.now()) && left >= ssoMinLeft)
}

func (s *SSOSession) usable(t SSOToken) bool { return t.ExpiresAt.Sub(s.now()) >= ssoMinLeft }

// Token returns a token the portal should accept: the stored one, else a
// refreshed one, else (when Interactive) a new login.
func (s *SSOSession) Token(ctx context.Context) (SSOToken, error) { return s.obtain(ctx, "") }

// obtain is Token, treating the access token refused (one the portal just
// answered 401 to) as unusable.
func (s *SSOSession) obtain(ctx context.Context, refused vault.Secret) (SSOToken, error) {
	log := s.log().With("sso", s.SSO.CacheKey())
	good := func(t SSOToken) bool { return refused.IsZero() || t.AccessToken != refused }
	tok, rerr := s.read()
	if rerr == nil && good(tok) && s.fresh(tok) {
		log.Debug("sso token fresh", "expires", tok.ExpiresAt)
		return tok, nil
	}
	if rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
		log.Warn("sso token unreadable; a login replaces it", "err", rerr)
	}
	if !s.Interactive && !(rerr == nil && tok.CanRefresh(s.now())) {
		if rerr == nil && good(tok) && s.usable(tok) {
			return tok, nil
		}
		return SSOToken{}, s.loginRequired(tok, rerr, refused, "")
	}

	lockCtx := ctx
	if !s.Interactive {
		var cancel context.CancelFunc
		lockCtx, cancel = context.WithTimeout(ctx, nonInteractiveLockWait)
		defer cancel()
	}
	waited := time.Now()
	unlock, err := s.Keyring.Lock(lockFor(lockCtx, s.tokenPurpose()), s.lockName())
	if err != nil {
		if !s.Interactive && ctx.Err() == nil {
			return SSOToken{}, s.loginRequired(tok, rerr, refused, "")
		}
		return SSOToken{}, fmt.Errorf("waiting for the SSO token lock of %s: %w", s.SSO.CacheKey(), err)
	}
	defer unlock()
	log.Debug("sso token lock held", "waited", time.Since(waited))

	// Another process (awskeep, or the AWS CLI) may have logged in or
	// refreshed while this one waited.
	tok, rerr = s.read()
	if rerr == nil && good(tok) && s.fresh(tok) {
		log.Debug("sso token fresh after waiting", "expires", tok.ExpiresAt)
		return tok, nil
	}
	reason := ""
	if rerr == nil && tok.CanRefresh(s.now()) {
		next, err := s.refresh(ctx, tok)
		switch {
		case err == nil:
			return next, nil
		case refreshRefused(err) && s.replacedMeanwhile(tok, good):
			// Another tool (the AWS CLI, boto3) refreshed with the same
			// refresh token while this one did: its token is in the file.
			cur, _ := s.read()
			log.Debug("sso token refreshed by another tool meanwhile", "expires", cur.ExpiresAt)
			return cur, nil
		case refreshRefused(err):
			// One login, never a loop: the refresh fields go, so nobody
			// tries them again.
			reason = SSORefreshRejected
			var invalidClient *oidctypes.InvalidClientException
			if errors.As(err, &invalidClient) {
				reason = SSORegistration
				s.dropRegistration()
				tok.ClientID, tok.ClientSecret, tok.RegistrationExpiresAt = "", "", time.Time{}
			}
			tok.RefreshToken = ""
			if werr := s.write(tok); werr != nil {
				log.Warn("could not drop the refused refresh token", "err", werr)
			}
			log.Debug("sso refresh refused", "err", err)
		case good(tok) && s.usable(tok):
			log.Warn("sso refresh failed; using the current token", "err", err)
			return tok, nil
		default:
			return SSOToken{}, err
		}
	} else if rerr == nil && !tok.RefreshToken.IsZero() && !tok.RegistrationExpiresAt.IsZero() && !s.now().Before(tok.RegistrationExpiresAt) {
		reason = SSORegistration
	}
	if rerr == nil && good(tok) && s.usable(tok) {
		return tok, nil
	}
	if !s.Interactive {
		return SSOToken{}, s.loginRequired(tok, rerr, refused, reason)
	}
	return s.loginLocked(ctx)
}

// replacedMeanwhile says whether the stored token is no longer tok and is
// usable: another process wrote a new one after tok was read.
func (s *SSOSession) replacedMeanwhile(tok SSOToken, good func(SSOToken) bool) bool {
	cur, err := s.read()
	return err == nil && cur.AccessToken != tok.AccessToken && good(cur) && s.usable(cur)
}

func (s *SSOSession) loginRequired(tok SSOToken, rerr error, refused vault.Secret, reason string) error {
	e := &SSOLoginRequiredError{Session: s.SSO.Session, StartURL: s.SSO.StartURL, Profile: s.Profile, Legacy: s.SSO.Legacy(), Reason: reason}
	switch {
	case reason != "":
	case rerr != nil:
		e.Reason = SSONoToken
	case !refused.IsZero() && tok.AccessToken == refused:
		e.Reason = SSORevoked
	default:
		e.Reason = SSOTokenExpired
	}
	if rerr == nil {
		e.ExpiredAt = tok.ExpiresAt
	}
	return e
}

// refreshRefused: the service will not take the refresh token or the
// registration again; only a login helps.
func refreshRefused(err error) bool {
	var grant *oidctypes.InvalidGrantException
	var client *oidctypes.InvalidClientException
	var expired *oidctypes.ExpiredTokenException
	var denied *oidctypes.AccessDeniedException
	var unauthorized *oidctypes.UnauthorizedClientException
	return errors.As(err, &grant) || errors.As(err, &client) || errors.As(err, &expired) || errors.As(err, &denied) || errors.As(err, &unauthorized)
}

// refresh trades the refresh token for a new access token and writes it.
// A response without a refresh token keeps the old one: both SDKs drop it,
// but keeping it is harmless and saves a login if the service did not
// rotate it.
func (s *SSOSession) refresh(ctx context.Context, tok SSOToken) (SSOToken, error) {
	ctx, cancel := context.WithTimeout(ctx, s.Client.timeout())
	defer cancel()
	start, done := time.Now(), s.Waiting.start("asking IAM Identity Center to renew the token of "+s.SSO.CacheKey())
	out, err := newOIDCClient(s.Client).CreateToken(ctx, createTokenInput(tok.ClientID, tok.ClientSecret, func(in *createTokenFields) {
		in.grantType, in.refreshToken = "refresh_token", tok.RefreshToken.Reveal()
	}))
	done()
	s.log().Debug("sso refresh", "took", time.Since(start), "ok", err == nil)
	if err != nil {
		if refreshRefused(err) {
			return SSOToken{}, err
		}
		return SSOToken{}, &SSOServiceError{Operation: "CreateToken (refresh)", Endpoint: s.Client.oidcEndpoint(), Err: err}
	}
	next := tok
	next.AccessToken = vault.Secret(aws.ToString(out.AccessToken))
	next.ExpiresAt = s.now().Add(time.Duration(out.ExpiresIn) * time.Second).Truncate(time.Second)
	if rt := aws.ToString(out.RefreshToken); rt != "" {
		next.RefreshToken = vault.Secret(rt)
	}
	if err := s.write(next); err != nil {
		return SSOToken{}, err
	}
	return next, nil
}

// Login starts a new login whatever the stored token (sso login), under
// the token lock; a caller that waited for another's login uses its token
// if that one is fresh and was written while this one waited.
func (s *SSOSession) Login(ctx context.Context) (SSOToken, error) {
	before, _ := s.read()
	unlock, err := s.Keyring.Lock(lockFor(ctx, s.tokenPurpose()), s.lockName())
	if err != nil {
		return SSOToken{}, fmt.Errorf("waiting for the SSO token lock of %s: %w", s.SSO.CacheKey(), err)
	}
	defer unlock()
	if tok, err := s.read(); err == nil && tok.AccessToken != before.AccessToken && s.fresh(tok) {
		return tok, nil
	}
	return s.loginLocked(ctx)
}

func (s *SSOSession) flow() string {
	if s.SSO.Legacy() || s.SSO.UseDeviceCode || s.Flow != SSOFlowBrowser {
		return SSOFlowDevice
	}
	return SSOFlowBrowser
}

// loginLocked runs the flow and stores the token; the lock is held.
func (s *SSOSession) loginLocked(ctx context.Context) (SSOToken, error) {
	flow := s.flow()
	s.log().Debug("sso login", "flow", flow, "session", s.SSO.CacheKey())
	reg, err := s.registration(ctx, flow)
	if err != nil {
		return SSOToken{}, err
	}
	var tok SSOToken
	if flow == SSOFlowBrowser {
		tok, err = s.browserFlow(ctx, reg)
	} else {
		tok, err = s.deviceFlow(ctx, reg)
	}
	var invalidClient *oidctypes.InvalidClientException
	if errors.As(err, &invalidClient) {
		s.dropRegistration() // the next login registers again
	}
	if err != nil {
		return SSOToken{}, err
	}
	tok.StartURL, tok.Region = s.SSO.StartURL, s.SSO.Region
	if !s.SSO.Legacy() {
		// As the CLI writes a token-form entry: what a refresh needs.
		tok.ClientID, tok.ClientSecret, tok.RegistrationExpiresAt = reg.ClientID, reg.ClientSecret, reg.ExpiresAt
	}
	if err := s.write(tok); err != nil {
		return SSOToken{}, err
	}
	return tok, nil
}

// ssoRegistration is a client registration, cached in the keyring.
type ssoRegistration struct {
	ClientID     string       `json:"clientId"`
	ClientSecret vault.Secret `json:"-"`
	Secret       string       `json:"clientSecret"`
	ExpiresAt    time.Time    `json:"expiresAt"`
	Scopes       []string     `json:"scopes,omitempty"`
	GrantTypes   []string     `json:"grantTypes,omitempty"`
}

func (s *SSOSession) registrationName(flow string) string {
	key, _ := json.Marshal([]any{"awskeep", s.SSO.StartURL, s.SSO.Region, s.SSO.Session, s.scopes(), flow, s.Client.oidcEndpoint()})
	sum := sha1.Sum(key)
	return hex.EncodeToString(sum[:])
}

func (s *SSOSession) scopes() []string {
	if s.SSO.Legacy() {
		return nil // as the AWS CLI: legacy tokens cannot refresh anyway
	}
	return s.SSO.Scopes
}

func (s *SSOSession) dropRegistration() {
	for _, flow := range []string{SSOFlowDevice, SSOFlowBrowser} {
		if err := s.Keyring.DeleteItem(ssoRegistrationItem, s.registrationName(flow)); err != nil {
			s.log().Warn("could not drop the client registration", "err", err)
		}
	}
}

// registration returns a cached registration with 15 minutes left, or
// registers a new client and caches it.
func (s *SSOSession) registration(ctx context.Context, flow string) (ssoRegistration, error) {
	name := s.registrationName(flow)
	if data, err := s.Keyring.Item(ssoRegistrationItem, name); err == nil {
		var r ssoRegistration
		if json.Unmarshal([]byte(data.Reveal()), &r) == nil && r.ClientID != "" && r.ExpiresAt.Sub(s.now()) > registrationMargin {
			r.ClientSecret, r.Secret = vault.Secret(r.Secret), ""
			return r, nil
		}
	}
	r, err := s.register(ctx, flow)
	if err != nil {
		return ssoRegistration{}, err
	}
	stored := r
	stored.Secret = r.ClientSecret.Reveal()
	data, _ := json.Marshal(stored)
	if err := s.Keyring.PutItem(ssoRegistrationItem, name, vault.Secret(data)); err != nil {
		s.log().Warn("could not cache the client registration", "err", err)
	}
	return r, nil
}
