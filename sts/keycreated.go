package sts

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// KeyCreated returns when IAM created key, by listing the access keys of
// userName (the key's own user, Identity.UserName; empty lists the
// caller's own keys, which is what root needs). Many users may not call
// iam:ListAccessKeys: that returns *AccessDeniedError, which callers treat
// as "unknown" and fall back to the time the key was added. A key missing
// from the list returns *KeyNotListedError.
func KeyCreated(ctx context.Context, cfg ClientConfig, key StaticKey, userName string) (time.Time, error) {
	const operation = "iam:ListAccessKeys"
	if err := key.check(); err != nil {
		return time.Time{}, fmt.Errorf("%s: %w", operation, err)
	}
	callCtx, cancel := cfg.withTimeout(ctx)
	defer cancel()

	in := &iam.ListAccessKeysInput{}
	if userName != "" {
		in.UserName = aws.String(userName)
	}
	pages := iam.NewListAccessKeysPaginator(newIAMClient(cfg, key.provider()), in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(callCtx)
		if err != nil {
			return time.Time{}, classify(err, key.call(ctx, operation, cfg.iamEndpoint()))
		}
		for _, k := range page.AccessKeyMetadata {
			if aws.ToString(k.AccessKeyId) == key.AccessKeyID && k.CreateDate != nil {
				return *k.CreateDate, nil
			}
		}
	}
	return time.Time{}, &KeyNotListedError{KeyID: key.AccessKeyID, UserName: userName}
}
