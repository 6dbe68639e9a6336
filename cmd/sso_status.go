package cmd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/sts"
)

// ssoTokenState is what is known of an SSO session's token without
// calling AWS or refreshing it.
type ssoTokenState struct {
	Session     string    `json:"sso_session,omitempty"`
	StartURL    string    `json:"start_url"`
	Store       string    `json:"token_store"`
	Expiration  time.Time `json:"expiration,omitzero"`
	SecondsLeft int64     `json:"seconds_left"`
	Refreshable bool      `json:"refreshable"`
	LoggedIn    bool      `json:"logged_in"`
	err         error
}

func ssoState(f *factory, s *profiles.SSO) ssoTokenState {
	st := ssoTokenState{Session: s.Session, StartURL: s.StartURL, Store: sts.SSOTokenStore(f.Getenv, s)}
	sess, err := f.ssoSession(s, ssoLoginOptions{})
	if err != nil {
		st.err = err
		return st
	}
	tok, err := sess.Peek()
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			st.err = err
		}
		return st
	}
	now := f.Now()
	st.LoggedIn = true
	st.Expiration = tok.ExpiresAt.UTC()
	st.SecondsLeft = max(0, int64(tok.ExpiresAt.Sub(now).Seconds()))
	st.Refreshable = tok.CanRefresh(now)
	return st
}

// describe is the state in a few words, for list.
func (st ssoTokenState) describe() string {
	switch {
	case st.err != nil:
		return "token unreadable"
	case !st.LoggedIn:
		return "not logged in"
	case st.SecondsLeft == 0 && st.Refreshable:
		return "token expired (refreshable)"
	case st.SecondsLeft == 0:
		return "token expired"
	}
	s := "token " + humanLeft(time.Duration(st.SecondsLeft)*time.Second) + " left"
	if st.Refreshable {
		s += ", refreshable"
	}
	return s
}

// sourceChecks are doctor's checks of a source that is not a stored key:
// the SSO token, the web identity token file, the credential_source's
// credentials. None calls AWS.
func sourceChecks(f *factory, chain *profiles.Chain) []checkResult {
	src := chain.Source()
	switch chain.SourceKind {
	case profiles.SourceSSO:
		s := src.SSO
		st := ssoState(f, s)
		login := "Run: " + ssoLoginCommand(s.Session, src.Profile)
		var out []checkResult
		switch {
		case st.err != nil:
			e := explain(st.err)
			out = append(out, checkResult{Check: "sso token", Status: "fail", Message: e.message, Hints: append(e.hints, login)})
		case !st.LoggedIn:
			out = append(out, checkResult{Check: "sso token", Status: "fail", Message: "not logged in to " + ssoName(s), Hints: []string{login}})
		case st.SecondsLeft == 0 && !st.Refreshable:
			out = append(out, checkResult{Check: "sso token", Status: "fail", Message: fmt.Sprintf("the token of %s expired at %s and cannot refresh", ssoName(s), st.Expiration.Local().Format(time.RFC3339)), Hints: []string{login}})
		default:
			out = append(out, checkResult{Check: "sso token", Status: "ok", Message: ssoName(s) + ": " + st.describe()})
		}
		if s.Legacy() {
			out = append(out, checkResult{Check: "sso form", Status: "warn", Message: "legacy form: a fixed 8-hour token that can never refresh",
				Hints: []string{"Move sso_start_url and sso_region into an [sso-session NAME] with sso_registration_scopes = sso:account:access, and set sso_session = NAME."}})
		}
		return out
	case profiles.SourceWebIdentity:
		file := firstNonEmptyString(f.Getenv("AWS_WEB_IDENTITY_TOKEN_FILE"), src.WebIdentityTokenFile)
		if _, err := os.Stat(file); err != nil {
			return []checkResult{{Check: "web identity token", Status: "fail", Message: fmt.Sprintf("cannot read %s: %v", file, err),
				Hints: []string{"The process that writes it (the kubelet, the CI runner) must run first."}}}
		}
		return []checkResult{{Check: "web identity token", Status: "ok", Message: "token file " + file}}
	case profiles.SourceCredentialSource:
		return []checkResult{{Check: "credential_source", Status: "ok", Message: "credentials from " + src.CredentialSource}}
	}
	return nil
}
