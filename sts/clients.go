package sts

import (
	"context"
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
)

// This file is the one place that builds AWS SDK clients. Every client is
// built by hand from a ClientConfig and an explicit credentials provider,
// so the SDK never consults its default chain (~/.aws files, AWS_* key
// variables, SSO, IMDS): awskeep decides which key signs each call.

func awsConfig(cfg ClientConfig, creds aws.CredentialsProvider) aws.Config {
	var httpClient aws.HTTPClient = cfg.HTTPClient
	if cfg.HTTPClient == nil {
		httpClient = defaultHTTPClient()
	}
	return aws.Config{
		Region:      cfg.region(),
		Credentials: creds,
		HTTPClient:  httpClient,
		AppID:       "awskeep",
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = cfg.maxAttempts()
				o.MaxBackoff = cfg.maxBackoff()
				o.Backoff = jitterBackoff{max: cfg.maxBackoff()}
				// One process makes a handful of calls: a client-side retry
				// budget would only turn a throttled call into a quota error.
				o.RateLimiter = ratelimit.None
			})
		},
	}
}

func newSTSClient(cfg ClientConfig, creds aws.CredentialsProvider) *awssts.Client {
	return awssts.NewFromConfig(awsConfig(cfg, creds), func(o *awssts.Options) {
		if cfg.STSEndpoint != "" {
			o.BaseEndpoint = aws.String(cfg.STSEndpoint)
		}
	})
}

func newIAMClient(cfg ClientConfig, creds aws.CredentialsProvider) *iam.Client {
	return iam.NewFromConfig(awsConfig(cfg, creds), func(o *iam.Options) {
		if cfg.IAMEndpoint != "" {
			o.BaseEndpoint = aws.String(cfg.IAMEndpoint)
		}
	})
}

// stsEndpoint names the STS endpoint calls go to, for error reports.
func (c ClientConfig) stsEndpoint() string {
	if c.STSEndpoint != "" {
		return c.STSEndpoint
	}
	ep, err := awssts.NewDefaultEndpointResolverV2().ResolveEndpoint(context.Background(),
		awssts.EndpointParameters{Region: aws.String(c.region())})
	if err != nil {
		return "sts." + c.region()
	}
	return ep.URI.String()
}

// iamEndpoint names the IAM endpoint calls go to, for error reports.
func (c ClientConfig) iamEndpoint() string {
	if c.IAMEndpoint != "" {
		return c.IAMEndpoint
	}
	ep, err := iam.NewDefaultEndpointResolverV2().ResolveEndpoint(context.Background(),
		iam.EndpointParameters{Region: aws.String(c.region())})
	if err != nil {
		return "iam"
	}
	return ep.URI.String()
}

func defaultHTTPClient() *http.Client {
	dialer := &net.Dialer{Timeout: connectTimeout, KeepAlive: 30 * time.Second}
	return &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   connectTimeout,
		ResponseHeaderTimeout: DefaultTimeout,
		IdleConnTimeout:       30 * time.Second,
		ForceAttemptHTTP2:     true,
	}}
}

// withTimeout bounds one operation, retries included.
func (c ClientConfig) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, c.timeout())
}
