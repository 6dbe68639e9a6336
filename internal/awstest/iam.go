package awstest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// User is an IAM user the harness created, with its first access key.
type User struct {
	Name string
	ARN  string
	Key  Credentials
}

// AccessKey is one row of IAM ListAccessKeys.
type AccessKey struct {
	ID      string
	Status  string
	Created time.Time
}

func ctxFor(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// CreateUser creates an IAM user named UniqueName(name) with one access
// key. The user has no permissions beyond what moto always allows
// (sts:GetCallerIdentity); grant more with AllowUser.
func (m *Moto) CreateUser(t testing.TB, name string) User {
	t.Helper()
	ctx := ctxFor(t)
	name = UniqueName(name)
	out, err := m.IAM(Credentials{}).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatalf("awstest: CreateUser %s: %v", name, err)
	}
	u := User{Name: name, ARN: aws.ToString(out.User.Arn)}
	u.Key = m.CreateAccessKey(t, u)
	return u
}

// CreateAccessKey adds an access key to user (moto allows two per user).
func (m *Moto) CreateAccessKey(t testing.TB, user User) Credentials {
	t.Helper()
	out, err := m.IAM(Credentials{}).CreateAccessKey(ctxFor(t), &iam.CreateAccessKeyInput{UserName: aws.String(user.Name)})
	if err != nil {
		t.Fatalf("awstest: CreateAccessKey for %s: %v", user.Name, err)
	}
	return Credentials{
		AccessKeyID:     aws.ToString(out.AccessKey.AccessKeyId),
		SecretAccessKey: aws.ToString(out.AccessKey.SecretAccessKey),
	}
}

// DeleteAccessKey deletes one of user's keys; moto then rejects it with
// InvalidClientTokenId, like AWS does for a deleted key.
func (m *Moto) DeleteAccessKey(t testing.TB, user User, keyID string) {
	t.Helper()
	_, err := m.IAM(Credentials{}).DeleteAccessKey(ctxFor(t), &iam.DeleteAccessKeyInput{
		UserName: aws.String(user.Name), AccessKeyId: aws.String(keyID),
	})
	if err != nil {
		t.Fatalf("awstest: DeleteAccessKey %s of %s: %v", keyID, user.Name, err)
	}
}

// SetAccessKeyStatus makes a key Active or Inactive. The harness's moto then
// refuses an Inactive key with InvalidClientTokenId, as real AWS does (stock
// moto accepted it).
func (m *Moto) SetAccessKeyStatus(t testing.TB, user User, keyID, status string) {
	t.Helper()
	_, err := m.IAM(Credentials{}).UpdateAccessKey(ctxFor(t), &iam.UpdateAccessKeyInput{
		UserName: aws.String(user.Name), AccessKeyId: aws.String(keyID), Status: types.StatusType(status),
	})
	if err != nil {
		t.Fatalf("awstest: UpdateAccessKey %s of %s to %s: %v", keyID, user.Name, status, err)
	}
}

// ListAccessKeys lists user's keys as IAM reports them.
func (m *Moto) ListAccessKeys(t testing.TB, user User) []AccessKey {
	t.Helper()
	out, err := m.IAM(Credentials{}).ListAccessKeys(ctxFor(t), &iam.ListAccessKeysInput{UserName: aws.String(user.Name)})
	if err != nil {
		t.Fatalf("awstest: ListAccessKeys of %s: %v", user.Name, err)
	}
	keys := make([]AccessKey, 0, len(out.AccessKeyMetadata))
	for _, k := range out.AccessKeyMetadata {
		keys = append(keys, AccessKey{ID: aws.ToString(k.AccessKeyId), Status: string(k.Status), Created: aws.ToTime(k.CreateDate)})
	}
	return keys
}

// AllowUser attaches an inline policy to user allowing actions on every
// resource.
func (m *Moto) AllowUser(t testing.TB, user User, actions ...string) {
	t.Helper()
	m.allowUser(t, user.Name, []string{"*"}, actions)
}

func (m *Moto) allowUser(t testing.TB, userName string, resources, actions []string) {
	t.Helper()
	_, err := m.IAM(Credentials{}).PutUserPolicy(ctxFor(t), &iam.PutUserPolicyInput{
		UserName:       aws.String(userName),
		PolicyName:     aws.String(UniqueName("allow")),
		PolicyDocument: aws.String(policyDocument(statement{Effect: "Allow", Action: actions, Resource: resources})),
	})
	if err != nil {
		t.Fatalf("awstest: PutUserPolicy on %s: %v", userName, err)
	}
}

// AllowRole attaches an inline policy to the role named roleName (the last
// part of its ARN) allowing actions on every resource; role chaining needs
// sts:AssumeRole here.
func (m *Moto) AllowRole(t testing.TB, roleName string, actions ...string) {
	t.Helper()
	_, err := m.IAM(Credentials{}).PutRolePolicy(ctxFor(t), &iam.PutRolePolicyInput{
		RoleName:       aws.String(roleName),
		PolicyName:     aws.String(UniqueName("allow")),
		PolicyDocument: aws.String(policyDocument(statement{Effect: "Allow", Action: actions, Resource: []string{"*"}})),
	})
	if err != nil {
		t.Fatalf("awstest: PutRolePolicy on %s: %v", roleName, err)
	}
}

// RoleOption adjusts CreateRole.
type RoleOption func(*roleOptions)

type roleOptions struct {
	externalID string
	maxSession int32
	requireMFA bool
}

// WithExternalID adds a StringEquals sts:ExternalId condition to the trust
// policy. moto checks a wrong id but lets a missing one pass.
func WithExternalID(id string) RoleOption { return func(o *roleOptions) { o.externalID = id } }

// RequireMFA adds a Bool aws:MultiFactorAuthPresent "true" condition to the
// trust policy: the harness's moto then lets only MFA sessions, or
// AssumeRole calls with a valid SerialNumber/TokenCode, assume the role.
func RequireMFA() RoleOption { return func(o *roleOptions) { o.requireMFA = true } }

// WithMaxSessionDuration sets the role's MaxSessionDuration in seconds.
func WithMaxSessionDuration(seconds int32) RoleOption {
	return func(o *roleOptions) { o.maxSession = seconds }
}

// CreateRole creates a role named UniqueName(name) whose trust policy names
// trustedPrincipalARN exactly (moto honours exact ARNs and "*", not account
// roots), and lets that principal call sts:AssumeRole on it: an inline
// policy on the user, or on the role when the principal is a role or an
// assumed-role session (chaining). It returns the role's ARN.
func (m *Moto) CreateRole(t testing.TB, name, trustedPrincipalARN string, opts ...RoleOption) string {
	t.Helper()
	var o roleOptions
	for _, opt := range opts {
		opt(&o)
	}
	trust := statement{
		Effect:    "Allow",
		Principal: map[string]any{"AWS": trustedPrincipalARN},
		Action:    []string{"sts:AssumeRole"},
	}
	if o.externalID != "" || o.requireMFA {
		trust.Condition = map[string]map[string]string{}
	}
	if o.externalID != "" {
		trust.Condition["StringEquals"] = map[string]string{"sts:ExternalId": o.externalID}
	}
	if o.requireMFA {
		trust.Condition["Bool"] = map[string]string{"aws:MultiFactorAuthPresent": "true"}
	}
	in := &iam.CreateRoleInput{
		RoleName:                 aws.String(UniqueName(name)),
		AssumeRolePolicyDocument: aws.String(policyDocument(trust)),
	}
	if o.maxSession > 0 {
		in.MaxSessionDuration = aws.Int32(o.maxSession)
	}
	out, err := m.IAM(Credentials{}).CreateRole(ctxFor(t), in)
	if err != nil {
		t.Fatalf("awstest: CreateRole %s: %v", aws.ToString(in.RoleName), err)
	}
	roleARN := aws.ToString(out.Role.Arn)

	kind, principalName := principalOf(trustedPrincipalARN)
	switch kind {
	case "user":
		m.allowUser(t, principalName, []string{roleARN}, []string{"sts:AssumeRole"})
	case "role", "assumed-role":
		m.AllowRole(t, principalName, "sts:AssumeRole")
	}
	return roleARN
}

// principalOf splits an IAM/STS ARN's resource into its kind and name:
// user/path/alice -> ("user", "alice"), assumed-role/r/s -> ("assumed-role", "r").
func principalOf(arn string) (kind, name string) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return "", ""
	}
	segments := strings.Split(parts[5], "/")
	if len(segments) < 2 {
		return segments[0], ""
	}
	kind = segments[0]
	if kind == "assumed-role" {
		return kind, segments[1]
	}
	return kind, segments[len(segments)-1]
}
