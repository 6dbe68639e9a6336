package sts

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
)

// Identity is who a key signs as, from STS GetCallerIdentity.
type Identity struct {
	Account string
	ARN     string
	UserID  string
	// IsRoot is true for the account's root user (ARN ...:root): its keys
	// should not exist at all.
	IsRoot bool
	// UserName is the IAM user's name (the last part of user/path/name);
	// empty for root, roles and federated sessions.
	UserName string
}

// GetCallerIdentity asks STS who key belongs to. It is the check that AWS
// accepts a key: it needs no permission.
func GetCallerIdentity(ctx context.Context, cfg ClientConfig, key StaticKey) (Identity, error) {
	const operation = "sts:GetCallerIdentity"
	if err := key.check(); err != nil {
		return Identity{}, fmt.Errorf("%s: %w", operation, err)
	}
	callCtx, cancel := cfg.withTimeout(ctx)
	defer cancel()
	out, err := newSTSClient(cfg, key.provider()).GetCallerIdentity(callCtx, &awssts.GetCallerIdentityInput{})
	if err != nil {
		return Identity{}, classify(err, key.call(ctx, operation, cfg.stsEndpoint()))
	}
	return identityFromARN(aws.ToString(out.Account), aws.ToString(out.Arn), aws.ToString(out.UserId)), nil
}

func identityFromARN(account, arn, userID string) Identity {
	id := Identity{Account: account, ARN: arn, UserID: userID}
	// arn:partition:service:region:account:resource
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return id
	}
	if id.Account == "" {
		id.Account = parts[4]
	}
	resource := parts[5]
	switch {
	case resource == "root":
		id.IsRoot = true
	case parts[2] == "iam" && strings.HasPrefix(resource, "user/"):
		id.UserName = resource[strings.LastIndex(resource, "/")+1:]
	}
	return id
}
