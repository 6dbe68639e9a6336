package sts

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
)

// SSOClientConfig says how to reach the IAM Identity Center OIDC and portal
// endpoints of one instance.
type SSOClientConfig struct {
	// Region is sso_region (not the profile's region).
	Region string
	// OIDCEndpoint and PortalEndpoint override the SDK's endpoints (for
	// example a loopback fake); empty means AWS's own.
	OIDCEndpoint   string
	PortalEndpoint string
	// DualStack and FIPS pick the SDK's dual-stack (oidc.<region>.api.aws)
	// and FIPS variants.
	DualStack bool
	FIPS      bool
	// HTTPClient replaces the default client.
	HTTPClient *http.Client
	// Timeout bounds one call, retries included (default DefaultTimeout).
	Timeout time.Duration
}

// SSOClientConfigFromEnv builds the config as the SDKs read it:
//
//	OIDC endpoint:   AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL, the profile's endpoint_url
//	portal endpoint: AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL, the profile's endpoint_url
//	dual-stack:      AWS_USE_DUALSTACK_ENDPOINT=true, use_dualstack_endpoint = true, or
//	                 a dual-stack instance (start URL on *.app.aws), whose device flow
//	                 works only through the dual-stack OIDC endpoint (aws/aws-cli#10507)
//	FIPS:            AWS_USE_FIPS_ENDPOINT=true or use_fips_endpoint = true
//
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true drops the configured endpoints.
// profileSetting reads a key of the profile ("" when unset).
func SSOClientConfigFromEnv(getenv func(string) string, region, startURL string, profileSetting func(string) string) SSOClientConfig {
	if profileSetting == nil {
		profileSetting = func(string) string { return "" }
	}
	isTrue := func(env, key string) bool {
		v := firstNonEmpty(getenv(env), profileSetting(key))
		return strings.EqualFold(v, "true")
	}
	cfg := SSOClientConfig{Region: region,
		DualStack: isTrue("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint") || dualStackStartURL(startURL),
		FIPS:      isTrue("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint"),
	}
	if strings.EqualFold(strings.TrimSpace(getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")), "true") {
		return cfg
	}
	general := firstNonEmpty(getenv("AWS_ENDPOINT_URL"), profileSetting("endpoint_url"))
	cfg.OIDCEndpoint = firstNonEmpty(getenv("AWS_ENDPOINT_URL_SSO_OIDC"), general)
	cfg.PortalEndpoint = firstNonEmpty(getenv("AWS_ENDPOINT_URL_SSO"), general)
	return cfg
}

// dualStackStartURL: dual-stack instances have start URLs
// https://<id>.portal.<region>.app.aws.
func dualStackStartURL(startURL string) bool {
	u, err := url.Parse(startURL)
	return err == nil && strings.HasSuffix(strings.ToLower(u.Hostname()), ".app.aws")
}

func (c SSOClientConfig) timeout() time.Duration {
	if c.Timeout <= 0 {
		return DefaultTimeout
	}
	return c.Timeout
}

// awsConfig is the SDK config of both clients. Every SSO operation is
// unsigned, so there are no credentials. The dual-stack and FIPS choices
// are set on each client's EndpointOptions below: with a hand-built
// aws.Config the SDK reads them from nowhere else (fwdcloudsec/granted#960).
func (c SSOClientConfig) awsConfig() aws.Config {
	cfg := awsConfig(ClientConfig{Region: c.Region, HTTPClient: c.HTTPClient}, aws.AnonymousCredentials{})
	cfg.Credentials = nil
	return cfg
}

func (c SSOClientConfig) endpointOptions() (dual aws.DualStackEndpointState, fips aws.FIPSEndpointState) {
	dual, fips = aws.DualStackEndpointStateDisabled, aws.FIPSEndpointStateDisabled
	if c.DualStack {
		dual = aws.DualStackEndpointStateEnabled
	}
	if c.FIPS {
		fips = aws.FIPSEndpointStateEnabled
	}
	return dual, fips
}

func newOIDCClient(c SSOClientConfig) *ssooidc.Client {
	dual, fips := c.endpointOptions()
	return ssooidc.NewFromConfig(c.awsConfig(), func(o *ssooidc.Options) {
		o.EndpointOptions.UseDualStackEndpoint, o.EndpointOptions.UseFIPSEndpoint = dual, fips
		if c.OIDCEndpoint != "" {
			o.BaseEndpoint = aws.String(c.OIDCEndpoint)
		}
	})
}

func newPortalClient(c SSOClientConfig) *sso.Client {
	dual, fips := c.endpointOptions()
	return sso.NewFromConfig(c.awsConfig(), func(o *sso.Options) {
		o.EndpointOptions.UseDualStackEndpoint, o.EndpointOptions.UseFIPSEndpoint = dual, fips
		if c.PortalEndpoint != "" {
			o.BaseEndpoint = aws.String(c.PortalEndpoint)
		}
	})
}

// oidcEndpoint is the OIDC service's base URL, where the browser's
// /authorize page lives.
func (c SSOClientConfig) oidcEndpoint() string {
	p := ssooidc.EndpointParameters{Region: aws.String(c.Region), UseDualStack: aws.Bool(c.DualStack), UseFIPS: aws.Bool(c.FIPS)}
	if c.OIDCEndpoint != "" {
		p.Endpoint = aws.String(c.OIDCEndpoint)
	}
	ep, err := ssooidc.NewDefaultEndpointResolverV2().ResolveEndpoint(context.Background(), p)
	if err != nil {
		return "https://oidc." + c.Region + ".amazonaws.com"
	}
	return strings.TrimRight(ep.URI.String(), "/")
}

// portalEndpoint names the portal's base URL, for error reports.
func (c SSOClientConfig) portalEndpoint() string {
	p := sso.EndpointParameters{Region: aws.String(c.Region), UseDualStack: aws.Bool(c.DualStack), UseFIPS: aws.Bool(c.FIPS)}
	if c.PortalEndpoint != "" {
		p.Endpoint = aws.String(c.PortalEndpoint)
	}
	ep, err := sso.NewDefaultEndpointResolverV2().ResolveEndpoint(context.Background(), p)
	if err != nil {
		return "https://portal.sso." + c.Region + ".amazonaws.com"
	}
	return strings.TrimRight(ep.URI.String(), "/")
}
