package cmd

import (
	"errors"
	"fmt"

	"github.com/awskeep/awskeep/sts"
)

// explainSSOError explains IAM Identity Center failures: what happened to
// the session and the exact command that fixes it.
func explainSSOError(err error, hc hintContext) (explanation, bool) {
	var required *sts.SSOLoginRequiredError
	var login *sts.SSOLoginError
	var unauthorized *sts.SSOUnauthorizedError
	var role *sts.SSORoleError
	var service *sts.SSOServiceError
	var tokenFile *sts.TokenFileError
	switch {
	case errors.As(err, &required):
		who := "sso-session " + required.Session
		if required.Legacy {
			who = required.StartURL
		}
		var msg string
		switch required.Reason {
		case sts.SSONoToken:
			msg = fmt.Sprintf("not logged in to IAM Identity Center for %s", who)
		case sts.SSOTokenExpired:
			msg = fmt.Sprintf("the IAM Identity Center login for %s expired at %s", who, required.ExpiredAt.Local().Format("2006-01-02 15:04 MST"))
		case sts.SSORefreshRejected:
			msg = fmt.Sprintf("IAM Identity Center rejected the refresh token of %s: the sign-in session ended or was revoked", who)
		case sts.SSORegistration:
			msg = fmt.Sprintf("the client registration of %s expired or was refused, so the token cannot refresh", who)
		case sts.SSORevoked:
			msg = fmt.Sprintf("the IAM Identity Center session for %s was revoked or logged out elsewhere", who)
		default:
			msg = required.Error()
		}
		e := explanation{message: msg, code: exitFailure,
			hints: []string{"Run: " + ssoLoginCommand(required.Session, required.Profile)}}
		if required.Legacy {
			name := firstNonEmptyString(required.Profile, "sso")
			e.hints = append(e.hints, fmt.Sprintf("This legacy profile can never refresh (a fixed 8-hour token): move sso_start_url and sso_region into an [sso-session %s] section with sso_registration_scopes = sso:account:access, and set sso_session = %s in the profile.", name, name))
		}
		return e, true
	case errors.As(err, &login):
		e := explanation{message: login.Error(), code: exitFailure}
		switch login.Reason {
		case sts.SSOLoginDenied:
			e.message = fmt.Sprintf("the IAM Identity Center login for %s was denied", firstNonEmptyString(login.Session, login.StartURL))
			e.hints = []string{"Approve the request in the browser (check that the code matches), or ask your administrator for access."}
		case sts.SSOLoginTimedOut:
			e.message = fmt.Sprintf("the IAM Identity Center login for %s timed out", firstNonEmptyString(login.Session, login.StartURL))
			again := ssoLoginCommand(login.Session, "")
			e.hints = []string{"Run the login again and approve it in time; over SSH: " + again + " --device-code"}
		case sts.SSOLoginStateMismatch:
			e.hints = []string{"The browser came back from a login that was not this one (an old tab?). Run the login again."}
		}
		return e, true
	case errors.As(err, &unauthorized):
		return explanation{message: fmt.Sprintf("the IAM Identity Center session for %s expired or was revoked", firstNonEmptyString(unauthorized.Session, unauthorized.StartURL)),
			hints: []string{"Run: " + ssoLoginCommand(unauthorized.Session, "")}, code: exitFailure}, true
	case errors.As(err, &role):
		return explanation{message: fmt.Sprintf("IAM Identity Center gives you no role %s in account %s", role.RoleName, role.AccountID),
			hints: []string{"Check sso_account_id and sso_role_name of profile " + role.Profile + "; 'awskeep sso populate' writes a profile for every role you have."}, code: exitFailure}, true
	case errors.As(err, &service):
		return explanation{message: service.Error(), hints: []string{"Check the network and the endpoint (AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL_SSO_OIDC), then try again."}, code: exitFailure}, true
	case errors.As(err, &tokenFile):
		return explanation{message: tokenFile.Error(), hints: []string{"Log in again to replace it ('awskeep sso login' for the profile or its sso-session), or delete the file."}, code: exitFailure}, true
	}
	return explanation{}, false
}
