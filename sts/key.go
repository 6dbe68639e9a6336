package sts

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/awskeep/awskeep/vault"
)

// StaticKey is a set of credentials that signs calls as they are: a
// long-term key pair, or session credentials with their token.
type StaticKey struct {
	AccessKeyID     string
	SecretAccessKey vault.Secret
	SessionToken    vault.Secret
}

// ErrIncompleteKey is returned before any call when the key id or secret
// is empty.
var ErrIncompleteKey = errors.New("access key id or secret access key is empty")

func (k StaticKey) check() error {
	if k.AccessKeyID == "" || k.SecretAccessKey.IsZero() {
		return ErrIncompleteKey
	}
	return nil
}

// provider reveals the secret to the SDK's signer and nothing else.
func (k StaticKey) provider() aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(k.AccessKeyID, k.SecretAccessKey.Reveal(), k.SessionToken.Reveal())
}

// call describes a call signed with k, for classify.
func (k StaticKey) call(parent context.Context, operation, endpoint string) call {
	return call{
		operation:    operation,
		endpoint:     endpoint,
		keyID:        k.AccessKeyID,
		sessionToken: !k.SessionToken.IsZero(),
		parent:       parent,
	}
}
