package cmd

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/sts"
	"github.com/awskeep/awskeep/vault"
	"github.com/spf13/cobra"
)

func newSSOCmd(f *factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "sso",
		Short: "Log in to IAM Identity Center (SSO), log out, write a profile per account role",
		Long: `IAM Identity Center (AWS SSO) sessions. The token is kept where the AWS CLI and the SDKs
keep it (~/.aws/sso/cache), so one login serves awskeep, the aws CLI, boto3 and every SDK;
set AWSKEEP_SSO_TOKENS=keyring (or sso_token_store = keyring in the [sso-session]) to keep it
in the keyring only. Profiles with sso_session (or the legacy sso_* keys) work with exec,
export, credential-process and list like any other.`,
		Example: `  awskeep sso login --sso-session corp
  awskeep sso login dev --device-code
  awskeep sso populate --sso-session corp --prefix corp-
  awskeep sso logout --all`,
	}
	c.AddCommand(newSSOLoginCmd(f, nil), newSSOLogoutCmd(f, nil), newSSOPopulateCmd(f, nil))
	return c
}

type ssoLoginCmdOptions struct {
	f          *factory
	Profile    string
	Session    string
	DeviceCode bool
	NoBrowser  bool
}

func newSSOLoginCmd(f *factory, runF func(context.Context, *ssoLoginCmdOptions) error) *cobra.Command {
	opts := &ssoLoginCmdOptions{f: f}
	c := &cobra.Command{
		Use:   "login [PROFILE | --sso-session NAME]",
		Short: "Log in to an IAM Identity Center session",
		Long: `Log in to the IAM Identity Center session of PROFILE (its sso_session, or its legacy
sso_start_url), or to --sso-session NAME. With no argument: AWS_PROFILE, else the only
[sso-session] of the config file.

Where a browser can open on this machine, the login uses the authorization code flow with
PKCE: the browser comes back to a one-shot listener on 127.0.0.1. Over SSH, in CI or in a
container (SSH_CONNECTION, SSH_TTY, CI, /.dockerenv), without DISPLAY or WAYLAND_DISPLAY on
Linux, with --device-code, with sso_use_device_code = true in the session, and always for
legacy profiles, it uses the device flow: it prints a URL to open on any device and the
code that page must show. The session registers with its sso_registration_scopes
(default sso:account:access), so its token refreshes without another login.`,
		Example:           "  awskeep sso login --sso-session corp\n  awskeep sso login dev --device-code --no-browser",
		Args:              maxArgs(1, "one profile name"),
		ValidArgsFunction: completeProfiles(f),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Profile = args[0]
			}
			if opts.Profile != "" && opts.Session != "" {
				return usageErrorf(c, "give a profile or --sso-session, not both")
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return runSSOLogin(c.Context(), opts)
		},
	}
	c.Flags().StringVar(&opts.Session, "sso-session", "", "Log in to this [sso-session]")
	c.Flags().BoolVar(&opts.DeviceCode, "device-code", false, "Use the device authorization flow (a URL and a code for any device)")
	c.Flags().BoolVar(&opts.NoBrowser, "no-browser", false, "Never open a browser; print the URL only")
	return c
}

func runSSOLogin(ctx context.Context, opts *ssoLoginCmdOptions) error {
	s, profile, err := ssoTarget(opts.f, opts.Profile, opts.Session)
	if err != nil {
		return err
	}
	sess, err := opts.f.ssoSession(s, ssoLoginOptions{interactive: true, deviceCode: opts.DeviceCode, noBrowser: opts.NoBrowser, profile: profile})
	if err != nil {
		return err
	}
	tok, err := sess.Login(ctx)
	if err != nil {
		return err
	}
	where := "the keyring"
	if sess.Store == sts.TokenStoreFile {
		home, _ := opts.f.HomeDir()
		where = shortPath(sess.TokenPath(), home)
	}
	fmt.Fprintf(opts.f.IO.ErrOut, "Logged in to %s until %s (token in %s).\n", printable(ssoName(s)), tok.ExpiresAt.Local().Format("2006-01-02 15:04 MST"), where)
	if s.Legacy() {
		fmt.Fprintln(opts.f.IO.ErrOut, "This legacy profile cannot refresh its token: move sso_start_url and sso_region into an [sso-session] with sso_registration_scopes = sso:account:access.")
	}
	return nil
}

func ssoName(s *profiles.SSO) string {
	if s.Session != "" {
		return "sso-session " + s.Session
	}
	return s.StartURL
}

type ssoLogoutOptions struct {
	f       *factory
	Profile string
	Session string
	All     bool
}

func newSSOLogoutCmd(f *factory, runF func(context.Context, *ssoLogoutOptions) error) *cobra.Command {
	opts := &ssoLogoutOptions{f: f}
	c := &cobra.Command{
		Use:   "logout [PROFILE | --sso-session NAME | --all]",
		Short: "End an IAM Identity Center session and delete its token",
		Long: `Log out of one IAM Identity Center session (PROFILE's, or --sso-session NAME), or of every
session in the config file with --all: the portal ends the sign-in session, and the token
file (or keyring item) and the role credentials awskeep cached for it are deleted.`,
		Example:           "  awskeep sso logout --sso-session corp\n  awskeep sso logout --all",
		Args:              maxArgs(1, "one profile name"),
		ValidArgsFunction: completeProfiles(f),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Profile = args[0]
			}
			n := 0
			for _, set := range []bool{opts.Profile != "", opts.Session != "", opts.All} {
				if set {
					n++
				}
			}
			if n > 1 {
				return usageErrorf(c, "give one of PROFILE, --sso-session and --all")
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return runSSOLogout(c.Context(), opts)
		},
	}
	c.Flags().StringVar(&opts.Session, "sso-session", "", "Log out of this [sso-session]")
	c.Flags().BoolVar(&opts.All, "all", false, "Log out of every session in the config file")
	return c
}

func runSSOLogout(ctx context.Context, opts *ssoLogoutOptions) error {
	var targets []*profiles.SSO
	if opts.All {
		set, err := opts.f.Profiles()
		if err != nil {
			return err
		}
		targets = allSSOTargets(set)
	} else {
		s, _, err := ssoTarget(opts.f, opts.Profile, opts.Session)
		if err != nil {
			return err
		}
		targets = []*profiles.SSO{s}
	}
	store, err := opts.f.Vault()
	if err != nil {
		return err
	}
	var errs []error
	for _, s := range targets {
		sess, err := opts.f.ssoSession(s, ssoLoginOptions{})
		if err != nil {
			return err
		}
		had, err := sess.Logout(ctx)
		if err != nil {
			errs = append(errs, err)
		}
		source := sts.SSOSourceID(s)
		n, derr := store.DeleteSessions(func(info vault.SessionInfo) bool { return info.SourceKeyID == source })
		if derr != nil {
			errs = append(errs, derr)
		}
		switch {
		case had:
			fmt.Fprintf(opts.f.IO.ErrOut, "Logged out of %s; dropped %d cached role session%s.\n", printable(ssoName(s)), n, plural(n))
		case !opts.All:
			fmt.Fprintf(opts.f.IO.ErrOut, "Not logged in to %s; dropped %d cached role session%s.\n", printable(ssoName(s)), n, plural(n))
		}
	}
	return errors.Join(errs...)
}

// allSSOTargets is every [sso-session] and every legacy start URL of the
// config, each once.
func allSSOTargets(set *profiles.Set) []*profiles.SSO {
	var out []*profiles.SSO
	for _, name := range set.SSOSessions() {
		if s, err := set.SSOSession(name); err == nil {
			out = append(out, s)
		}
	}
	seen := map[string]bool{}
	for _, name := range set.Names() {
		if s, err := set.SSOLoginTarget(name); err == nil && s.Legacy() && !seen[s.StartURL] {
			seen[s.StartURL] = true
			out = append(out, s)
		}
	}
	return out
}

type ssoPopulateOptions struct {
	f       *factory
	Session string
	Prefix  string
}

func newSSOPopulateCmd(f *factory, runF func(context.Context, *ssoPopulateOptions) error) *cobra.Command {
	opts := &ssoPopulateOptions{f: f}
	c := &cobra.Command{
		Use:   "populate [--sso-session NAME] [--prefix P]",
		Short: "Write one profile per account role the session reaches",
		Long: `List the accounts and roles the IAM Identity Center session can reach and add one profile
for each to ~/.aws/config, named PREFIX<account name>-<role name>, with sso_session,
sso_account_id and sso_role_name. Existing profiles and comments are left as they are; a role
that already has a profile of this session is skipped, so running it again adds only what
is new. Logs in first when there is no usable token.`,
		Example: "  awskeep sso populate --sso-session corp --prefix corp-",
		Args:    maxArgs(0, ""),
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return runSSOPopulate(c.Context(), opts)
		},
	}
	c.Flags().StringVar(&opts.Session, "sso-session", "", "The [sso-session] to list (default: the only one)")
	c.Flags().StringVar(&opts.Prefix, "prefix", "", "Prefix of the new profile names")
	return c
}

func runSSOPopulate(ctx context.Context, opts *ssoPopulateOptions) error {
	s, _, err := ssoTarget(opts.f, "", opts.Session)
	if err != nil {
		return err
	}
	if s.Legacy() {
		return errors.New("sso populate needs an [sso-session]")
	}
	sess, err := opts.f.ssoSession(s, ssoLoginOptions{interactive: true})
	if err != nil {
		return err
	}
	roles, err := sess.AccountRoles(ctx)
	if err != nil {
		return err
	}
	set, err := opts.f.Profiles()
	if err != nil {
		return err
	}
	existing := set.SSORoleProfiles(s.Session)
	type newProfile struct{ name, account, role string }
	var added []newProfile
	taken := map[string]bool{}
	for _, r := range roles {
		if _, ok := existing[[2]string{r.AccountID, r.RoleName}]; ok {
			continue
		}
		name := opts.Prefix + profileNamePart(firstNonEmptyString(r.AccountName, r.AccountID)) + "-" + profileNamePart(r.RoleName)
		if set.Has(name) || taken[name] {
			name = opts.Prefix + profileNamePart(r.AccountID) + "-" + profileNamePart(r.RoleName)
		}
		if set.Has(name) || taken[name] || profiles.CheckProfileName(name) != nil {
			fmt.Fprintf(opts.f.IO.ErrOut, "warning: skipped role %s in account %s: profile %s exists and uses something else\n", printable(r.RoleName), printable(r.AccountID), printable(name))
			continue
		}
		taken[name] = true
		added = append(added, newProfile{name, r.AccountID, r.RoleName})
	}
	if len(added) > 0 {
		err = profiles.EditFile(set.Paths().Config, func(d *profiles.Document) error {
			for _, p := range added {
				section := profiles.ConfigSection(p.name)
				d.AddSection(section)
				d.Set(section, "sso_session", s.Session)
				d.Set(section, "sso_account_id", p.account)
				d.Set(section, "sso_role_name", p.role)
			}
			return nil
		})
		if err != nil {
			return err
		}
		opts.f.ReloadProfiles()
	}
	sort.Slice(added, func(i, j int) bool { return added[i].name < added[j].name })
	for _, p := range added {
		fmt.Fprintln(opts.f.IO.Out, p.name)
	}
	fmt.Fprintf(opts.f.IO.ErrOut, "Added %d profile%s for sso-session %s to %s (%d role%s already had one).\n",
		len(added), plural(len(added)), printable(s.Session), printable(set.Paths().Config), len(roles)-len(added), plural(len(roles)-len(added)))
	return nil
}

// profileNamePart keeps a name to the characters profile names hold well.
func profileNamePart(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune("-_.@+", r):
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}

func firstNonEmptyString(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
