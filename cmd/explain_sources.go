package cmd

import (
	"errors"
	"fmt"
	"strings"

	"github.com/awskeep/awskeep/sts"
)

// explainSourceError explains web identity and credential_source failures.
// The web identity token itself is never shown: only what it says of
// itself (issuer, audience, subject, expiry).
func explainSourceError(err error, hc hintContext) (explanation, bool) {
	var wi *sts.WebIdentityError
	var noRole *sts.NoSourceRoleError
	var cs *sts.CredentialSourceError
	switch {
	case errors.As(err, &wi):
		e := explanation{code: exitFailure}
		var expired *sts.ExpiredTokenError
		var rejected *sts.APIError
		c := wi.Claims
		switch {
		case errors.As(wi.Err, &expired) || (!c.Expires.IsZero() && !c.Expires.After(wi.Now)):
			e.message = fmt.Sprintf("the web identity token in %s has expired", wi.TokenFile)
			if !c.Expires.IsZero() {
				e.message += fmt.Sprintf(" (exp %s)", c.Expires.Local().Format("2006-01-02 15:04:05 MST"))
			}
			e.code = exitRejected
		case errors.As(wi.Err, &rejected) && rejected.Code != "":
			e.message = fmt.Sprintf("STS rejected the web identity token in %s for role %s: %s: %s", wi.TokenFile, wi.RoleARN, rejected.Code, rejected.Message)
			e.code = exitRejected
		default:
			e.message = wi.Error()
		}
		if c.JWT {
			e.hints = append(e.hints, fmt.Sprintf("The token says: issuer %s, audience %s, subject %s.", orNone(c.Issuer), orNone(strings.Join(c.Audience, ",")), orNone(c.Subject)))
		}
		e.hints = append(e.hints, "The process that writes "+wi.TokenFile+" (the kubelet, the CI runner) must refresh it; check that the role's trust policy names that issuer and audience.")
		return e, true
	case errors.As(err, &noRole):
		return explanation{message: noRole.Error(), hints: []string{fmt.Sprintf("Give it the ARN of the role to assume: awskeep profile set %s role_arn=arn:aws:iam::…:role/…, or set AWS_ROLE_ARN.", argQuote(noRole.Profile))}, code: exitFailure}, true
	case errors.As(err, &cs):
		e := explanation{message: cs.Error(), code: exitFailure}
		switch cs.Source {
		case sts.CredentialSourceEnvironment:
			e.hints = []string{"Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones) in the environment of awskeep."}
		case sts.CredentialSourceEC2:
			e.hints = []string{"Ec2InstanceMetadata works on an EC2 instance with an instance profile; AWS_EC2_METADATA_SERVICE_ENDPOINT points elsewhere."}
		case sts.CredentialSourceECS:
			e.hints = []string{"EcsContainer works inside ECS/EKS tasks, which set AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI."}
		default:
			e.hints = []string{fmt.Sprintf("Fix credential_source at %s line %d.", cs.File, cs.Line)}
		}
		return e, true
	}
	return explanation{}, false
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
