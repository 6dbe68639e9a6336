package awstest

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// Each test here proves one launcher.py patch against moto; stock moto
// 5.2.1 fails every one of them.

func apiError(t *testing.T, err error) (code, message string) {
	t.Helper()
	if err == nil {
		t.Fatal("call succeeded, want an API error")
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v (%T) is not a smithy.APIError", err, err)
	}
	return apiErr.ErrorCode(), apiErr.ErrorMessage()
}

func wantAPIError(t *testing.T, what string, err error, code, message string) {
	t.Helper()
	gotCode, gotMessage := apiError(t, err)
	if gotCode != code || !strings.Contains(gotMessage, message) {
		t.Errorf("%s: %s %q, want %s %q", what, gotCode, gotMessage, code, message)
	}
}

func listOwnKeys(creds Credentials, user User) error {
	_, err := shared.IAM(creds).ListAccessKeys(context.Background(), &iam.ListAccessKeysInput{UserName: aws.String(user.Name)})
	return err
}

func TestGetSessionTokenMintsTheUsersCredentials(t *testing.T) {
	t.Parallel()
	u, device := shared.CreateMFAUser(t, t.Name())
	shared.AllowUser(t, u, "iam:ListAccessKeys")

	plain := shared.SessionToken(t, u, nil)
	if !strings.HasPrefix(plain.AccessKeyID, "ASIA") || plain.SessionToken == "" || plain.AccessKeyID == "AKIAIOSFODNN7EXAMPLE" {
		t.Fatalf("session %v, want a fresh ASIA key with a token", plain)
	}
	if got := shared.CallerARN(t, plain); got != u.ARN {
		t.Errorf("GetCallerIdentity with the session = %s, want the user %s", got, u.ARN)
	}
	// Without MFA, IAM refuses the session (as real IAM does); with MFA it
	// acts as the user.
	wantAPIError(t, "IAM with a session made without MFA", listOwnKeys(plain, u), "InvalidClientTokenId", "security token")
	withMFA := shared.SessionToken(t, u, &device)
	if err := listOwnKeys(withMFA, u); err != nil {
		t.Errorf("IAM with an MFA session, allowed to the user: %v", err)
	}
	other := shared.CreateUser(t, t.Name()+"-other")
	wantAPIError(t, "IAM action the user is not allowed", func() error {
		_, err := shared.IAM(withMFA).ListUsers(context.Background(), &iam.ListUsersInput{})
		return err
	}(), "AccessDenied", "User: "+u.ARN+" is not authorized to perform: iam:ListUsers")
	_ = other

	// The token is checked exactly.
	tampered := withMFA
	tampered.SessionToken += "x"
	wantAPIError(t, "tampered token", listOwnKeys(tampered, u), "InvalidClientTokenId", "")
	noToken := withMFA
	noToken.SessionToken = ""
	wantAPIError(t, "no token", listOwnKeys(noToken, u), "InvalidClientTokenId", "")

	var found int
	for _, s := range shared.SessionsOf(t, u.Name) {
		if s.AccessKeyID == withMFA.AccessKeyID && s.MFA && s.Kind == "user" && s.Arn == u.ARN && !s.Expiration.IsZero() {
			found++
		}
		if s.AccessKeyID == plain.AccessKeyID && s.MFA {
			t.Errorf("session without a code recorded as MFA: %+v", s)
		}
	}
	if found != 1 {
		t.Errorf("Sessions does not show the MFA session: %+v", shared.SessionsOf(t, u.Name))
	}
}

func TestGetSessionTokenChecksTheTOTPCode(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u, device := shared.CreateMFAUser(t, t.Name())
	other, otherDevice := shared.CreateMFAUser(t, t.Name()+"-other")
	_ = other
	call := func(serial, code string) error {
		_, err := shared.STS(u.Key).GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(serial), TokenCode: aws.String(code)})
		return err
	}
	wantAPIError(t, "wrong code", call(device.Serial, device.WrongCode()), "AccessDenied",
		"MultiFactorAuthentication failed with invalid MFA one time pass code.")
	wantAPIError(t, "device that does not exist", call(device.Serial+"-nope", device.Code()), "AccessDenied",
		"MultiFactorAuthentication failed, unable to validate MFA code.")
	wantAPIError(t, "another user's device", call(otherDevice.Serial, otherDevice.Code()), "AccessDenied",
		"Please verify your MFA serial number is valid and associated with this user.")
	if err := call(device.Serial, device.Code()); err != nil {
		t.Errorf("right code: %v", err)
	}
}

func TestSessionCredentialsCannotGetSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u, device := shared.CreateMFAUser(t, t.Name())
	shared.AllowUser(t, u, "sts:GetFederationToken")
	session := shared.SessionToken(t, u, &device)
	_, err := shared.STS(session).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	wantAPIError(t, "GetSessionToken with a session", err, "AccessDenied", "Cannot call GetSessionToken with session credentials")
	_, err = shared.STS(session).GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("fed")})
	wantAPIError(t, "GetFederationToken with a session", err, "AccessDenied", "Cannot call GetFederationToken with session credentials")

	roleARN := shared.CreateRole(t, "r", u.ARN)
	out, err := shared.STS(u.Key).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("s")})
	if err != nil {
		t.Fatal(err)
	}
	role := credentialsOf(out.Credentials.AccessKeyId, out.Credentials.SecretAccessKey, out.Credentials.SessionToken)
	shared.AllowRole(t, roleName(roleARN), "sts:GetSessionToken", "sts:GetFederationToken")
	_, err = shared.STS(role).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	wantAPIError(t, "GetSessionToken with role credentials", err, "AccessDenied", "Cannot call GetSessionToken with session credentials")
	_, err = shared.STS(role).GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("fed")})
	wantAPIError(t, "GetFederationToken with role credentials", err, "AccessDenied", "Cannot call GetFederationToken with session credentials")
}

func roleName(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }

func TestAssumeRoleDurationLimits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u, device := shared.CreateMFAUser(t, t.Name())
	long := shared.CreateRole(t, "long", u.ARN, WithMaxSessionDuration(43200))
	short := shared.CreateRole(t, "short", u.ARN)
	assume := func(creds Credentials, roleARN string, seconds int32) (Credentials, error) {
		out, err := shared.STS(creds).AssumeRole(ctx, &sts.AssumeRoleInput{
			RoleArn: aws.String(roleARN), RoleSessionName: aws.String("s"), DurationSeconds: aws.Int32(seconds),
		})
		if err != nil {
			return Credentials{}, err
		}
		return credentialsOf(out.Credentials.AccessKeyId, out.Credentials.SecretAccessKey, out.Credentials.SessionToken), nil
	}
	const chainMessage = "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."

	if _, err := assume(u.Key, long, 7200); err != nil {
		t.Errorf("2 h from the long-term key on a 12 h role: %v", err)
	}
	_, err := assume(u.Key, short, 7200)
	wantAPIError(t, "2 h on a 1 h role", err, "ValidationError", "exceeds the MaxSessionDuration set for this role")

	session := shared.SessionToken(t, u, &device)
	_, err = assume(session, long, 7200)
	wantAPIError(t, "2 h from a GetSessionToken session", err, "ValidationError", chainMessage)
	first, err := assume(session, long, 3600)
	if err != nil {
		t.Fatalf("1 h from a session: %v", err)
	}
	hop2 := shared.CreateRole(t, "hop2", "arn:aws:sts::"+shared.accountOf(t)+":assumed-role/"+roleName(long)+"/s", WithMaxSessionDuration(43200))
	_, err = assume(first, hop2, 3601)
	wantAPIError(t, "just over 1 h by role chaining", err, "ValidationError", chainMessage)
	if _, err := assume(first, hop2, 3600); err != nil {
		t.Errorf("1 h by role chaining: %v", err)
	}
}

func TestMFARoleNeedsMFA(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u, device := shared.CreateMFAUser(t, t.Name())
	roleARN := shared.CreateRole(t, "mfa", u.ARN, RequireMFA())
	assume := func(creds Credentials, serial, code string) error {
		in := &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("s")}
		if serial != "" {
			in.SerialNumber, in.TokenCode = aws.String(serial), aws.String(code)
		}
		_, err := shared.STS(creds).AssumeRole(ctx, in)
		return err
	}
	wantAPIError(t, "no MFA", assume(u.Key, "", ""), "AccessDenied", "is not authorized to perform: sts:AssumeRole")
	wantAPIError(t, "wrong code", assume(u.Key, device.Serial, device.WrongCode()), "AccessDenied", "invalid MFA one time pass code")
	if err := assume(u.Key, device.Serial, device.Code()); err != nil {
		t.Errorf("long-term key with the code: %v", err)
	}
	if err := assume(shared.SessionToken(t, u, &device), "", ""); err != nil {
		t.Errorf("MFA session: %v", err)
	}
	wantAPIError(t, "session without MFA", assume(shared.SessionToken(t, u, nil), "", ""), "AccessDenied", "sts:AssumeRole")
}

func TestInactiveKeyIsRefused(t *testing.T) {
	t.Parallel()
	u := shared.CreateUser(t, t.Name())
	shared.SetAccessKeyStatus(t, u, u.Key.AccessKeyID, "Inactive")
	_, err := shared.STS(u.Key).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	wantAPIError(t, "inactive key", err, "InvalidClientTokenId", "The security token included in the request is invalid.")
	shared.SetAccessKeyStatus(t, u, u.Key.AccessKeyID, "Active")
	if got := shared.CallerARN(t, u.Key); got != u.ARN {
		t.Errorf("reactivated key: %s", got)
	}
}

func TestEnableMFADeviceChecksCodes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u := shared.CreateUser(t, t.Name())
	client := shared.IAM(Credentials{})
	out, err := client.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(u.Name)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{
		UserName: aws.String(u.Name), SerialNumber: out.VirtualMFADevice.SerialNumber,
		AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("654321"),
	})
	wantAPIError(t, "made-up codes", err, "InvalidAuthenticationCode", "Authentication code for device is not valid.")
}

func TestFederationToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u := shared.CreateUser(t, t.Name())
	shared.AllowUser(t, u, "sts:GetFederationToken", "s3:ListAllMyBuckets", "iam:ListAccessKeys")
	fed := shared.FederationToken(t, u, "fed-"+u.Name[len(u.Name)-6:], "*")
	if !strings.HasPrefix(fed.AccessKeyID, "ASIA") || fed.SessionToken == "" {
		t.Fatalf("federation token %v", fed)
	}
	wantARN := "arn:aws:sts::" + shared.accountOf(t) + ":federated-user/fed-" + u.Name[len(u.Name)-6:]
	if got := shared.CallerARN(t, fed); got != wantARN {
		t.Errorf("GetCallerIdentity = %s, want %s", got, wantARN)
	}
	// No IAM, and of STS only GetCallerIdentity, as in AWS.
	wantAPIError(t, "IAM as a federated user", listOwnKeys(fed, u), "AccessDenied", "federated-user/")
	_, err := shared.STS(fed).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + shared.accountOf(t) + ":role/x"), RoleSessionName: aws.String("s")})
	wantAPIError(t, "AssumeRole as a federated user", err, "AccessDenied", "")

	// Its permissions are the user's intersected with the session policy.
	if out, err := awsCLI(t, fed, "s3api", "list-buckets"); err != nil {
		t.Errorf("s3 list-buckets with an allow-all session policy: %v %s", err, out)
	}
	none := shared.FederationToken(t, u, "none-"+u.Name[len(u.Name)-6:])
	if out, err := awsCLI(t, none, "s3api", "list-buckets"); err == nil || !strings.Contains(out, "AccessDenied") {
		t.Errorf("s3 list-buckets without a session policy: %v %s, want AccessDenied", err, out)
	}
	// The long-term key is needed: session callers are refused (TestSessionCredentialsCannotGetSessions).
}

func awsCLI(t *testing.T, creds Credentials, args ...string) (string, error) {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("aws", args...)
	cmd.Env = append(append(append(motoEnv(os.Environ()), shared.Env()...), creds.Env()...),
		"AWS_CONFIG_FILE="+filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "credentials"), "HOME="+dir)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestAssumeRoleWithWebIdentityUnsigned(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	roleARN := shared.CreateWebIdentityRole(t, "wi", "iam:ListRoles")
	anon := sts.NewFromConfig(aws.Config{Region: Region, BaseEndpoint: aws.String(shared.Endpoint), RetryMaxAttempts: 1})
	assume := func(token string) (*sts.AssumeRoleWithWebIdentityOutput, error) {
		return anon.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
			RoleArn: aws.String(roleARN), RoleSessionName: aws.String("wi-session"), WebIdentityToken: aws.String(token),
		})
	}
	out, err := assume(shared.NewIdentityToken(t, roleARN))
	if err != nil {
		t.Fatalf("registered token, unsigned call under auth: %v", err)
	}
	creds := credentialsOf(out.Credentials.AccessKeyId, out.Credentials.SecretAccessKey, out.Credentials.SessionToken)
	if got := shared.CallerARN(t, creds); !strings.HasSuffix(got, ":assumed-role/"+roleName(roleARN)+"/wi-session") {
		t.Errorf("caller = %s", got)
	}
	if _, err := shared.IAM(creds).ListRoles(ctx, &iam.ListRolesInput{}); err != nil {
		t.Errorf("IAM call allowed by the role's policy: %v", err)
	}

	_, err = assume("not-registered")
	wantAPIError(t, "unregistered token on a strict role", err, "InvalidIdentityToken", "verification key")
	for _, tc := range []struct{ code, message string }{
		{TokenExpired, "Token expired"},
		{TokenAccessDenied, "Not authorized to perform sts:AssumeRoleWithWebIdentity"},
		{TokenRejectedClaim, "audience"},
	} {
		token := UniqueName("token-" + tc.code)
		shared.RegisterIdentityToken(t, token, TokenOutcome{Error: tc.code})
		_, err := assume(token)
		wantAPIError(t, tc.code, err, tc.code, tc.message)
	}
	custom := UniqueName("custom")
	shared.RegisterIdentityToken(t, custom, TokenOutcome{Error: TokenInvalid, Message: "The ID Token provided is not a valid JWT."})
	_, err = assume(custom)
	wantAPIError(t, "custom message", err, TokenInvalid, "not a valid JWT")
	// A token registered for another role does not open this one.
	_, err = assume(shared.NewIdentityToken(t, roleARN+"-other"))
	wantAPIError(t, "token of another role", err, "InvalidIdentityToken", "")
}

func TestAssumeRoleWithSAMLUnsigned(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	roleARN := shared.CreateWebIdentityRole(t, "saml")
	provider := "arn:aws:iam::" + shared.accountOf(t) + ":saml-provider/awstest"
	assertion := base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf(`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"><saml:Assertion><saml:AttributeStatement>`+
		`<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><saml:AttributeValue>%s,%s</saml:AttributeValue></saml:Attribute>`+
		`<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><saml:AttributeValue>saml-user</saml:AttributeValue></saml:Attribute>`+
		`</saml:AttributeStatement></saml:Assertion></samlp:Response>`, roleARN, provider)))
	anon := sts.NewFromConfig(aws.Config{Region: Region, BaseEndpoint: aws.String(shared.Endpoint), RetryMaxAttempts: 1})
	assume := func() error {
		_, err := anon.AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{
			RoleArn: aws.String(roleARN), PrincipalArn: aws.String(provider), SAMLAssertion: aws.String(assertion),
		})
		return err
	}
	_, err := anon.AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String(roleARN), PrincipalArn: aws.String(provider), SAMLAssertion: aws.String(assertion)})
	wantAPIError(t, "unregistered assertion on a strict role", err, "InvalidIdentityToken", "")
	shared.RegisterIdentityToken(t, assertion, TokenOutcome{RoleARN: roleARN})
	if err := assume(); err != nil {
		t.Fatalf("registered assertion, unsigned: %v", err)
	}
	shared.RegisterIdentityToken(t, assertion, TokenOutcome{Error: TokenExpired})
	wantAPIError(t, "expired assertion", assume(), TokenExpired, "")
}
