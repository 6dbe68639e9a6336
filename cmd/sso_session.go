package cmd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/sts"
)

// ssoLoginOptions say how a login may run, when one is needed.
type ssoLoginOptions struct {
	// interactive allows a login at all.
	interactive bool
	// deviceCode forces the device flow.
	deviceCode bool
	// noBrowser never opens a browser (the URL is still shown).
	noBrowser bool
	// profile is the SSO source profile, for errors and cache entries.
	profile string
	// ttyOnly shows the prompt on the terminal only (credential-process:
	// stderr belongs to the calling tool, which shows it late or never).
	ttyOnly bool
}

// ssoSession builds the sts session for s, with the prompt on the terminal
// (else stderr) and the browser opener of this machine.
func (f *factory) ssoSession(s *profiles.SSO, o ssoLoginOptions) (*sts.SSOSession, error) {
	home, err := f.HomeDir()
	if err != nil {
		return nil, fmt.Errorf("finding the home directory for ~/.aws/sso/cache: %w", err)
	}
	store, err := f.Vault()
	if err != nil {
		return nil, err
	}
	var setting func(string) string
	if set, err := f.Profiles(); err == nil && o.profile != "" {
		if p, err := set.Profile(o.profile); err == nil {
			setting = func(k string) string { v, _ := p.Get(k); return v.Text }
		}
	}
	local := f.browserPlausible()
	flow := sts.SSOFlowDevice
	if local && !o.deviceCode {
		flow = sts.SSOFlowBrowser
	}
	sess := &sts.SSOSession{
		SSO: s, Profile: o.profile, Home: home, Store: sts.SSOTokenStore(f.Getenv, s), Keyring: store,
		Client:      sts.SSOClientConfigFromEnv(f.Getenv, s.Region, s.StartURL, setting),
		Interactive: o.interactive, Flow: flow, Now: f.Now, Log: f.Log, Waiting: f.status().waiting,
		Prompt: func(p sts.SSOPrompt) { f.showSSOPrompt(s, p, o.ttyOnly) },
	}
	if local && !o.noBrowser {
		sess.OpenBrowser = f.openBrowserFunc()
	}
	return sess, nil
}

// pipelineSSO is the SSO session of a profile the credential pipeline
// serves (exec, export, credential-process, exec --server): a login may
// start only when there is a terminal to show it on, so credential-process
// without one fails at once with the command to run, and the prompt goes
// to the terminal only (the calling tool owns stderr).
func (f *factory) pipelineSSO(s *profiles.SSO, profile string) (*sts.SSOSession, error) {
	interactive := false
	if tty, err := f.IO.openTTY(); err == nil {
		tty.Close()
		interactive = true
	}
	return f.ssoSession(s, ssoLoginOptions{interactive: interactive, profile: profile, ttyOnly: true})
}

// showSSOPrompt prints the login URL and, for the device flow, the user
// code: the page's URL no longer carries the code, so without it the user
// could not check what they approve.
func (f *factory) showSSOPrompt(s *profiles.SSO, p sts.SSOPrompt, ttyOnly bool) {
	var w io.Writer = f.IO.ErrOut
	if tty, err := f.IO.openTTY(); err == nil {
		defer tty.Close()
		w = tty
	} else if ttyOnly {
		return
	}
	switch p.Flow {
	case sts.SSOFlowDevice:
		fmt.Fprintf(w, "To sign in to IAM Identity Center (%s), open this page in a browser on any device:\n  %s\n"+
			"and check that it shows the code:\n  %s\n(the code expires in %v)\n", s.StartURL, p.URL, p.UserCode, p.ExpiresIn)
	default:
		fmt.Fprintf(w, "Signing in to IAM Identity Center (%s) in your browser. If no browser opens, visit:\n  %s\n", s.StartURL, p.URL)
	}
}

// browserPlausible says whether a browser can open on this machine: no
// sign of SSH or CI, and either BROWSER names one or there is a desktop
// session (macOS, Windows, or DISPLAY/WAYLAND_DISPLAY on Linux and the
// BSDs) outside a container.
func (f *factory) browserPlausible() bool {
	for _, v := range []string{"SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY", "CI", "CODESPACES", "CLOUD_SHELL"} {
		if f.Getenv(v) != "" {
			return false
		}
	}
	if f.Getenv("BROWSER") != "" {
		return true
	}
	exists := f.fileExists
	if exists == nil {
		exists = func(p string) bool { _, err := os.Stat(p); return err == nil }
	}
	if exists("/.dockerenv") {
		return false
	}
	switch runtime.GOOS {
	case "darwin", "windows":
		return true
	}
	return f.Getenv("DISPLAY") != "" || f.Getenv("WAYLAND_DISPLAY") != ""
}

// openBrowserFunc is the injected opener, else the system's: the program
// BROWSER names (the first of a colon-separated list, as Python's
// webbrowser reads it), else xdg-open, open, or rundll32's URL handler. The
// URL is an argument of the opener and holds no secret (the PKCE verifier
// never leaves awskeep).
func (f *factory) openBrowserFunc() func(string) error {
	if f.openBrowser != nil {
		return f.openBrowser
	}
	browser, _, _ := strings.Cut(f.Getenv("BROWSER"), string(os.PathListSeparator))
	return func(url string) error {
		var cmd *exec.Cmd
		switch {
		case browser != "":
			cmd = exec.Command(browser, url)
		case runtime.GOOS == "darwin":
			cmd = exec.Command("open", url)
		case runtime.GOOS == "windows":
			cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
		default:
			cmd = exec.Command("xdg-open", url)
		}
		cmd.Stdout, cmd.Stderr = nil, nil
		if err := cmd.Start(); err != nil {
			return err
		}
		go cmd.Wait()
		return nil
	}
}

// ssoLoginCommand is the exact command that logs in for s.
func ssoLoginCommand(session, profile string) string {
	switch {
	case session != "":
		return "awskeep sso login --sso-session " + argQuote(session)
	case profile != "":
		return "awskeep sso login " + argQuote(profile)
	}
	return "awskeep sso login"
}

// argQuote quotes s for a shell only when it needs it.
func argQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.@+=/:,", r))
	}) < 0 {
		return s
	}
	return shellQuote(s)
}

// ssoTarget picks the session sso login/logout/populate act on.
func ssoTarget(f *factory, profile, session string) (*profiles.SSO, string, error) {
	set, err := f.Profiles()
	if err != nil {
		return nil, "", err
	}
	if session != "" {
		s, err := set.SSOSession(session)
		return s, "", err
	}
	if profile == "" {
		profile = f.Getenv("AWS_PROFILE")
	}
	if profile == "" {
		names := set.SSOSessions()
		if len(names) == 1 {
			s, err := set.SSOSession(names[0])
			return s, "", err
		}
		return nil, "", errNeedSSOTarget
	}
	s, err := set.SSOLoginTarget(profile)
	return s, profile, err
}

var errNeedSSOTarget = errors.New("name a profile or --sso-session NAME (the config has no single [sso-session] to default to)")
