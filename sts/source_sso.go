package sts

import (
	"context"
	"errors"

	"github.com/awskeep/awskeep/profiles"
)

// The IAM Identity Center source: the portal's GetRoleCredentials for the
// profile's sso_account_id and sso_role_name, with the session's bearer
// token (sso.go), cached in the session cache like every other session.
// The credentials are temporary, so roles on top are assumed straight from
// them (role-chained: AWS caps those at an hour).

func init() {
	RegisterSourceStep(profiles.SourceSSO, func(env SourceEnv, chain *profiles.Chain, asked string) (Source, error) {
		hop := chain.Source()
		if hop.SSO == nil {
			return nil, &UnsupportedChainError{Profile: hop.Profile, Reason: "it has no IAM Identity Center settings"}
		}
		if env.SSO == nil {
			return nil, &UnsupportedChainError{Profile: hop.Profile, Reason: "IAM Identity Center is not available here"}
		}
		return &ssoSource{env: env, hop: hop}, nil
	})
}

type ssoSource struct {
	env SourceEnv
	hop profiles.Hop
}

func (s *ssoSource) Kind() profiles.SourceKind { return profiles.SourceSSO }

// Identify needs no I/O: the credentials stand for the session's account
// role, and the sessions built on them are dropped by sso logout through
// KeyID.
func (s *ssoSource) Identify(context.Context) (SourceIdentity, error) {
	sso := s.hop.SSO
	return SourceIdentity{CacheKey: cacheID("sso-source", sso.CacheKey(), sso.StartURL, sso.AccountID, sso.RoleName), KeyID: SSOSourceID(sso)}, nil
}

func (s *ssoSource) Retrieve(ctx context.Context) (SourceCredentials, error) {
	sess, err := s.env.SSO(s.hop.SSO, s.hop.Profile)
	if err != nil {
		return SourceCredentials{}, err
	}
	var cache SessionCache
	if s.env.Store != nil {
		cache = s.env.Store
	}
	c, err := sess.CachedRoleCredentials(ctx, cache, s.hop.SSO.AccountID, s.hop.SSO.RoleName, false)
	if err != nil {
		return SourceCredentials{}, err
	}
	if c.AccessKeyID == "" {
		return SourceCredentials{}, errors.New("IAM Identity Center gave no credentials")
	}
	return SourceCredentials{StaticKey: StaticKey{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken},
		Expiration: c.Expiration}, nil
}
