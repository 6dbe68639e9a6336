package sts

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/awskeep/awskeep/vault"
)

// The two STS calls that make sessions. Both are signed with signer (the
// long-term key or an earlier session) and go through classify.

func getSessionToken(ctx context.Context, cfg ClientConfig, signer StaticKey, d time.Duration, serial, code string) (Credentials, error) {
	const operation = "sts:GetSessionToken"
	in := &awssts.GetSessionTokenInput{DurationSeconds: aws.Int32(int32(d / time.Second))}
	if serial != "" {
		in.SerialNumber, in.TokenCode = aws.String(serial), aws.String(code)
	}
	callCtx, cancel := cfg.withTimeout(ctx)
	defer cancel()
	out, err := newSTSClient(cfg, signer.provider()).GetSessionToken(callCtx, in)
	if err != nil {
		c := signer.call(ctx, operation, cfg.stsEndpoint())
		c.mfaSent = code != ""
		return Credentials{}, classify(err, c)
	}
	return credentialsOf(operation, out.Credentials, "")
}

type roleRequest struct {
	roleARN, externalID, sessionName string
	duration                         time.Duration
	mfaSerial, mfaCode               string
}

func assumeRole(ctx context.Context, cfg ClientConfig, signer StaticKey, r roleRequest) (Credentials, error) {
	const operation = "sts:AssumeRole"
	in := &awssts.AssumeRoleInput{
		RoleArn:         aws.String(r.roleARN),
		RoleSessionName: aws.String(r.sessionName),
		DurationSeconds: aws.Int32(int32(r.duration / time.Second)),
	}
	if r.externalID != "" {
		in.ExternalId = aws.String(r.externalID)
	}
	if r.mfaSerial != "" {
		in.SerialNumber, in.TokenCode = aws.String(r.mfaSerial), aws.String(r.mfaCode)
	}
	callCtx, cancel := cfg.withTimeout(ctx)
	defer cancel()
	out, err := newSTSClient(cfg, signer.provider()).AssumeRole(callCtx, in)
	if err != nil {
		c := signer.call(ctx, operation, cfg.stsEndpoint())
		c.mfaSent = r.mfaCode != ""
		return Credentials{}, classify(err, c)
	}
	arn := ""
	if out.AssumedRoleUser != nil {
		arn = aws.ToString(out.AssumedRoleUser.Arn)
	}
	return credentialsOf(operation, out.Credentials, arn)
}

func credentialsOf(operation string, c *types.Credentials, assumedRoleARN string) (Credentials, error) {
	if c == nil || aws.ToString(c.AccessKeyId) == "" || aws.ToString(c.SecretAccessKey) == "" {
		return Credentials{}, fmt.Errorf("%s: the answer holds no credentials", operation)
	}
	return Credentials{
		AccessKeyID:     aws.ToString(c.AccessKeyId),
		SecretAccessKey: vault.Secret(aws.ToString(c.SecretAccessKey)),
		SessionToken:    vault.Secret(aws.ToString(c.SessionToken)),
		Expiration:      aws.ToTime(c.Expiration),
		AssumedRoleARN:  assumedRoleARN,
		Source:          SourceSTS,
	}, nil
}
