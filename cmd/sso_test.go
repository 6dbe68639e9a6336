package cmd

import (
	"io"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/awskeep/awskeep/internal/awstest"
	"github.com/awskeep/awskeep/sts"
)

func ssoTestEnv(t *testing.T, fake *awstest.SSOFake) *testEnv {
	te := newTestEnv(t)
	te.env["AWS_ENDPOINT_URL_SSO"] = fake.URL
	te.env["AWS_ENDPOINT_URL_SSO_OIDC"] = fake.URL
	te.writeFile(t, ".aws/config", "# mine\n[sso-session corp]\nsso_start_url = "+fake.StartURL+"\nsso_region = us-east-1\n\n[profile keep]\nregion = eu-west-1 # comment kept\n")
	return te
}

func TestSSOCommands(t *testing.T) {
	moto := awstest.Start(t)
	fake := awstest.StartSSO(t, moto, awstest.SSOOptions{AutoApprove: true})
	fake.Assign(t, "111111111111", "Developer")
	fake.Assign(t, "222222222222", "Admin")

	t.Run("browser login, populate, logout", func(t *testing.T) {
		te := ssoTestEnv(t, fake)
		te.env["DISPLAY"] = ":0"
		var opened atomic.Int32
		te.f.openBrowser = func(u string) error {
			opened.Add(1)
			go func() {
				resp, err := http.Get(u)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}()
			return nil
		}
		te.f.fileExists = func(string) bool { return false }
		if code := te.run("sso", "login", "--sso-session", "corp"); code != 0 {
			t.Fatalf("login: exit %d: %s", code, te.stderr)
		}
		mustContain(t, "stderr", te.stderr.String(), "Logged in to sso-session corp", "~/.aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json")
		if opened.Load() != 1 || fake.Count("CreateToken:authorization_code") != 1 {
			t.Errorf("opened %d, counts %v", opened.Load(), fake.Counts())
		}

		if code := te.run("sso", "populate", "--prefix", "corp-"); code != 0 {
			t.Fatalf("populate: exit %d: %s", code, te.stderr)
		}
		mustContain(t, "stdout", te.stdout.String(), "corp-account-111111111111-Developer", "corp-account-222222222222-Admin")
		config := te.readFile(t, ".aws/config")
		mustContain(t, "config", config, "# mine\n", "region = eu-west-1 # comment kept\n",
			"[profile corp-account-111111111111-Developer]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Developer\n")
		// Running it again adds only what is new.
		fake.Assign(t, "111111111111", "ReadOnly")
		if code := te.run("sso", "populate", "--prefix", "corp-"); code != 0 {
			t.Fatalf("populate again: exit %d: %s", code, te.stderr)
		}
		if got := strings.TrimSpace(te.stdout.String()); got != "corp-account-111111111111-ReadOnly" {
			t.Errorf("second populate added %q", got)
		}
		if after := te.readFile(t, ".aws/config"); !strings.HasPrefix(after, config) {
			t.Errorf("second populate changed existing lines:\n%s", after)
		}

		if code := te.run("sso", "logout", "--sso-session", "corp"); code != 0 {
			t.Fatalf("logout: exit %d: %s", code, te.stderr)
		}
		if _, err := os.Stat(sts.SSOTokenPath(te.home, "corp")); !os.IsNotExist(err) {
			t.Errorf("token file left: %v", err)
		}
		if fake.Count("Logout") != 1 {
			t.Errorf("portal Logout calls: %d", fake.Count("Logout"))
		}
	})

	t.Run("headless picks the device flow and opens nothing", func(t *testing.T) {
		te := ssoTestEnv(t, fake)
		te.env["DISPLAY"] = ":0"
		te.env["SSH_CONNECTION"] = "10.0.0.1 5 10.0.0.2 22"
		var opened atomic.Int32
		te.f.openBrowser = func(string) error { opened.Add(1); return nil }
		before := fake.Count("StartDeviceAuthorization")
		if code := te.run("sso", "login", "--sso-session", "corp"); code != 0 {
			t.Fatalf("login: exit %d: %s", code, te.stderr)
		}
		mustContain(t, "stderr", te.stderr.String(), "open this page in a browser on any device", awstest.SSODeviceUserCode)
		if opened.Load() != 0 || fake.Count("StartDeviceAuthorization") != before+1 {
			t.Errorf("opened %d browsers; device authorizations %d", opened.Load(), fake.Count("StartDeviceAuthorization")-before)
		}
	})

	t.Run("usage", func(t *testing.T) {
		te := ssoTestEnv(t, fake)
		if code := te.run("sso", "logout", "--all", "--sso-session", "corp"); code != exitUsage {
			t.Errorf("exit %d", code)
		}
		if code := te.run("sso", "login", "keep"); code != exitFailure {
			t.Errorf("exit %d", code)
		}
		mustContain(t, "stderr", te.stderr.String(), "profile keep is not an IAM Identity Center profile")
	})
}

func TestBrowserPlausible(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the desktop check without DISPLAY is Linux's")
	}
	cases := []struct {
		env    map[string]string
		docker bool
		want   bool
	}{
		{map[string]string{"DISPLAY": ":0"}, false, true},
		{map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, false, true},
		{map[string]string{}, false, false},
		{map[string]string{"DISPLAY": ":0", "SSH_TTY": "/dev/pts/1"}, false, false},
		{map[string]string{"DISPLAY": ":0", "CI": "true"}, false, false},
		{map[string]string{"DISPLAY": ":0"}, true, false},
	}
	for i, tc := range cases {
		f := &factory{Getenv: func(k string) string { return tc.env[k] }, fileExists: func(string) bool { return tc.docker }}
		if got := f.browserPlausible(); got != tc.want {
			t.Errorf("case %d (%v, docker %v): %v", i, tc.env, tc.docker, got)
		}
	}
}

func TestSSOLoginCommand(t *testing.T) {
	if got := ssoLoginCommand("corp", "dev"); got != "awskeep sso login --sso-session corp" {
		t.Error(got)
	}
	if got := ssoLoginCommand("", "my dev"); got != "awskeep sso login 'my dev'" {
		t.Error(got)
	}
}
