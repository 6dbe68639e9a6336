package sts

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awskeep/awskeep/vault"
)

func vaultSecret(s string) vault.Secret { return vault.Secret(s) }

func TestGetCallerIdentityGoodKey(t *testing.T) {
	t.Parallel()
	u := moto.CreateUser(t, t.Name())
	id, err := GetCallerIdentity(context.Background(), motoConfig(), keyOf(u.Key))
	if err != nil {
		t.Fatal(err)
	}
	want := Identity{Account: "123456789012", ARN: u.ARN, UserName: u.Name}
	id.UserID = "" // moto's random id
	if id != want {
		t.Errorf("identity = %+v, want %+v", id, want)
	}
}

func TestGetCallerIdentityRejectedKeys(t *testing.T) {
	t.Parallel()
	u := moto.CreateUser(t, t.Name())
	gone := moto.CreateUser(t, t.Name()+"-gone")
	moto.DeleteAccessKey(t, gone, gone.Key.AccessKeyID)

	tests := []struct {
		name        string
		key         StaticKey
		code        string
		wrongSecret bool
	}{
		{"wrong secret", StaticKey{AccessKeyID: u.Key.AccessKeyID, SecretAccessKey: "not-the-secret"}, "SignatureDoesNotMatch", true},
		{"unknown key", StaticKey{AccessKeyID: "AKIAUNKNOWNKEY123456", SecretAccessKey: "whatever"}, "InvalidClientTokenId", false},
		{"deleted key", keyOf(gone.Key), "InvalidClientTokenId", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := GetCallerIdentity(context.Background(), motoConfig(), tt.key)
			var rejected *RejectedKeyError
			if !errors.As(err, &rejected) {
				t.Fatalf("err = %v (%T), want *RejectedKeyError", err, err)
			}
			if rejected.Code != tt.code || rejected.WrongSecret() != tt.wrongSecret || rejected.UnknownKey() == tt.wrongSecret {
				t.Errorf("Code=%q WrongSecret=%v UnknownKey=%v; want %q, %v", rejected.Code, rejected.WrongSecret(), rejected.UnknownKey(), tt.code, tt.wrongSecret)
			}
			if rejected.KeyID != tt.key.AccessKeyID || rejected.Operation != "sts:GetCallerIdentity" || rejected.Endpoint != moto.Endpoint {
				t.Errorf("facts = %+v", rejected)
			}
			if rejected.WithSessionToken {
				t.Error("WithSessionToken = true for a long-term key")
			}
		})
	}
}

func TestGetCallerIdentitySessionCredentials(t *testing.T) {
	t.Parallel()
	u := moto.CreateUser(t, t.Name())
	role := moto.CreateRole(t, "r", u.ARN)
	out, err := moto.STS(u.Key).AssumeRole(context.Background(), &awssts.AssumeRoleInput{
		RoleArn: aws.String(role), RoleSessionName: aws.String("s1"),
	})
	if err != nil {
		t.Fatal(err)
	}
	session := StaticKey{
		AccessKeyID:     aws.ToString(out.Credentials.AccessKeyId),
		SecretAccessKey: vault.Secret(aws.ToString(out.Credentials.SecretAccessKey)),
		SessionToken:    vault.Secret(aws.ToString(out.Credentials.SessionToken)),
	}
	id, err := GetCallerIdentity(context.Background(), motoConfig(), session)
	if err != nil {
		t.Fatal(err)
	}
	if id.ARN != aws.ToString(out.AssumedRoleUser.Arn) || id.UserName != "" || id.IsRoot {
		t.Errorf("identity = %+v, want assumed-role %s with no user name", id, aws.ToString(out.AssumedRoleUser.Arn))
	}

	session.SessionToken = "tampered"
	_, err = GetCallerIdentity(context.Background(), motoConfig(), session)
	var rejected *RejectedKeyError
	if !errors.As(err, &rejected) || !rejected.WithSessionToken || rejected.Code != "InvalidClientTokenId" {
		t.Fatalf("tampered token: err = %v, want *RejectedKeyError InvalidClientTokenId WithSessionToken", err)
	}
}

func TestKeyCreated(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u := moto.CreateUser(t, t.Name())
	other := moto.CreateUser(t, t.Name()+"-other")

	_, err := KeyCreated(ctx, motoConfig(), keyOf(u.Key), u.Name)
	var denied *AccessDeniedError
	if !errors.As(err, &denied) || denied.Operation != "iam:ListAccessKeys" || denied.MFASent {
		t.Fatalf("without permission: err = %v (%T), want *AccessDeniedError for iam:ListAccessKeys", err, err)
	}

	moto.AllowUser(t, u, "iam:ListAccessKeys")
	got, err := KeyCreated(ctx, motoConfig(), keyOf(u.Key), u.Name)
	if err != nil {
		t.Fatal(err)
	}
	want := moto.ListAccessKeys(t, u)[0].Created
	if !got.Equal(want) || got.IsZero() {
		t.Errorf("KeyCreated = %v, want IAM's %v", got, want)
	}
	if age := time.Since(got); age < -time.Minute || age > time.Hour {
		t.Errorf("KeyCreated = %v: not just now", got)
	}

	_, err = KeyCreated(ctx, motoConfig(), keyOf(u.Key), other.Name)
	var notListed *KeyNotListedError
	if !errors.As(err, &notListed) || notListed.UserName != other.Name || notListed.KeyID != u.Key.AccessKeyID {
		t.Errorf("key of another user: err = %v, want *KeyNotListedError", err)
	}
}

// The SDK's default chain must play no part: AWS_* variables naming
// another endpoint and key are ignored.
func TestIgnoresSDKEnvironment(t *testing.T) {
	u := moto.CreateUser(t, t.Name())
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAUNKNOWNKEY123456")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent/config")
	t.Setenv("AWS_PROFILE", "nonexistent")
	id, err := GetCallerIdentity(context.Background(), motoConfig(), keyOf(u.Key))
	if err != nil || id.ARN != u.ARN {
		t.Fatalf("GetCallerIdentity = %+v, %v; want %s", id, err, u.ARN)
	}
}
