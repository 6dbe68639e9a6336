package sts

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awskeep/awskeep/profiles"
)

// The web identity source: web_identity_token_file + role_arn (botocore
// lets AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN and AWS_ROLE_SESSION_NAME
// override the profile's). The token file is read on every call that needs
// it, so a token rotated by the kubelet or a CI runner is picked up, and it
// is never copied anywhere. AssumeRoleWithWebIdentity is unsigned; as in
// both SDKs no DurationSeconds is sent (STS's default, 1 h). The result is
// cached like any session; roles on top are assumed from it.

func init() {
	RegisterSourceStep(profiles.SourceWebIdentity, func(env SourceEnv, chain *profiles.Chain, asked string) (Source, error) {
		return &webIdentitySource{env: env, hop: chain.Source()}, nil
	})
}

type webIdentitySource struct {
	env SourceEnv
	hop profiles.Hop
}

func (s *webIdentitySource) Kind() profiles.SourceKind { return profiles.SourceWebIdentity }

func (s *webIdentitySource) getenv(k string) string {
	if s.env.Getenv == nil {
		return ""
	}
	return strings.TrimSpace(s.env.Getenv(k))
}

// settings are the token file, role and session name, the environment
// over the profile.
func (s *webIdentitySource) settings() (file, role, session string) {
	file = firstNonEmpty(s.getenv("AWS_WEB_IDENTITY_TOKEN_FILE"), s.hop.WebIdentityTokenFile)
	role = firstNonEmpty(s.getenv("AWS_ROLE_ARN"), s.hop.RoleARN)
	session = firstNonEmpty(s.getenv("AWS_ROLE_SESSION_NAME"), s.hop.RoleSessionName, defaultSessionName("", s.hop.Profile))
	return file, role, session
}

func (s *webIdentitySource) Identify(context.Context) (SourceIdentity, error) {
	file, role, session := s.settings()
	if role == "" {
		return SourceIdentity{}, &NoSourceRoleError{Profile: s.hop.Profile, TokenFile: file}
	}
	return SourceIdentity{CacheKey: cacheID("web-identity", role, file, session, s.env.Config.region(), s.env.Config.STSEndpoint),
		KeyID: "web-identity", AssumesSourceRole: true}, nil
}

func (s *webIdentitySource) Retrieve(ctx context.Context) (SourceCredentials, error) {
	file, role, session := s.settings()
	if role == "" {
		return SourceCredentials{}, &NoSourceRoleError{Profile: s.hop.Profile, TokenFile: file}
	}
	now := time.Now
	if s.env.Now != nil {
		now = s.env.Now
	}
	e := sourceCacheEntry{id: describedID(SessionKind{Kind: SessionWebIdentity, Region: s.env.Config.region()},
		cacheID("web-identity", role, file, session, s.env.Config.region(), s.env.Config.STSEndpoint)),
		profile: s.hop.Profile, sourceID: "web-identity", asking: "asking AWS STS for a web identity session for " + s.hop.Profile, waiting: s.env.Waiting}
	var cache SessionCache
	if s.env.Store != nil {
		cache = s.env.Store
	}
	log := s.env.Log
	if log == nil {
		log = discardLogger()
	}
	c, err := cachedCredentials(ctx, cache, log.With("call", "sts:AssumeRoleWithWebIdentity"), now, e, false, func(ctx context.Context) (Credentials, error) {
		return assumeRoleWithWebIdentity(ctx, s.env.Config, s.hop.Profile, file, role, session, now())
	})
	if err != nil {
		return SourceCredentials{}, err
	}
	return SourceCredentials{StaticKey: StaticKey{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken},
		Expiration: c.Expiration}, nil
}

func assumeRoleWithWebIdentity(ctx context.Context, cfg ClientConfig, profile, file, role, session string, now time.Time) (Credentials, error) {
	const operation = "sts:AssumeRoleWithWebIdentity"
	fail := func(err error, claims TokenClaims) error {
		return &WebIdentityError{Profile: profile, TokenFile: file, RoleARN: role, Claims: claims, Now: now, Err: err}
	}
	if file == "" {
		return Credentials{}, fail(errors.New("no web_identity_token_file (or AWS_WEB_IDENTITY_TOKEN_FILE)"), TokenClaims{})
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return Credentials{}, fail(fmt.Errorf("reading the token file: %w", err), TokenClaims{})
	}
	token := strings.TrimSpace(string(data))
	if token == "" {
		return Credentials{}, fail(errors.New("the token file is empty"), TokenClaims{})
	}
	claims := parseTokenClaims(token)
	callCtx, cancel := cfg.withTimeout(ctx)
	defer cancel()
	out, err := newSTSClient(cfg, aws.AnonymousCredentials{}).AssumeRoleWithWebIdentity(callCtx, &awssts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(role), RoleSessionName: aws.String(session), WebIdentityToken: aws.String(token)})
	if err != nil {
		return Credentials{}, fail(classify(err, call{parent: ctx, operation: operation, endpoint: cfg.stsEndpoint()}), claims)
	}
	arn := ""
	if out.AssumedRoleUser != nil {
		arn = aws.ToString(out.AssumedRoleUser.Arn)
	}
	return credentialsOf(operation, out.Credentials, arn)
}

// TokenClaims are what a web identity token says of itself, read without
// verifying it (STS verifies), for explanations. Never the token itself.
type TokenClaims struct {
	Issuer, Subject string
	Audience        []string
	Expires         time.Time // zero when the token has no exp
	JWT             bool      // the token parsed as a JWT
}

func parseTokenClaims(token string) TokenClaims {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return TokenClaims{}
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return TokenClaims{}
	}
	var c struct {
		Iss string          `json:"iss"`
		Sub string          `json:"sub"`
		Aud json.RawMessage `json:"aud"`
		Exp float64         `json:"exp"`
	}
	if json.Unmarshal(payload, &c) != nil {
		return TokenClaims{}
	}
	out := TokenClaims{Issuer: c.Iss, Subject: c.Sub, JWT: true}
	var one string
	if json.Unmarshal(c.Aud, &one) == nil && one != "" {
		out.Audience = []string{one}
	} else {
		json.Unmarshal(c.Aud, &out.Audience)
	}
	if c.Exp > 0 {
		out.Expires = time.Unix(int64(c.Exp), 0).UTC()
	}
	return out
}

// WebIdentityError: AssumeRoleWithWebIdentity with the token in TokenFile
// failed. Err is the classified cause (ExpiredTokenError, APIError with
// InvalidIdentityToken, ...) or the file's problem.
type WebIdentityError struct {
	Profile, TokenFile, RoleARN string
	Claims                      TokenClaims
	Now                         time.Time
	Err                         error
}

func (e *WebIdentityError) Error() string {
	return fmt.Sprintf("profile %s: web identity token %s for role %s: %v", e.Profile, e.TokenFile, e.RoleARN, e.Err)
}
func (e *WebIdentityError) Unwrap() error { return e.Err }

// NoSourceRoleError: a web identity profile names no role_arn.
type NoSourceRoleError struct {
	Profile, TokenFile string
}

func (e *NoSourceRoleError) Error() string {
	return fmt.Sprintf("profile %s has a web identity token (%s) but no role_arn to assume with it", e.Profile, e.TokenFile)
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
