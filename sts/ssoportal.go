package sts

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/sso/types"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/vault"
)

// SSOSourceID is what the role credentials of an SSO session carry as
// vault.Session.SourceKeyID, so sso logout can drop exactly them.
func SSOSourceID(s *profiles.SSO) string {
	sum := sha1.Sum([]byte(s.CacheKey()))
	return "sso-" + hex.EncodeToString(sum[:10])
}

func unauthorized(err error) bool {
	var u *ssotypes.UnauthorizedException
	return errors.As(err, &u)
}

// RoleCredentials asks the portal for accountID/roleName's credentials.
// When the portal refuses the token (401: revoked, or logged out
// elsewhere) it refreshes or logs in once and tries again, never more.
func (s *SSOSession) RoleCredentials(ctx context.Context, accountID, roleName string) (Credentials, error) {
	tok, err := s.Token(ctx)
	if err != nil {
		return Credentials{}, err
	}
	creds, err := s.getRoleCredentials(ctx, tok, accountID, roleName)
	if !unauthorized(err) {
		return creds, err
	}
	s.log().Debug("portal refused the sso token; renewing it once", "err", err)
	tok, err = s.obtain(ctx, tok.AccessToken)
	if err != nil {
		return Credentials{}, err
	}
	creds, err = s.getRoleCredentials(ctx, tok, accountID, roleName)
	if unauthorized(err) {
		return Credentials{}, &SSOUnauthorizedError{Session: s.SSO.Session, StartURL: s.SSO.StartURL, Err: err}
	}
	return creds, err
}

func (s *SSOSession) getRoleCredentials(ctx context.Context, tok SSOToken, accountID, roleName string) (Credentials, error) {
	ctx, cancel := context.WithTimeout(ctx, s.Client.timeout())
	defer cancel()
	start, done := time.Now(), s.Waiting.start(fmt.Sprintf("asking IAM Identity Center for role %s in account %s", roleName, accountID))
	out, err := newPortalClient(s.Client).GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{
		AccessToken: aws.String(tok.AccessToken.Reveal()), AccountId: aws.String(accountID), RoleName: aws.String(roleName)})
	done()
	s.log().Debug("sso GetRoleCredentials", "account", accountID, "role", roleName, "took", time.Since(start), "ok", err == nil)
	var notFound *ssotypes.ResourceNotFoundException
	switch {
	case unauthorized(err):
		return Credentials{}, err
	case errors.As(err, &notFound):
		return Credentials{}, &SSORoleError{Profile: s.Profile, AccountID: accountID, RoleName: roleName, Err: err}
	case err != nil:
		return Credentials{}, &SSOServiceError{Operation: "GetRoleCredentials", Endpoint: s.Client.portalEndpoint(), Err: err}
	}
	rc := out.RoleCredentials
	if rc == nil || aws.ToString(rc.AccessKeyId) == "" {
		return Credentials{}, &SSOServiceError{Operation: "GetRoleCredentials", Endpoint: s.Client.portalEndpoint(), Err: errors.New("the answer has no credentials")}
	}
	return Credentials{
		AccessKeyID: aws.ToString(rc.AccessKeyId), SecretAccessKey: vault.Secret(aws.ToString(rc.SecretAccessKey)),
		SessionToken: vault.Secret(aws.ToString(rc.SessionToken)),
		// The portal gives epoch milliseconds.
		Expiration: time.UnixMilli(rc.Expiration).UTC(), Source: SourceSSO,
	}, nil
}

// roleCacheID is the cache id of an account role's credentials.
func (s *SSOSession) roleCacheID(accountID, roleName string) string {
	return describedID(SessionKind{Kind: SessionSSORole, Region: s.SSO.Region},
		cacheID("sso-role", s.SSO.CacheKey(), s.SSO.StartURL, accountID, roleName, s.Client.portalEndpoint()))
}

// CachedRoleCredentials is RoleCredentials through the session cache:
// fresh cached credentials are used; otherwise one caller at a time asks
// the portal, and those who waited take its result.
func (s *SSOSession) CachedRoleCredentials(ctx context.Context, cache SessionCache, accountID, roleName string, refresh bool) (Credentials, error) {
	e := sourceCacheEntry{id: s.roleCacheID(accountID, roleName), profile: s.Profile, sourceID: SSOSourceID(s.SSO)}
	return cachedCredentials(ctx, cache, s.log().With("call", "sso:GetRoleCredentials"), s.now, e, refresh,
		func(ctx context.Context) (Credentials, error) { return s.RoleCredentials(ctx, accountID, roleName) })
}

// Logout ends the session at the portal (when the token is still good)
// and deletes the token; it says whether there was one. A failed portal
// call still deletes the token and is returned after it.
func (s *SSOSession) Logout(ctx context.Context) (bool, error) {
	unlock, err := s.Keyring.Lock(lockFor(ctx, s.tokenPurpose()), s.lockName())
	if err != nil {
		return false, fmt.Errorf("waiting for the SSO token lock of %s: %w", s.SSO.CacheKey(), err)
	}
	defer unlock()
	tok, rerr := s.read()
	if errors.Is(rerr, fs.ErrNotExist) {
		return false, nil
	}
	var logoutErr error
	if rerr == nil && tok.ExpiresAt.After(s.now()) {
		callCtx, cancel := context.WithTimeout(ctx, s.Client.timeout())
		_, err := newPortalClient(s.Client).Logout(callCtx, &sso.LogoutInput{AccessToken: aws.String(tok.AccessToken.Reveal())})
		cancel()
		if err != nil && !unauthorized(err) {
			logoutErr = &SSOServiceError{Operation: "Logout", Endpoint: s.Client.portalEndpoint(), Err: err}
		}
	}
	if err := s.remove(); err != nil {
		return true, err
	}
	return true, logoutErr
}

// SSOAccountRole is one role the token can reach.
type SSOAccountRole struct {
	AccountID, AccountName, RoleName string
}

// AccountRoles lists every account and role the session's token reaches
// (ListAccounts and ListAccountRoles, every page).
func (s *SSOSession) AccountRoles(ctx context.Context) ([]SSOAccountRole, error) {
	tok, err := s.Token(ctx)
	if err != nil {
		return nil, err
	}
	portal := newPortalClient(s.Client)
	wrap := func(op string, err error) error {
		if unauthorized(err) {
			return &SSOUnauthorizedError{Session: s.SSO.Session, StartURL: s.SSO.StartURL, Err: err}
		}
		return &SSOServiceError{Operation: op, Endpoint: s.Client.portalEndpoint(), Err: err}
	}
	var out []SSOAccountRole
	accounts := sso.NewListAccountsPaginator(portal, &sso.ListAccountsInput{AccessToken: aws.String(tok.AccessToken.Reveal())})
	for accounts.HasMorePages() {
		page, err := accounts.NextPage(ctx)
		if err != nil {
			return nil, wrap("ListAccounts", err)
		}
		for _, a := range page.AccountList {
			roles := sso.NewListAccountRolesPaginator(portal, &sso.ListAccountRolesInput{AccessToken: aws.String(tok.AccessToken.Reveal()), AccountId: a.AccountId})
			for roles.HasMorePages() {
				rp, err := roles.NextPage(ctx)
				if err != nil {
					return nil, wrap("ListAccountRoles", err)
				}
				for _, r := range rp.RoleList {
					out = append(out, SSOAccountRole{AccountID: aws.ToString(a.AccountId), AccountName: aws.ToString(a.AccountName), RoleName: aws.ToString(r.RoleName)})
				}
			}
		}
	}
	return out, nil
}
