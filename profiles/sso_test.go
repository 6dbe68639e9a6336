package profiles

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

const ssoConfig = `[sso-session corp]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access , other:scope,

[sso-session bare]
sso_region = eu-west-1
sso_start_url = https://bare.awsapps.com/start

[profile dev]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Developer
region = us-west-2

[profile legacy]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = us-east-1
sso_account_id = 222222222222
sso_role_name = ReadOnly

[profile admin]
source_profile = dev
role_arn = arn:aws:iam::333333333333:role/Admin

[profile login-only]
sso_session = bare
`

func TestResolveSSO(t *testing.T) {
	s := writeSet(t, ssoConfig, "")
	c, err := s.Resolve("dev")
	if err != nil {
		t.Fatal(err)
	}
	want := &SSO{Session: "corp", StartURL: "https://d-1234567890.awsapps.com/start", Region: "eu-west-1",
		AccountID: "111111111111", RoleName: "Developer", Scopes: []string{"sso:account:access", "other:scope"}}
	if got := c.Source().SSO; !reflect.DeepEqual(got, want) {
		t.Errorf("dev SSO = %+v, want %+v", got, want)
	}
	if got := c.Source().SSO.CacheKey(); got != "corp" {
		t.Errorf("cache key = %q", got)
	}

	c, err = s.Resolve("legacy")
	if err != nil {
		t.Fatal(err)
	}
	l := c.Source().SSO
	if !l.Legacy() || l.CacheKey() != "https://d-1234567890.awsapps.com/start" || l.Region != "us-east-1" || l.AccountID != "222222222222" {
		t.Errorf("legacy SSO = %+v", l)
	}

	c, err = s.Resolve("admin")
	if err != nil {
		t.Fatal(err)
	}
	if got := hopNames(c); !reflect.DeepEqual(got, []string{"dev", "admin"}) || c.Source().SSO == nil || c.Target().SSO != nil {
		t.Errorf("admin chain = %v, source SSO %v", got, c.Source().SSO)
	}

	// A profile naming a session alone is no credential source, but sso
	// login can use it.
	c, err = s.Resolve("login-only")
	if err != nil || c.Source().SSO != nil {
		t.Errorf("login-only: %v, %+v", err, c)
	}
	target, err := s.SSOLoginTarget("login-only")
	if err != nil || target.Session != "bare" || !reflect.DeepEqual(target.Scopes, DefaultSSOScopes) {
		t.Errorf("login target = %+v, %v", target, err)
	}
	if _, err := s.SSOLoginTarget("admin"); !errors.As(err, new(*NotSSOError)) {
		t.Errorf("login target of a role profile: %v", err)
	}
	if got := s.SSOSessions(); !reflect.DeepEqual(got, []string{"bare", "corp"}) {
		t.Errorf("sessions = %q", got)
	}
}

func TestSSOConfigErrors(t *testing.T) {
	cases := []struct {
		name, config, creds string
		line                int
		want                []string
	}{
		{"missing session", "[profile p]\nregion = x\nsso_session = nope\nsso_account_id = 1\nsso_role_name = r\n", "", 3,
			[]string{`The specified sso-session does not exist: "nope"`, "[sso-session nope]"}},
		{"missing keys", "[sso-session s]\nsso_region = r\nsso_start_url = u\n[profile p]\nsso_session = s\nsso_account_id = 1\n", "", 5,
			[]string{`The profile "p" is configured to use SSO but is missing required configuration: sso_role_name`}},
		{"legacy missing keys", "[profile p]\nsso_role_name = r\nsso_account_id = 1\n", "", 2,
			[]string{"missing required configuration: sso_region, sso_start_url"}},
		{"session missing keys", "[sso-session s]\nsso_region = r\n[profile p]\nsso_session = s\nsso_account_id = 1\nsso_role_name = r\n", "", 2,
			[]string{`The sso-session "s" is missing required configuration: sso_start_url`}},
		{"region disagrees", "[sso-session s]\nsso_region = eu-west-1\nsso_start_url = u\n[profile p]\nsso_session = s\nsso_region = us-east-1\nsso_account_id = 1\nsso_role_name = r\n", "", 6,
			[]string{"The value for sso_region is inconsistent between profile (us-east-1) and sso-session (eu-west-1)", "config:2, is used"}},
		{"url disagrees", "[sso-session s]\nsso_region = r\nsso_start_url = https://a/start\n[profile p]\nsso_session = s\nsso_start_url = https://a/start/\nsso_account_id = 1\nsso_role_name = r\n", "", 6,
			[]string{"The value for sso_start_url is inconsistent"}},
		{"static keys", "[sso-session s]\nsso_region = r\nsso_start_url = u\n[profile p]\nsso_session = s\nsso_account_id = 1\nsso_role_name = r\n",
			"[p]\naws_access_key_id = AKIAX\naws_secret_access_key = x\n", 2,
			[]string{"has both SSO settings", "config:5", "botocore and the AWS CLI would use SSO, the Go SDK and terraform the static keys"}},
		{"bad token store", "[sso-session s]\nsso_region = r\nsso_start_url = u\nsso_token_store = vault\n[profile p]\nsso_session = s\nsso_account_id = 1\nsso_role_name = r\n", "", 4,
			[]string{`sso_token_store = "vault"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := writeSet(t, tc.config, tc.creds)
			_, err := s.Resolve("p")
			var ce *SSOConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *SSOConfigError", err)
			}
			if ce.Line != tc.line || ce.File == "" {
				t.Errorf("at %s:%d, want line %d", ce.File, ce.Line, tc.line)
			}
			msg := err.Error()
			if !strings.Contains(msg, fmt.Sprintf("%s:%d: ", ce.File, tc.line)) {
				t.Errorf("message lacks file:line: %s", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message lacks %q:\n%s", w, msg)
				}
			}
		})
	}
}

func TestSSOWarnsAboutCredentialProcess(t *testing.T) {
	s := writeSet(t, "[sso-session s]\nsso_region = r\nsso_start_url = u\n[profile p]\nsso_session = s\nsso_account_id = 1\nsso_role_name = r\ncredential_process = awskeep credential-process p\n", "")
	c, err := s.Resolve("p")
	if err != nil {
		t.Fatal(err)
	}
	w := c.Source().Warnings()
	if len(w) != 1 || w[0].Line != 8 || !strings.Contains(w[0].Msg, "never run the process") {
		t.Errorf("warnings = %+v", w)
	}
	s = writeSet(t, ssoConfig, "")
	c, _ = s.Resolve("dev")
	if w := c.Source().Warnings(); len(w) != 0 {
		t.Errorf("warnings for a clean profile: %+v", w)
	}
}

func TestParseScopes(t *testing.T) {
	if got := ParseScopes(" a , b,,c "); !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
		t.Errorf("got %q", got)
	}
}
