package awstest

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	oidctypes "github.com/aws/aws-sdk-go-v2/service/ssooidc/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func ssoClients(f *SSOFake) (*ssooidc.Client, *sso.Client) {
	cfg := aws.Config{Region: f.Region, RetryMaxAttempts: 1}
	return ssooidc.NewFromConfig(cfg, func(o *ssooidc.Options) { o.BaseEndpoint = aws.String(f.URL) }),
		sso.NewFromConfig(cfg, func(o *sso.Options) { o.BaseEndpoint = aws.String(f.URL) })
}

// TestSSOFakeWithGoSDK drives the fake with the Go SDK's own OIDC and portal
// clients: device flow, portal credentials that moto accepts, rotating
// refresh tokens and the wire-shape errors the SDK maps to its types.
func TestSSOFakeWithGoSDK(t *testing.T) {
	t.Parallel()
	ctx := ctxFor(t)
	f := StartSSO(t, shared, SSOOptions{SlowDowns: 1})
	roleARN := f.Assign(t, "111111111111", "Developer")
	f.Assign(t, "111111111111", "ReadOnly")
	f.Assign(t, "222222222222", "Admin")
	oidc, portal := ssoClients(f)

	reg, err := oidc.RegisterClient(ctx, &ssooidc.RegisterClientInput{ClientName: aws.String("t"), ClientType: aws.String("public"), Scopes: []string{"sso:account:access"}})
	if err != nil {
		t.Fatal(err)
	}
	if exp := time.Unix(reg.ClientSecretExpiresAt, 0); time.Until(exp) < 89*24*time.Hour {
		t.Errorf("registration expires %v", exp)
	}
	dev, err := oidc.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, StartUrl: aws.String(f.StartURL)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(dev.UserCode) != SSODeviceUserCode || strings.Contains(aws.ToString(dev.VerificationUriComplete), SSODeviceUserCode) || dev.Interval != 1 {
		t.Errorf("device authorization = %+v", dev)
	}
	poll := func() (*ssooidc.CreateTokenOutput, error) {
		return oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
			GrantType: aws.String("urn:ietf:params:oauth:grant-type:device_code"), DeviceCode: dev.DeviceCode})
	}
	var slow *oidctypes.SlowDownException
	if _, err := poll(); !errors.As(err, &slow) {
		t.Fatalf("first poll: %v, want SlowDownException", err)
	}
	var pending *oidctypes.AuthorizationPendingException
	if _, err := poll(); !errors.As(err, &pending) {
		t.Fatalf("poll before approval: %v, want AuthorizationPendingException", err)
	}
	f.Approve(SSODeviceUserCode)
	tok, err := poll()
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken == nil || tok.ExpiresIn < 3500 || tok.ExpiresIn > 3600 {
		t.Errorf("token = %+v", tok)
	}
	var invalid *oidctypes.InvalidGrantException
	if _, err := poll(); !errors.As(err, &invalid) {
		t.Errorf("device code reused: %v, want InvalidGrantException", err)
	}

	rc, err := portal.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{AccessToken: tok.AccessToken, AccountId: aws.String("111111111111"), RoleName: aws.String("Developer")})
	if err != nil {
		t.Fatal(err)
	}
	if exp := time.UnixMilli(rc.RoleCredentials.Expiration); time.Until(exp) < 50*time.Minute || time.Until(exp) > 61*time.Minute {
		t.Errorf("expiration (ms) reads as %v", exp)
	}
	creds := rc.RoleCredentials
	who, err := sts.NewFromConfig(aws.Config{Region: Region, BaseEndpoint: aws.String(shared.Endpoint),
		Credentials: credentials.NewStaticCredentialsProvider(aws.ToString(creds.AccessKeyId), aws.ToString(creds.SecretAccessKey), aws.ToString(creds.SessionToken))}).
		GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("moto refuses the portal's credentials: %v", err)
	}
	roleName := roleARN[strings.LastIndex(roleARN, "/")+1:]
	if want := "assumed-role/" + roleName + "/alice"; !strings.HasSuffix(aws.ToString(who.Arn), want) {
		t.Errorf("caller = %s, want …%s", aws.ToString(who.Arn), want)
	}

	// Pagination of the account and role lists.
	accounts := sso.NewListAccountsPaginator(portal, &sso.ListAccountsInput{AccessToken: tok.AccessToken, MaxResults: aws.Int32(1)})
	var ids []string
	for accounts.HasMorePages() {
		page, err := accounts.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page.AccountList {
			ids = append(ids, aws.ToString(a.AccountId))
		}
	}
	if strings.Join(ids, ",") != "111111111111,222222222222" {
		t.Errorf("accounts = %v", ids)
	}
	roles, err := portal.ListAccountRoles(ctx, &sso.ListAccountRolesInput{AccessToken: tok.AccessToken, AccountId: aws.String("111111111111")})
	if err != nil || len(roles.RoleList) != 2 {
		t.Errorf("roles = %+v, %v", roles, err)
	}

	// Refresh rotates: the new refresh token works, the old one is refused.
	refresh := func(rt *string) (*ssooidc.CreateTokenOutput, error) {
		return oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
			GrantType: aws.String("refresh_token"), RefreshToken: rt})
	}
	next, err := refresh(tok.RefreshToken)
	if err != nil || aws.ToString(next.RefreshToken) == aws.ToString(tok.RefreshToken) {
		t.Fatalf("refresh: %+v, %v", next, err)
	}
	if _, err := refresh(tok.RefreshToken); !errors.As(err, &invalid) || aws.ToString(invalid.Error_description) != "Invalid refresh token provided" {
		t.Errorf("reused refresh token: %v, want InvalidGrantException", err)
	}

	// Logout ends the session: the portal answers 401, mapped by the SDK.
	if _, err := portal.Logout(ctx, &sso.LogoutInput{AccessToken: next.AccessToken}); err != nil {
		t.Fatal(err)
	}
	_, err = portal.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{AccessToken: next.AccessToken, AccountId: aws.String("111111111111"), RoleName: aws.String("Developer")})
	if err == nil || !strings.Contains(err.Error(), "UnauthorizedException: Session token not found or invalid") {
		t.Errorf("after logout: %v", err)
	}
	if _, err := refresh(next.RefreshToken); !errors.As(err, &invalid) {
		t.Errorf("refresh after logout: %v", err)
	}
	for op, want := range map[string]int{"RegisterClient": 1, "StartDeviceAuthorization": 1, "CreateToken:device_code": 4,
		"CreateToken:refresh_token": 3, "GetRoleCredentials": 2, "Logout": 1, "ListAccounts": 2, "ListAccountRoles": 1} {
		if got := f.Count(op); got != want {
			t.Errorf("%s counted %d, want %d", op, got, want)
		}
	}
}

// TestSSOFakePKCE runs the authorization-code flow: /authorize stands in
// for the browser, and the verifier must match the challenge.
func TestSSOFakePKCE(t *testing.T) {
	t.Parallel()
	ctx := ctxFor(t)
	f := StartSSO(t, shared, SSOOptions{})
	oidc, _ := ssoClients(f)
	if _, err := oidc.RegisterClient(ctx, &ssooidc.RegisterClientInput{ClientName: aws.String("t"), ClientType: aws.String("public"),
		GrantTypes: []string{"authorization_code", "refresh_token"}, RedirectUris: []string{"http://127.0.0.1:9/oauth/callback"}, IssuerUrl: aws.String(f.StartURL)}); err == nil {
		t.Error("a redirect URI with a port was registered")
	}
	reg, err := oidc.RegisterClient(ctx, &ssooidc.RegisterClientInput{ClientName: aws.String("t"), ClientType: aws.String("public"),
		GrantTypes: []string{"authorization_code", "refresh_token"}, RedirectUris: []string{"http://127.0.0.1/oauth/callback"},
		IssuerUrl: aws.String(f.StartURL), Scopes: []string{"sso:account:access"}})
	if err != nil {
		t.Fatal(err)
	}
	verifier := strings.Repeat("v", 64)
	sum := sha256.Sum256([]byte(verifier))
	redirect := "http://127.0.0.1:54321/oauth/callback"
	q := url.Values{"response_type": {"code"}, "client_id": {aws.ToString(reg.ClientId)}, "redirect_uri": {redirect}, "state": {"s1"},
		"code_challenge_method": {"S256"}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "scopes": {"sso:account:access"}}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(f.URL + "/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || loc.Query().Get("state") != "s1" || loc.Query().Get("code") == "" || !strings.HasPrefix(loc.String(), redirect+"?") {
		t.Fatalf("authorize: %d %s", resp.StatusCode, loc)
	}
	exchange := func(verifier, redirect string) error {
		_, err := oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, GrantType: aws.String("authorization_code"),
			Code: aws.String(loc.Query().Get("code")), CodeVerifier: aws.String(verifier), RedirectUri: aws.String(redirect)})
		return err
	}
	var invalid *oidctypes.InvalidGrantException
	if err := exchange("wrong", redirect); !errors.As(err, &invalid) {
		t.Errorf("wrong verifier: %v", err)
	}
	if err := exchange(verifier, "http://127.0.0.1:1/oauth/callback"); !errors.As(err, &invalid) {
		t.Errorf("wrong redirect: %v", err)
	}
	if err := exchange(verifier, redirect); err != nil {
		t.Fatal(err)
	}
	if err := exchange(verifier, redirect); !errors.As(err, &invalid) {
		t.Errorf("code reused: %v", err)
	}

	f.Set(func(o *SSOOptions) { o.DenyAuthorize = true })
	resp, err = noFollow.Get(f.URL + "/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc, _ := url.Parse(resp.Header.Get("Location")); loc.Query().Get("error") != "access_denied" {
		t.Errorf("denied authorize redirects to %s", loc)
	}
}

// TestSSOFakeWithBotocore checks the portal's wire shape with botocore:
// GetRoleCredentials through AWS_ENDPOINT_URL_SSO, expiration in ms.
func TestSSOFakeWithBotocore(t *testing.T) {
	t.Parallel()
	f := StartSSO(t, shared, SSOOptions{})
	f.Assign(t, "111111111111", "Developer")
	tok := f.IssueToken(time.Hour)
	script := `
import boto3, os, datetime
c = boto3.client("sso", region_name="us-east-1")
r = c.get_role_credentials(accessToken=os.environ["TOK"], accountId="111111111111", roleName="Developer")["roleCredentials"]
left = r["expiration"] / 1000 - datetime.datetime.now().timestamp()
assert 3000 < left <= 3600, left
try:
    c.get_role_credentials(accessToken="bad", accountId="111111111111", roleName="Developer")
except c.exceptions.UnauthorizedException as e:
    print("unauthorized:", e.response["Error"]["Message"])
`
	cmd := exec.Command("python3", "-c", script)
	cmd.Env = append(motoEnv(os.Environ()), append(f.Env(), "TOK="+tok.AccessToken, "AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=x")...)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "unauthorized: Session token not found or invalid") {
		t.Fatalf("botocore against the fake: %v\n%s", err, out)
	}
}
