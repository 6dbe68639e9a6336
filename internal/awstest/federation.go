package awstest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Errors an identity token can be registered to get from
// AssumeRoleWithWebIdentity / AssumeRoleWithSAML, as real STS names them.
const (
	TokenExpired         = "ExpiredTokenException" // HTTP 400
	TokenInvalid         = "InvalidIdentityToken"  // HTTP 400
	TokenRejectedClaim   = "IDPRejectedClaim"      // HTTP 403
	TokenIDPUnreachable  = "IDPCommunicationError" // HTTP 400
	TokenAccessDenied    = "AccessDenied"          // HTTP 403
	webIdentityTokenPath = "/moto-api/awstest/web-identity-token"
	webIdentityRolePath  = "/moto-api/awstest/web-identity-strict"
	sessionsPath         = "/moto-api/awstest/sessions"
)

// TokenOutcome is what moto answers for a registered identity token.
type TokenOutcome struct {
	// RoleARN limits the token to one role (any role when empty).
	RoleARN string
	// Error is one of the Token* codes; empty accepts the token.
	Error string
	// Message replaces real STS's default message for Error.
	Message string
}

// RegisterIdentityToken tells moto how to answer AssumeRoleWithWebIdentity
// (token = WebIdentityToken) or AssumeRoleWithSAML (token = SAMLAssertion)
// for token. Unregistered tokens are accepted (moto's stock behaviour)
// unless the role is strict (StrictIdentityRole). Tokens are global to the
// server, so use unique ones (NewIdentityToken).
func (m *Moto) RegisterIdentityToken(t testing.TB, token string, o TokenOutcome) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"token": token, "role_arn": o.RoleARN, "error": o.Error, "message": o.Message})
	if err := m.motoAPI(webIdentityTokenPath, "application/json", string(body), nil); err != nil {
		t.Fatalf("awstest: registering an identity token: %v", err)
	}
}

// StrictIdentityRole makes AssumeRoleWithWebIdentity/SAML on roleARN accept
// only tokens registered for it (others: InvalidIdentityToken).
func (m *Moto) StrictIdentityRole(t testing.TB, roleARN string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"role_arn": roleARN})
	if err := m.motoAPI(webIdentityRolePath, "application/json", string(body), nil); err != nil {
		t.Fatalf("awstest: marking %s strict: %v", roleARN, err)
	}
}

// NewIdentityToken returns a fresh JWT-shaped OIDC token (unsigned; moto
// reads no claim) registered as accepted for roleARN.
func (m *Moto) NewIdentityToken(t testing.TB, roleARN string) string {
	t.Helper()
	enc := base64.RawURLEncoding
	nonce := make([]byte, 12)
	rand.Read(nonce)
	claims, _ := json.Marshal(map[string]any{
		"iss": "https://oidc.awstest.invalid", "sub": UniqueName("subject"), "aud": "sts.amazonaws.com",
		"exp": time.Now().Add(time.Hour).Unix(), "jti": enc.EncodeToString(nonce),
	})
	token := enc.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc.EncodeToString(claims) + "." + enc.EncodeToString(nonce)
	m.RegisterIdentityToken(t, token, TokenOutcome{RoleARN: roleARN})
	return token
}

// CreateWebIdentityRole creates a role whose trust policy lets an OIDC
// provider's users call sts:AssumeRoleWithWebIdentity, makes it strict
// (only tokens from NewIdentityToken or RegisterIdentityToken for it pass)
// and lets its sessions call actions. It returns the role's ARN.
func (m *Moto) CreateWebIdentityRole(t testing.TB, name string, actions ...string) string {
	t.Helper()
	trust := statement{
		Effect:    "Allow",
		Principal: map[string]any{"Federated": "arn:aws:iam::" + m.accountOf(t) + ":oidc-provider/oidc.awstest.invalid"},
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
	}
	out, err := m.IAM(Credentials{}).CreateRole(ctxFor(t), &iam.CreateRoleInput{
		RoleName:                 aws.String(UniqueName(name)),
		AssumeRolePolicyDocument: aws.String(policyDocument(trust)),
	})
	if err != nil {
		t.Fatalf("awstest: CreateRole %s: %v", name, err)
	}
	arn := aws.ToString(out.Role.Arn)
	if len(actions) > 0 {
		m.AllowRole(t, aws.ToString(out.Role.RoleName), actions...)
	}
	m.StrictIdentityRole(t, arn)
	return arn
}

func (m *Moto) accountOf(t testing.TB) string {
	parts := strings.Split(m.AdminARN, ":")
	if len(parts) < 5 {
		t.Fatalf("awstest: admin ARN %q has no account", m.AdminARN)
	}
	return parts[4]
}

// Session is temporary credentials the harness's moto minted for
// GetSessionToken (Kind "user") or GetFederationToken (Kind "federated").
type Session struct {
	AccessKeyID string
	Kind        string
	UserName    string // the IAM user who asked for it
	Arn         string // what GetCallerIdentity shows
	MFA         bool   // made with a valid MFA code
	Expiration  time.Time
}

// Sessions lists every session moto minted so far (all tests); filter on
// UserName. It tells a test which key signed a recorded request.
func (m *Moto) Sessions(t testing.TB) []Session {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, m.Endpoint+sessionsPath, nil)
	if err != nil {
		t.Fatalf("awstest: %v", err)
	}
	var body []byte
	if err := m.do(req, &body); err != nil {
		t.Fatalf("awstest: %v", err)
	}
	var sessions []Session
	if err := json.Unmarshal(body, &sessions); err != nil {
		t.Fatalf("awstest: sessions %q: %v", body, err)
	}
	return sessions
}

// SessionsOf returns the sessions moto minted for the user named userName.
func (m *Moto) SessionsOf(t testing.TB, userName string) []Session {
	t.Helper()
	var mine []Session
	for _, s := range m.Sessions(t) {
		if s.UserName == userName {
			mine = append(mine, s)
		}
	}
	return mine
}

// SessionToken calls GetSessionToken as user (with device's current code
// when device is not nil) and returns the session's credentials.
func (m *Moto) SessionToken(t testing.TB, user User, device *MFADevice) Credentials {
	t.Helper()
	in := &sts.GetSessionTokenInput{}
	if device != nil {
		in.SerialNumber, in.TokenCode = aws.String(device.Serial), aws.String(device.Code())
	}
	out, err := m.STS(user.Key).GetSessionToken(ctxFor(t), in)
	if err != nil {
		t.Fatalf("awstest: GetSessionToken as %s: %v", user.Name, err)
	}
	return credentialsOf(out.Credentials.AccessKeyId, out.Credentials.SecretAccessKey, out.Credentials.SessionToken)
}

// FederationToken calls GetFederationToken as user for a federated user
// called name, with an inline session policy allowing actions on every
// resource (no actions: no session policy, so no permissions, as in AWS).
func (m *Moto) FederationToken(t testing.TB, user User, name string, actions ...string) Credentials {
	t.Helper()
	in := &sts.GetFederationTokenInput{Name: aws.String(name)}
	if len(actions) > 0 {
		in.Policy = aws.String(policyDocument(statement{Effect: "Allow", Action: actions, Resource: []string{"*"}}))
	}
	out, err := m.STS(user.Key).GetFederationToken(ctxFor(t), in)
	if err != nil {
		t.Fatalf("awstest: GetFederationToken as %s: %v", user.Name, err)
	}
	return credentialsOf(out.Credentials.AccessKeyId, out.Credentials.SecretAccessKey, out.Credentials.SessionToken)
}

func credentialsOf(id, secret, token *string) Credentials {
	return Credentials{AccessKeyID: aws.ToString(id), SecretAccessKey: aws.ToString(secret), SessionToken: aws.ToString(token)}
}

// CallerARN returns the ARN GetCallerIdentity shows for creds.
func (m *Moto) CallerARN(t testing.TB, creds Credentials) string {
	t.Helper()
	arn, err := m.callerARN(ctxFor(t), creds)
	if err != nil {
		t.Fatalf("awstest: GetCallerIdentity as %s: %v", creds.AccessKeyID, err)
	}
	return arn
}

// String keeps secrets out of test logs.
func (c Credentials) String() string {
	if c.SessionToken != "" {
		return fmt.Sprintf("{%s (session)}", c.AccessKeyID)
	}
	return fmt.Sprintf("{%s}", c.AccessKeyID)
}
