package sts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/awskeep/awskeep/vault"
)

// The IAM calls of a rotation. Each is signed with the signer the rotation
// chose (a long-term key, or the one MFA session of the run) and goes
// through classify. An empty userName means the caller itself, which is
// what the account's root user needs.

// AccessKeyUse is one access key of a user as IAM lists it, with its last
// use when IAM would tell.
type AccessKeyUse struct {
	KeyID   string // the full id; render with MaskKeyID
	Status  string // Active or Inactive
	Created time.Time
	// LastUsed is zero when the key was never used or the caller may not
	// ask (LastUsedKnown false).
	LastUsed        time.Time
	LastUsedService string
	LastUsedKnown   bool
}

func listAccessKeys(ctx context.Context, cfg ClientConfig, signer StaticKey, userName string) ([]AccessKeyUse, error) {
	const operation = "iam:ListAccessKeys"
	callCtx, cancel := cfg.withTimeout(ctx)
	defer cancel()
	in := &iam.ListAccessKeysInput{}
	if userName != "" {
		in.UserName = aws.String(userName)
	}
	var keys []AccessKeyUse
	pages := iam.NewListAccessKeysPaginator(newIAMClient(cfg, signer.provider()), in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(callCtx)
		if err != nil {
			return nil, classify(err, signer.call(ctx, operation, cfg.iamEndpoint()))
		}
		for _, k := range page.AccessKeyMetadata {
			keys = append(keys, AccessKeyUse{KeyID: aws.ToString(k.AccessKeyId), Status: string(k.Status), Created: aws.ToTime(k.CreateDate)})
		}
	}
	return keys, nil
}

// createAccessKey returns the new key and when IAM created it.
func createAccessKey(ctx context.Context, cfg ClientConfig, signer StaticKey, userName string) (StaticKey, time.Time, error) {
	const operation = "iam:CreateAccessKey"
	callCtx, cancel := cfg.withTimeout(ctx)
	defer cancel()
	in := &iam.CreateAccessKeyInput{}
	if userName != "" {
		in.UserName = aws.String(userName)
	}
	out, err := newIAMClient(cfg, signer.provider()).CreateAccessKey(callCtx, in)
	if err != nil {
		return StaticKey{}, time.Time{}, classify(err, signer.call(ctx, operation, cfg.iamEndpoint()))
	}
	k := out.AccessKey
	if k == nil || aws.ToString(k.AccessKeyId) == "" || aws.ToString(k.SecretAccessKey) == "" {
		return StaticKey{}, time.Time{}, fmt.Errorf("%s: the answer holds no key", operation)
	}
	return StaticKey{AccessKeyID: aws.ToString(k.AccessKeyId), SecretAccessKey: vault.Secret(aws.ToString(k.SecretAccessKey))},
		aws.ToTime(k.CreateDate), nil
}

// deleteAccessKey deletes keyID; gone reports that IAM did not know it
// (NoSuchEntity), which for a rotation means an earlier run deleted it.
func deleteAccessKey(ctx context.Context, cfg ClientConfig, signer StaticKey, userName, keyID string) (gone bool, err error) {
	const operation = "iam:DeleteAccessKey"
	callCtx, cancel := cfg.withTimeout(ctx)
	defer cancel()
	in := &iam.DeleteAccessKeyInput{AccessKeyId: aws.String(keyID)}
	if userName != "" {
		in.UserName = aws.String(userName)
	}
	_, err = newIAMClient(cfg, signer.provider()).DeleteAccessKey(callCtx, in)
	if err == nil {
		return false, nil
	}
	err = classify(err, signer.call(ctx, operation, cfg.iamEndpoint()))
	if isNoSuchEntity(err) {
		return true, nil
	}
	return false, err
}

// accessKeyLastUsed fills in when and where key was last used.
func accessKeyLastUsed(ctx context.Context, cfg ClientConfig, signer StaticKey, key *AccessKeyUse) error {
	const operation = "iam:GetAccessKeyLastUsed"
	callCtx, cancel := cfg.withTimeout(ctx)
	defer cancel()
	out, err := newIAMClient(cfg, signer.provider()).GetAccessKeyLastUsed(callCtx,
		&iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(key.KeyID)})
	if err != nil {
		return classify(err, signer.call(ctx, operation, cfg.iamEndpoint()))
	}
	key.LastUsedKnown = true
	if u := out.AccessKeyLastUsed; u != nil {
		key.LastUsed = aws.ToTime(u.LastUsedDate)
		if s := aws.ToString(u.ServiceName); s != "N/A" {
			key.LastUsedService = s
		}
	}
	return nil
}

func isNoSuchEntity(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.Code == "NoSuchEntity"
}
