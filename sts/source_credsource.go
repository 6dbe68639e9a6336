package sts

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/vault"
)

// The credential_source source: role_arn with credential_source =
// Environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN),
// Ec2InstanceMetadata (IMDSv2, AWS_EC2_METADATA_SERVICE_ENDPOINT and
// AWS_EC2_METADATA_DISABLED honoured) or EcsContainer
// (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI on 169.254.170.2, or
// AWS_CONTAINER_CREDENTIALS_FULL_URI with AWS_CONTAINER_AUTHORIZATION_TOKEN
// or _TOKEN_FILE), read through the SDK's own providers. The role of the
// source profile is then assumed with those credentials by the plan, and
// cached keyed by the source key id, as for a stored key.

// Values of credential_source.
const (
	CredentialSourceEnvironment = "Environment"
	CredentialSourceEC2         = "Ec2InstanceMetadata"
	CredentialSourceECS         = "EcsContainer"
)

const ecsRelativeHost = "http://169.254.170.2"

func init() {
	RegisterSourceStep(profiles.SourceCredentialSource, func(env SourceEnv, chain *profiles.Chain, asked string) (Source, error) {
		hop := chain.Source()
		switch hop.CredentialSource {
		case CredentialSourceEnvironment, CredentialSourceEC2, CredentialSourceECS:
		default:
			v := hop.Origins["credential_source"]
			return nil, &CredentialSourceError{Profile: hop.Profile, Source: hop.CredentialSource, File: v.File, Line: v.Line,
				Reason: "credential_source values must be EcsContainer, Ec2InstanceMetadata, or Environment"}
		}
		return &credentialSource{env: env, hop: hop}, nil
	})
}

// CredentialSourceError: the credentials a credential_source names are
// not there (no variables, no metadata service) or the value is unknown.
type CredentialSourceError struct {
	Profile, Source string
	File            string
	Line            int
	Reason          string
	Err             error
}

func (e *CredentialSourceError) Error() string {
	msg := fmt.Sprintf("profile %s: credential_source = %s: %s", e.Profile, e.Source, e.Reason)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}
func (e *CredentialSourceError) Unwrap() error { return e.Err }

type credentialSource struct {
	env   SourceEnv
	hop   profiles.Hop
	ran   bool
	creds SourceCredentials
	err   error
}

func (s *credentialSource) Kind() profiles.SourceKind { return profiles.SourceCredentialSource }

func (s *credentialSource) getenv(k string) string {
	if s.env.Getenv == nil {
		return ""
	}
	return strings.TrimSpace(s.env.Getenv(k))
}

func (s *credentialSource) fail(reason string, err error) error {
	v := s.hop.Origins["credential_source"]
	return &CredentialSourceError{Profile: s.hop.Profile, Source: s.hop.CredentialSource, File: v.File, Line: v.Line, Reason: reason, Err: err}
}

// Identify obtains the credentials: which key they are is known only then
// (for Environment it costs nothing).
func (s *credentialSource) Identify(ctx context.Context) (SourceIdentity, error) {
	c, err := s.Retrieve(ctx)
	if err != nil {
		return SourceIdentity{}, err
	}
	return SourceIdentity{CacheKey: "credential-source:" + c.AccessKeyID, KeyID: c.AccessKeyID, LongTerm: c.SessionToken.IsZero()}, nil
}

func (s *credentialSource) Retrieve(ctx context.Context) (SourceCredentials, error) {
	if !s.ran {
		s.ran = true
		s.creds, s.err = s.obtain(ctx)
	}
	return s.creds, s.err
}

func (s *credentialSource) obtain(ctx context.Context) (SourceCredentials, error) {
	var p aws.CredentialsProvider
	switch s.hop.CredentialSource {
	case CredentialSourceEnvironment:
		id, secret := s.getenv("AWS_ACCESS_KEY_ID"), s.getenv("AWS_SECRET_ACCESS_KEY")
		if id == "" {
			id = s.getenv("AWS_ACCESS_KEY")
		}
		if secret == "" {
			secret = s.getenv("AWS_SECRET_KEY")
		}
		if id == "" || secret == "" {
			return SourceCredentials{}, s.fail("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set", nil)
		}
		return SourceCredentials{StaticKey: StaticKey{AccessKeyID: id, SecretAccessKey: vault.Secret(secret),
			SessionToken: vault.Secret(firstNonEmpty(s.getenv("AWS_SESSION_TOKEN"), s.getenv("AWS_SECURITY_TOKEN")))}}, nil
	case CredentialSourceEC2:
		if strings.EqualFold(s.getenv("AWS_EC2_METADATA_DISABLED"), "true") {
			return SourceCredentials{}, s.fail("AWS_EC2_METADATA_DISABLED=true turns the instance metadata service off", nil)
		}
		o := imds.Options{ClientEnableState: imds.ClientEnabled}
		if ep := s.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT"); ep != "" {
			o.Endpoint = ep
		}
		client := imds.New(o)
		p = ec2rolecreds.New(func(eo *ec2rolecreds.Options) { eo.Client = client })
	case CredentialSourceECS:
		endpoint, err := s.containerEndpoint()
		if err != nil {
			return SourceCredentials{}, err
		}
		token, tokenFile := s.getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN"), s.getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
		p = endpointcreds.New(endpoint, func(eo *endpointcreds.Options) {
			eo.AuthorizationToken = token
			if tokenFile != "" {
				eo.AuthorizationTokenProvider = endpointcreds.TokenProviderFunc(func() (string, error) {
					b, err := os.ReadFile(tokenFile)
					return strings.TrimSpace(string(b)), err
				})
			}
		})
	}
	where := "the instance metadata service"
	if s.hop.CredentialSource == CredentialSourceECS {
		where = "the container credentials endpoint"
	}
	callCtx, cancel := s.env.Config.withTimeout(ctx)
	defer cancel()
	done := s.env.Waiting.start("asking " + where + " for " + s.hop.Profile + "'s credentials")
	c, err := p.Retrieve(callCtx)
	done()
	if err != nil {
		return SourceCredentials{}, s.fail("no credentials from "+where, err)
	}
	out := SourceCredentials{StaticKey: StaticKey{AccessKeyID: c.AccessKeyID, SecretAccessKey: vault.Secret(c.SecretAccessKey), SessionToken: vault.Secret(c.SessionToken)}}
	if c.CanExpire {
		out.Expiration = c.Expires
	}
	return out, nil
}

// containerEndpoint is the container credentials URL, as the SDKs build
// it: the relative URI on 169.254.170.2, else the full URI, which must be
// https or on a loopback address.
func (s *credentialSource) containerEndpoint() (string, error) {
	if rel := s.getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"); rel != "" {
		return ecsRelativeHost + rel, nil
	}
	full := s.getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI")
	if full == "" {
		return "", s.fail("EcsContainer was specified as the credential_source, but neither 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI' or AWS_CONTAINER_CREDENTIALS_FULL_URI' was set", nil)
	}
	u, err := url.Parse(full)
	if err != nil {
		return "", s.fail("AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL", err)
	}
	if u.Scheme != "https" {
		ip := net.ParseIP(u.Hostname())
		if u.Hostname() != "localhost" && (ip == nil || !(ip.IsLoopback() || ip.Equal(net.ParseIP("169.254.170.23")) || ip.Equal(net.ParseIP("fd00:ec2::23")))) {
			return "", s.fail("AWS_CONTAINER_CREDENTIALS_FULL_URI must use https or a loopback host", nil)
		}
	}
	return full, nil
}
