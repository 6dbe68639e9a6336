package profiles

import (
	"fmt"
	"sort"
	"strings"
)

// SSO is an IAM Identity Center source: the portal hands out credentials
// for one account and role, with a bearer token from the OIDC login of an
// sso-session (or, in the legacy form, of the start URL alone).
type SSO struct {
	// Session is the [sso-session NAME] the profile names; empty for the
	// legacy form (all four keys in the profile).
	Session   string
	StartURL  string
	Region    string
	AccountID string // empty for a session alone (sso login --sso-session)
	RoleName  string
	// Scopes are sso_registration_scopes of the session, or
	// DefaultSSOScopes when it sets none. The legacy form registers with
	// none, as the AWS CLI does, and so never gets a refresh token.
	Scopes []string
	// UseDeviceCode is sso_use_device_code = true in the session (the AWS
	// CLI's proposed key): always use the device authorization flow.
	UseDeviceCode bool
	// TokenStore is sso_token_store of the session: "keyring" keeps the
	// token in the keyring only; empty means the shared ~/.aws/sso/cache.
	TokenStore string
}

// DefaultSSOScopes is what a session registers with when it names none:
// the scope that makes Identity Center issue refresh tokens (aws configure
// sso proposes it).
var DefaultSSOScopes = []string{"sso:account:access"}

// Legacy reports the legacy form, which has no session and can never
// refresh its token.
func (s *SSO) Legacy() bool { return s.Session == "" }

// CacheKey is what the AWS CLI and the SDKs hash into the token file name:
// the session name, or the start URL exactly as written for the legacy form.
func (s *SSO) CacheKey() string {
	if s.Session != "" {
		return s.Session
	}
	return s.StartURL
}

// ssoSession is one [sso-session NAME] section.
type ssoSession struct {
	name   string
	values map[string]Value
}

// ssoProfileKeys activate the SSO source in a profile (as in botocore: any
// of the role keys, or a legacy start URL).
var ssoProfileKeys = []string{"sso_account_id", "sso_role_name", "sso_start_url", "sso_region"}

func (s *Set) addSSOSession(name string, d *Document, section string) {
	if s.ssoSessions == nil {
		s.ssoSessions = map[string]*ssoSession{}
	}
	sess := s.ssoSessions[name]
	if sess == nil {
		sess = &ssoSession{name: name, values: map[string]Value{}}
		s.ssoSessions[name] = sess
	}
	for _, e := range d.sectionEntries(section) {
		sess.values[e.Key] = Value{Text: e.Value, File: s.paths.Config, Line: e.Line}
	}
}

// SSOSessions lists the [sso-session] names of the config file, sorted.
func (s *Set) SSOSessions() []string {
	names := make([]string, 0, len(s.ssoSessions))
	for n := range s.ssoSessions {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// SSOSession returns the settings of [sso-session name] (AccountID and
// RoleName empty), or *SSOConfigError when the section is missing or lacks
// sso_start_url or sso_region.
func (s *Set) SSOSession(name string) (*SSO, error) {
	sess := s.ssoSessions[name]
	if sess == nil {
		return nil, &SSOConfigError{Session: name, File: s.paths.Config,
			Msg: fmt.Sprintf("The specified sso-session does not exist: %q", name),
			Fix: fmt.Sprintf("add an [sso-session %s] section with sso_start_url and sso_region", name)}
	}
	out := &SSO{Session: name, Scopes: DefaultSSOScopes}
	var missing []string
	for _, k := range []string{"sso_region", "sso_start_url"} {
		if v, ok := sess.values[k]; !ok || v.Text == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return nil, &SSOConfigError{Session: name, File: s.paths.Config, Line: sess.firstLine(),
			Msg: fmt.Sprintf("The sso-session %q is missing required configuration: %s", name, strings.Join(missing, ", ")),
			Fix: "set " + strings.Join(missing, " and ") + " in [sso-session " + name + "]"}
	}
	out.StartURL = sess.values["sso_start_url"].Text
	out.Region = sess.values["sso_region"].Text
	if v, ok := sess.values["sso_registration_scopes"]; ok {
		out.Scopes = ParseScopes(v.Text)
	}
	if v, ok := sess.values["sso_use_device_code"]; ok {
		out.UseDeviceCode = strings.EqualFold(strings.TrimSpace(v.Text), "true")
	}
	if v, ok := sess.values["sso_token_store"]; ok {
		store := strings.ToLower(strings.TrimSpace(v.Text))
		if store != "keyring" && store != "file" {
			return nil, &SSOConfigError{Session: name, File: v.File, Line: v.Line,
				Msg: fmt.Sprintf("sso_token_store = %q is not a token store", v.Text),
				Fix: "use sso_token_store = keyring (token in the keyring only) or file (the shared ~/.aws/sso/cache, the default)"}
		}
		if store == "keyring" {
			out.TokenStore = store
		}
	}
	return out, nil
}

func (s *ssoSession) firstLine() int {
	line := 0
	for _, v := range s.values {
		if line == 0 || v.Line < line {
			line = v.Line
		}
	}
	return line
}

// ParseScopes splits sso_registration_scopes as the AWS CLI does: on
// commas, each scope trimmed, empty ones dropped.
func ParseScopes(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// ssoOf reads the SSO settings of p. It returns nil when p is no SSO
// source (a profile with sso_session alone is none either: it only names
// a session for sso login). Errors are *SSOConfigError worded as the SDKs
// word them, with the file and line.
func (s *Set) ssoOf(p *Profile) (*SSO, error) {
	get := func(k string) (Value, bool) {
		v, ok := p.Get(k)
		return v, ok && v.Text != ""
	}
	sessionName, hasSession := get("sso_session")
	active := false
	var first Value
	for _, k := range ssoProfileKeys {
		if v, ok := get(k); ok {
			if !active || v.Line < first.Line {
				first = v
			}
			active = true
		}
	}
	if !active {
		return nil, nil
	}
	if hasSession && (first.Line == 0 || sessionName.Line < first.Line) {
		first = sessionName
	}
	if err := s.checkSSOMix(p, first); err != nil {
		return nil, err
	}
	out := &SSO{}
	var missing []string
	if hasSession {
		sess, err := s.SSOSession(sessionName.Text)
		if err != nil {
			e := err.(*SSOConfigError)
			e.Profile = p.Name
			if s.ssoSessions[sessionName.Text] == nil {
				// Point at the profile's sso_session line, where the name is.
				e.File, e.Line = sessionName.File, sessionName.Line
			}
			return nil, e
		}
		*out = *sess
		raw := s.ssoSessions[sessionName.Text].values
		for _, k := range []string{"sso_region", "sso_start_url"} {
			if v, ok := get(k); ok && v.Text != raw[k].Text {
				return nil, &SSOConfigError{Profile: p.Name, Session: sessionName.Text, File: v.File, Line: v.Line,
					Msg: fmt.Sprintf("The value for %s is inconsistent between profile (%s) and sso-session (%s)", k, v.Text, raw[k].Text),
					Fix: fmt.Sprintf("remove %s from the profile (the session's, at %s:%d, is used) or make the two equal", k, raw[k].File, raw[k].Line)}
			}
		}
	} else {
		sv, _ := get("sso_start_url")
		rv, _ := get("sso_region")
		out.StartURL, out.Region = sv.Text, rv.Text
		for _, k := range []string{"sso_region", "sso_start_url"} {
			if _, ok := get(k); !ok {
				missing = append(missing, k)
			}
		}
	}
	av, _ := get("sso_account_id")
	nv, _ := get("sso_role_name")
	out.AccountID, out.RoleName = av.Text, nv.Text
	for _, k := range []string{"sso_account_id", "sso_role_name"} {
		if _, ok := get(k); !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, &SSOConfigError{Profile: p.Name, Session: out.Session, File: first.File, Line: first.Line,
			Msg: fmt.Sprintf("The profile %q is configured to use SSO but is missing required configuration: %s", p.Name, strings.Join(missing, ", ")),
			Fix: "set " + strings.Join(missing, " and ") + " in the profile, or remove its sso_* keys"}
	}
	return out, nil
}

// checkSSOMix refuses a profile that holds both SSO settings and static
// keys: botocore and the AWS CLI use SSO, the Go SDK (and terraform) the
// static keys, so the same profile would be two identities.
func (s *Set) checkSSOMix(p *Profile, ssoKey Value) error {
	for _, k := range []string{"aws_access_key_id", "aws_secret_access_key", "aws_session_token"} {
		if v, ok := p.Get(k); ok && v.Text != "" {
			return &SSOConfigError{Profile: p.Name, File: v.File, Line: v.Line,
				Msg: fmt.Sprintf("profile %q has both SSO settings (%s:%d) and static keys (%s); botocore and the AWS CLI would use SSO, the Go SDK and terraform the static keys",
					p.Name, ssoKey.File, ssoKey.Line, k),
				Fix: "keep one of the two: move the static keys to a profile of their own (awskeep profile import stores them in the keyring), or remove the sso_* keys"}
		}
	}
	return nil
}

// SSOConfigError is an SSO setting the SDKs would refuse, or one awskeep
// refuses because the SDKs disagree about it. Msg is worded as botocore
// words it; Fix says what to change.
type SSOConfigError struct {
	Profile string // empty for an error of the session alone
	Session string
	File    string
	Line    int // 0 when the file has no line to point at (a missing section)
	Msg     string
	Fix     string
}

func (e *SSOConfigError) Error() string {
	where := e.File
	if e.Line > 0 {
		where = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	return fmt.Sprintf("%s: %s; %s", where, e.Msg, e.Fix)
}

// SSOWarning is a setting awskeep accepts but that will not do what it
// seems to.
type SSOWarning struct {
	Profile string
	File    string
	Line    int
	Msg     string
}

// Warnings lists what is suspicious about the profile's SSO settings: an
// SSO profile that also has a credential_process never runs the process
// under the AWS CLI or the SDKs, because SSO wins there.
func (h Hop) Warnings() []SSOWarning {
	if h.SSO == nil || h.CredentialProcess == "" {
		return nil
	}
	v := h.Origins["credential_process"]
	return []SSOWarning{{Profile: h.Profile, File: v.File, Line: v.Line,
		Msg: fmt.Sprintf("profile %s has sso_* keys and credential_process: the AWS CLI and the SDKs use SSO and never run the process; put credential_process in a profile of its own", h.Profile)}}
}

// SSOLoginTarget returns the SSO settings sso login uses for profile: its
// SSO source, or the session it names with sso_session alone.
func (s *Set) SSOLoginTarget(profile string) (*SSO, error) {
	p, err := s.Profile(profile)
	if err != nil {
		return nil, err
	}
	sso, err := s.ssoOf(p)
	if err != nil || sso != nil {
		return sso, err
	}
	if v, ok := p.Get("sso_session"); ok && v.Text != "" {
		sess, err := s.SSOSession(v.Text)
		if err != nil {
			e := err.(*SSOConfigError)
			e.Profile = profile
			if s.ssoSessions[v.Text] == nil {
				e.File, e.Line = v.File, v.Line
			}
			return nil, e
		}
		return sess, nil
	}
	return nil, &NotSSOError{Profile: profile}
}

// NotSSOError: sso login was asked for a profile with no SSO settings.
type NotSSOError struct{ Profile string }

func (e *NotSSOError) Error() string {
	return fmt.Sprintf("profile %q has no sso_session or sso_start_url; add sso_session = NAME (and an [sso-session NAME] section) or pass --sso-session", e.Profile)
}

// SSORoleProfiles maps the (account id, role name) of every profile that
// uses session to the profile's name, for sso populate to skip what exists.
func (s *Set) SSORoleProfiles(session string) map[[2]string]string {
	out := map[[2]string]string{}
	for _, name := range s.Names() {
		p := s.lookup(name)
		v, _ := p.Get("sso_session")
		if v.Text != session {
			continue
		}
		a, _ := p.Get("sso_account_id")
		r, _ := p.Get("sso_role_name")
		if a.Text != "" && r.Text != "" {
			out[[2]string{a.Text, r.Text}] = name
		}
	}
	return out
}
