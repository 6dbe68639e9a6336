package sts

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/smithy-go"
)

func TestClientConfigFromEnv(t *testing.T) {
	tests := []struct {
		name                       string
		env                        map[string]string
		profileRegion, profileEP   string
		region, stsEP, iamEndpoint string
	}{
		{name: "nothing set", region: "us-east-1"},
		{name: "profile only", profileRegion: "eu-west-1", profileEP: "http://p", region: "eu-west-1", stsEP: "http://p", iamEndpoint: "http://p"},
		{name: "AWS_DEFAULT_REGION beats profile", env: map[string]string{"AWS_DEFAULT_REGION": "ap-south-1"}, profileRegion: "eu-west-1", region: "ap-south-1"},
		{name: "AWS_REGION beats AWS_DEFAULT_REGION", env: map[string]string{"AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "ap-south-1"}, profileRegion: "eu-west-1", region: "us-west-2"},
		{name: "AWS_ENDPOINT_URL beats profile", env: map[string]string{"AWS_ENDPOINT_URL": "http://all"}, profileEP: "http://p", region: "us-east-1", stsEP: "http://all", iamEndpoint: "http://all"},
		{name: "service variables beat AWS_ENDPOINT_URL",
			env:       map[string]string{"AWS_ENDPOINT_URL": "http://all", "AWS_ENDPOINT_URL_STS": "http://sts", "AWS_ENDPOINT_URL_IAM": "http://iam"},
			profileEP: "http://p", region: "us-east-1", stsEP: "http://sts", iamEndpoint: "http://iam"},
		{name: "only STS overridden", env: map[string]string{"AWS_ENDPOINT_URL_STS": "http://sts"}, profileEP: "http://p", region: "us-east-1", stsEP: "http://sts", iamEndpoint: "http://p"},
		{name: "ignore configured endpoints",
			env:       map[string]string{"AWS_ENDPOINT_URL": "http://all", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "TRUE"},
			profileEP: "http://p", region: "us-east-1"},
		{name: "blank values skipped", env: map[string]string{"AWS_REGION": "  ", "AWS_ENDPOINT_URL": " "}, profileRegion: "eu-west-1", profileEP: "http://p", region: "eu-west-1", stsEP: "http://p", iamEndpoint: "http://p"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ClientConfigFromEnv(func(k string) string { return tt.env[k] }, tt.profileRegion, tt.profileEP)
			if cfg.Region != tt.region || cfg.STSEndpoint != tt.stsEP || cfg.IAMEndpoint != tt.iamEndpoint {
				t.Errorf("got region %q sts %q iam %q; want %q %q %q", cfg.Region, cfg.STSEndpoint, cfg.IAMEndpoint, tt.region, tt.stsEP, tt.iamEndpoint)
			}
		})
	}
}

func TestDefaultEndpointsForErrors(t *testing.T) {
	cfg := ClientConfig{Region: "eu-west-1"}
	if got := cfg.stsEndpoint(); got != "https://sts.eu-west-1.amazonaws.com" {
		t.Errorf("stsEndpoint = %q", got)
	}
	if got := cfg.iamEndpoint(); got != "https://iam.amazonaws.com" {
		t.Errorf("iamEndpoint = %q", got)
	}
}

func TestMaskKeyID(t *testing.T) {
	tests := map[string]string{
		"AKIAIOSFODNN7EXAMPLE": "AKIA…MPLE",
		"ASIA1234567890ABWXYZ": "ASIA…WXYZ",
		"AKIA12345678":         "AKIA…5678",
		"SHORTKEY":             "…TKEY",
		"ABCD":                 "…",
		"":                     "",
	}
	for id, want := range tests {
		if got := MaskKeyID(id); got != want {
			t.Errorf("MaskKeyID(%q) = %q, want %q", id, got, want)
		}
	}
}

func TestIdentityFromARN(t *testing.T) {
	tests := []struct {
		arn  string
		want Identity
	}{
		{"arn:aws:iam::123456789012:user/alice", Identity{Account: "123456789012", UserName: "alice"}},
		{"arn:aws:iam::123456789012:user/team/ops/alice", Identity{Account: "123456789012", UserName: "alice"}},
		{"arn:aws:iam::123456789012:root", Identity{Account: "123456789012", IsRoot: true}},
		{"arn:aws:sts::123456789012:assumed-role/admin/sess", Identity{Account: "123456789012"}},
		{"arn:aws:sts::123456789012:federated-user/bob", Identity{Account: "123456789012"}},
		{"arn:aws-cn:iam::123456789012:user/li", Identity{Account: "123456789012", UserName: "li"}},
		{"garbage", Identity{}},
	}
	for _, tt := range tests {
		got := identityFromARN("", tt.arn, "UID")
		tt.want.ARN, tt.want.UserID = tt.arn, "UID"
		if got != tt.want {
			t.Errorf("identityFromARN(%q) = %+v, want %+v", tt.arn, got, tt.want)
		}
	}
}

func TestErrorMessagesMaskKeyAndNameFacts(t *testing.T) {
	const id = "AKIAIOSFODNN7EXAMPLE"
	sdkErr := &smithy.GenericAPIError{Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid."}
	err := classify(fmt.Errorf("operation error: %w", sdkErr), call{operation: "sts:GetCallerIdentity", endpoint: "https://sts.example", keyID: id})
	msg := err.Error()
	if strings.Contains(msg, id) || !strings.Contains(msg, MaskKeyID(id)) || !strings.Contains(msg, "https://sts.example") {
		t.Errorf("message %q: want the masked key id and the endpoint, never the full id", msg)
	}
	if !errors.Is(err, sdkErr) {
		t.Error("RejectedKeyError does not unwrap to the SDK error")
	}
	if classify(nil, call{}) != nil {
		t.Error("classify(nil) != nil")
	}
}

func TestAccessDeniedRecordsMFASent(t *testing.T) {
	sdkErr := &smithy.GenericAPIError{Code: "AccessDenied", Message: "MultiFactorAuthentication failed with invalid MFA one time pass code."}
	var denied *AccessDeniedError
	if !errors.As(classify(sdkErr, call{operation: "sts:GetSessionToken", mfaSent: true}), &denied) || !denied.MFASent {
		t.Errorf("got %+v, want *AccessDeniedError with MFASent", denied)
	}
}

func TestJitterBackoffBounds(t *testing.T) {
	b := jitterBackoff{max: time.Second}
	throttled := &smithy.GenericAPIError{Code: "Throttling"}
	tests := []struct {
		attempt  int
		err      error
		min, max time.Duration
	}{
		{1, errors.New("conn reset"), 50 * time.Millisecond, 100 * time.Millisecond},
		{3, errors.New("conn reset"), 200 * time.Millisecond, 400 * time.Millisecond},
		{1, throttled, 250 * time.Millisecond, 500 * time.Millisecond},
		{9, throttled, 500 * time.Millisecond, time.Second},
	}
	for _, tt := range tests {
		for range 50 {
			d, err := b.BackoffDelay(tt.attempt, tt.err)
			if err != nil || d < tt.min || d > tt.max {
				t.Fatalf("BackoffDelay(%d, %v) = %v, %v; want within [%v, %v]", tt.attempt, tt.err, d, err, tt.min, tt.max)
			}
		}
	}
}

func TestSecretsNeverInStaticKeyFormatting(t *testing.T) {
	k := StaticKey{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "very-secret-value", SessionToken: "token-value"}
	for _, s := range []string{fmt.Sprintf("%v", k), fmt.Sprintf("%+v", k), fmt.Sprintf("%#v", k)} {
		if strings.Contains(s, "very-secret-value") || strings.Contains(s, "token-value") {
			t.Errorf("formatted StaticKey leaks a secret: %s", s)
		}
	}
}

// TestIsAWSError: every error classify makes of a failed AWS call counts as
// one wherever it sits in the chain; a local fault does not.
func TestIsAWSError(t *testing.T) {
	for _, err := range []error{
		&RejectedKeyError{}, &AccessDeniedError{}, &ExpiredTokenError{}, &ClockSkewError{},
		&ThrottledError{}, &UnreachableError{}, &APIError{}, &BadAnswerError{},
	} {
		if !isAWSError(fmt.Errorf("getting credentials: %w", err)) {
			t.Errorf("%T is not taken for an AWS error", err)
		}
	}
	if isAWSError(fmt.Errorf("reading the keyring: %w", errors.New("permission denied"))) {
		t.Error("a local fault is taken for an AWS error")
	}
}
