package awstest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// shared is the server most tests use; see TestMain.
var shared *Moto

func TestMain(m *testing.M) {
	moto, stop, err := StartForMain()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	shared = moto
	code := m.Run()
	stop()
	os.Exit(code)
}

func apiErrorCode(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		t.Fatal("call succeeded, want an API error")
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v (%T) is not a smithy.APIError", err, err)
	}
	return apiErr.ErrorCode()
}

// The launcher's XML rewrite is what makes these codes visible to the Go
// SDK; stock moto 5.2.1 gives "UnknownError" for all of them.
func TestAuthErrorsReachGoSDK(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	alice := shared.CreateUser(t, t.Name())
	deleted := shared.CreateUser(t, t.Name()+"-deleted")
	shared.DeleteAccessKey(t, deleted, deleted.Key.AccessKeyID)

	tests := []struct {
		name string
		key  Credentials
		want string
	}{
		{"unknown key", Credentials{AccessKeyID: "AKIAUNKNOWNUNKNOWN12", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"}, "InvalidClientTokenId"},
		{"wrong secret", Credentials{AccessKeyID: alice.Key.AccessKeyID, SecretAccessKey: alice.Key.SecretAccessKey + "x"}, "SignatureDoesNotMatch"},
		{"deleted key", deleted.Key, "InvalidClientTokenId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := shared.STS(tt.key).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if got := apiErrorCode(t, err); got != tt.want {
				t.Errorf("GetCallerIdentity error code = %q, want %q (err: %v)", got, tt.want, err)
			}
		})
	}

	t.Run("good key", func(t *testing.T) {
		out, err := shared.STS(alice.Key).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatal(err)
		}
		if got := aws.ToString(out.Arn); got != alice.ARN {
			t.Errorf("Arn = %q, want %q", got, alice.ARN)
		}
	})

	t.Run("no permission, then AllowUser", func(t *testing.T) {
		_, err := shared.IAM(alice.Key).ListUsers(ctx, &iam.ListUsersInput{})
		if got := apiErrorCode(t, err); got != "AccessDenied" {
			t.Fatalf("ListUsers without permission: code %q, want AccessDenied (err: %v)", got, err)
		}
		shared.AllowUser(t, alice, "iam:ListUsers")
		if _, err := shared.IAM(alice.Key).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
			t.Fatalf("ListUsers after AllowUser: %v", err)
		}
	})
}

func TestAccessKeys(t *testing.T) {
	t.Parallel()
	u := shared.CreateUser(t, t.Name())
	second := shared.CreateAccessKey(t, u)
	keys := shared.ListAccessKeys(t, u)
	if len(keys) != 2 {
		t.Fatalf("ListAccessKeys = %+v, want 2 keys", keys)
	}
	for _, k := range keys {
		if k.Status != "Active" || time.Since(k.Created) > time.Hour || time.Until(k.Created) > time.Minute {
			t.Errorf("key %+v: want Active, created just now", k)
		}
	}
	shared.DeleteAccessKey(t, u, u.Key.AccessKeyID)
	keys = shared.ListAccessKeys(t, u)
	if len(keys) != 1 || keys[0].ID != second.AccessKeyID {
		t.Errorf("after delete: %+v, want only %s", keys, second.AccessKeyID)
	}
}

func TestCreateRole(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	alice := shared.CreateUser(t, t.Name()+"-alice")
	bob := shared.CreateUser(t, t.Name()+"-bob")
	role := shared.CreateRole(t, "r", alice.ARN, WithExternalID("ext-42"))
	chained := ""

	assume := func(key Credentials, roleARN, externalID string) (*sts.AssumeRoleOutput, error) {
		in := &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("sess")}
		if externalID != "" {
			in.ExternalId = aws.String(externalID)
		}
		return shared.STS(key).AssumeRole(ctx, in)
	}

	out, err := assume(alice.Key, role, "ext-42")
	if err != nil {
		t.Fatalf("trusted user with right external id: %v", err)
	}
	session := Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey)}
	sessionARN := aws.ToString(out.AssumedRoleUser.Arn)

	if _, err := assume(alice.Key, role, "wrong"); apiErrorCode(t, err) != "AccessDenied" {
		t.Errorf("wrong external id: %v, want AccessDenied", err)
	}
	if _, err := assume(bob.Key, role, "ext-42"); apiErrorCode(t, err) != "AccessDenied" {
		t.Errorf("untrusted user: %v, want AccessDenied", err)
	}

	// Chaining: a role trusting the first role's session.
	chained = shared.CreateRole(t, "chained", sessionARN)
	client := sts.NewFromConfig(aws.Config{
		Region: Region, BaseEndpoint: aws.String(shared.Endpoint), RetryMaxAttempts: 1,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: session.AccessKeyID, SecretAccessKey: session.SecretAccessKey,
				SessionToken: aws.ToString(out.Credentials.SessionToken)}, nil
		}),
	})
	if _, err := client.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(chained), RoleSessionName: aws.String("hop2")}); err != nil {
		t.Errorf("role chaining: %v", err)
	}
}

func TestRecorder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u, device := shared.CreateMFAUser(t, t.Name())
	code := device.Code()

	shared.StartRecording(t)
	_, err := shared.STS(u.Key).GetSessionToken(ctx, &sts.GetSessionTokenInput{
		SerialNumber: aws.String(device.Serial),
		TokenCode:    aws.String(code),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := shared.STS(u.Key).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	shared.StopRecording(t)
	// Not recorded: recording is off.
	if _, err := shared.STS(u.Key).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}

	var mine []Request
	for _, r := range shared.Recorded(t) {
		if r.AccessKeyID == u.Key.AccessKeyID {
			mine = append(mine, r)
		}
	}
	if len(mine) != 2 {
		t.Fatalf("recorded %d requests signed by the user, want 2: %+v", len(mine), mine)
	}
	if mine[0].Action != "GetSessionToken" || mine[1].Action != "GetCallerIdentity" {
		t.Errorf("actions = %q, %q; want GetSessionToken, GetCallerIdentity", mine[0].Action, mine[1].Action)
	}
	if got := mine[0].Params.Get("TokenCode"); got != code {
		t.Errorf("TokenCode = %q, want %s", got, code)
	}
	if got := mine[0].Params.Get("SerialNumber"); got != device.Serial {
		t.Errorf("SerialNumber = %q", got)
	}
}

// Later end-to-end tests run the aws CLI against the harness; prove it works.
func TestAWSCLIAgainstHarness(t *testing.T) {
	t.Parallel()
	awsPath, err := exec.LookPath("aws")
	if err != nil {
		t.Fatalf("aws CLI not on PATH (the image has awscli v1 through pyenv): %v", err)
	}
	u := shared.CreateUser(t, t.Name())
	dir := t.TempDir()
	cmd := exec.Command(awsPath, "sts", "get-caller-identity", "--output", "json")
	cmd.Env = append(append(append(motoEnv(os.Environ()), shared.Env()...), u.Key.Env()...),
		"AWS_CONFIG_FILE="+filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "credentials"),
		"HOME="+dir,
	)
	out, err := cmd.Output()
	if err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			t.Fatalf("aws sts get-caller-identity: %v\n%s", err, exitErr.Stderr)
		}
		t.Fatal(err)
	}
	var identity struct{ Arn string }
	if err := json.Unmarshal(out, &identity); err != nil {
		t.Fatalf("aws output %q: %v", out, err)
	}
	if identity.Arn != u.ARN {
		t.Errorf("aws CLI Arn = %q, want %q", identity.Arn, u.ARN)
	}
}

// A server of its own: DisableAuth is global, and stopping is checked.
func TestStartDisableAuthStop(t *testing.T) {
	t.Parallel()
	m, stop, err := StartForMain()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	ctx := context.Background()
	unknown := Credentials{AccessKeyID: "AKIAUNKNOWNUNKNOWN12", SecretAccessKey: "secret"}

	t.Run("auth off", func(t *testing.T) {
		m.DisableAuth(t)
		if _, err := m.STS(unknown).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
			t.Errorf("unknown key with auth off: %v", err)
		}
	})
	_, err = m.STS(unknown).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if got := apiErrorCode(t, err); got != "InvalidClientTokenId" {
		t.Errorf("after DisableAuth's cleanup: code %q, want InvalidClientTokenId", got)
	}

	stop()
	select {
	case <-m.exited:
	default:
		t.Fatal("moto process still running after stop")
	}
	if resp, err := http.Get(m.Endpoint + "/moto-api/data.json"); err == nil {
		resp.Body.Close()
		t.Errorf("server still answers at %s after stop", m.Endpoint)
	}
}

func TestStartWithTB(t *testing.T) {
	t.Parallel()
	m := Start(t)
	arn, err := m.callerARN(context.Background(), m.Admin)
	if err != nil {
		t.Fatal(err)
	}
	if arn != m.AdminARN {
		t.Errorf("admin ARN = %q, want %q", arn, m.AdminARN)
	}
}
