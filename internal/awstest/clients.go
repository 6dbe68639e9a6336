package awstest

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// awsConfig builds an SDK config signed with key (and its session token) and aimed at the server.
// It is built by hand so nothing is read from ~/.aws or the environment.
// AWS errors are never retried, so harness failures show at once; a
// connection moto's server reset (seen under load on a 2-core machine as
// "use of closed network connection") is tried again, up to 3 times.
func (m *Moto) awsConfig(key Credentials) aws.Config {
	return aws.Config{
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider(key.AccessKeyID, key.SecretAccessKey, key.SessionToken),
		BaseEndpoint: aws.String(m.Endpoint),
		Retryer:      connectionRetryer,
	}
}

// connectionRetryer retries only connection errors, never an AWS answer.
func connectionRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 3
		o.Retryables = []retry.IsErrorRetryable{retry.RetryableConnectionError{}}
		o.RateLimiter = ratelimit.None
	})
}

// IAM returns an IAM client signed with key (the admin key when key is zero).
func (m *Moto) IAM(key Credentials) *iam.Client {
	if key == (Credentials{}) {
		key = m.Admin
	}
	return iam.NewFromConfig(m.awsConfig(key))
}

// STS returns an STS client signed with key (the admin key when key is zero).
func (m *Moto) STS(key Credentials) *sts.Client {
	if key == (Credentials{}) {
		key = m.Admin
	}
	return sts.NewFromConfig(m.awsConfig(key))
}

func (m *Moto) callerARN(ctx context.Context, key Credentials) (string, error) {
	out, err := m.STS(key).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.Arn), nil
}

// createAdmin runs while authentication is off, so the zero-value key
// signs the calls and moto accepts them.
func (m *Moto) createAdmin(ctx context.Context) (arn string, key Credentials, err error) {
	client := iam.NewFromConfig(m.awsConfig(Credentials{AccessKeyID: "AKIABOOTSTRAPBOOTSTR", SecretAccessKey: "bootstrap"}))
	user, err := client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(adminName)})
	if err != nil {
		return "", key, err
	}
	if _, err := client.PutUserPolicy(ctx, &iam.PutUserPolicyInput{
		UserName:       aws.String(adminName),
		PolicyName:     aws.String("allow-all"),
		PolicyDocument: aws.String(policyDocument(statement{Effect: "Allow", Action: []string{"*"}, Resource: []string{"*"}})),
	}); err != nil {
		return "", key, err
	}
	created, err := client.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(adminName)})
	if err != nil {
		return "", key, err
	}
	return aws.ToString(user.User.Arn), Credentials{
		AccessKeyID:     aws.ToString(created.AccessKey.AccessKeyId),
		SecretAccessKey: aws.ToString(created.AccessKey.SecretAccessKey),
	}, nil
}
