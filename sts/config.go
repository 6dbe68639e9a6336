package sts

import (
	"net/http"
	"strings"
	"time"

	"github.com/awskeep/awskeep/profiles"
)

// Defaults for ClientConfig's zero fields.
const (
	DefaultRegion      = "us-east-1"
	DefaultMaxAttempts = 3
	// DefaultTimeout bounds one operation including its retries, so an
	// unreachable endpoint fails within seconds rather than hanging.
	DefaultTimeout    = 8 * time.Second
	DefaultMaxBackoff = 2 * time.Second
	connectTimeout    = 3 * time.Second
)

// ClientConfig says how to reach AWS. The zero value of every field but
// Region means "use the default".
type ClientConfig struct {
	Region string
	// STSEndpoint and IAMEndpoint override the SDK's endpoint resolution
	// (e.g. http://127.0.0.1:5000 for moto); empty means AWS's own.
	STSEndpoint string
	IAMEndpoint string
	// HTTPClient replaces the default client (3 s connect timeout, proxy
	// from the environment).
	HTTPClient *http.Client
	// MaxAttempts is the number of tries per operation, retries included.
	MaxAttempts int
	// Timeout bounds one operation, retries and backoff included.
	Timeout time.Duration
	// MaxBackoff caps the wait between two attempts.
	MaxBackoff time.Duration
}

// ClientConfigFromEnv builds a ClientConfig from the environment and the
// profile's region and endpoint_url, with the AWS CLI's and SDKs' order:
//
//	region:   AWS_REGION, AWS_DEFAULT_REGION, the profile's region, us-east-1
//	endpoint: AWS_ENDPOINT_URL_STS (or _IAM), AWS_ENDPOINT_URL, the profile's endpoint_url
//
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true drops every configured endpoint,
// as it does in the AWS tools.
func ClientConfigFromEnv(getenv func(string) string, profileRegion, profileEndpoint string) ClientConfig {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	cfg := ClientConfig{
		Region: firstNonEmpty(getenv("AWS_REGION"), getenv("AWS_DEFAULT_REGION"), profileRegion, DefaultRegion),
	}
	if strings.EqualFold(strings.TrimSpace(getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")), "true") {
		return cfg
	}
	general := firstNonEmpty(getenv("AWS_ENDPOINT_URL"), profileEndpoint)
	cfg.STSEndpoint = firstNonEmpty(getenv("AWS_ENDPOINT_URL_STS"), general)
	cfg.IAMEndpoint = firstNonEmpty(getenv("AWS_ENDPOINT_URL_IAM"), general)
	return cfg
}

// ClientConfigFor is ClientConfigFromEnv with the chain's region and
// endpoint_url, in the order profiles gives them.
func ClientConfigFor(getenv func(string) string, chain *profiles.Chain) ClientConfig {
	return ClientConfigFromEnv(getenv, chain.Region(), chain.EndpointURL())
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

func (c ClientConfig) region() string {
	if c.Region == "" {
		return DefaultRegion
	}
	return c.Region
}

func (c ClientConfig) maxAttempts() int {
	if c.MaxAttempts <= 0 {
		return DefaultMaxAttempts
	}
	return c.MaxAttempts
}

func (c ClientConfig) timeout() time.Duration {
	if c.Timeout <= 0 {
		return DefaultTimeout
	}
	return c.Timeout
}

func (c ClientConfig) maxBackoff() time.Duration {
	if c.MaxBackoff <= 0 {
		return DefaultMaxBackoff
	}
	return c.MaxBackoff
}
