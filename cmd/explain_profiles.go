package cmd

import (
	"errors"
	"fmt"
	"strings"

	"github.com/awskeep/awskeep/profiles"
)

func explainProfileError(err error, hc hintContext) (explanation, bool) {
	var unknown *profiles.UnknownProfileError
	var cycle *profiles.CycleError
	var missing *profiles.MissingSourceError
	var parse *profiles.ParseError
	var invalid *profiles.InvalidValueError
	var noSource *profiles.NoSourceError
	var ssoConfig *profiles.SSOConfigError
	var notSSO *profiles.NotSSOError
	switch {
	case errors.As(err, &ssoConfig):
		where := ssoConfig.File
		if ssoConfig.Line > 0 {
			where = fmt.Sprintf("%s line %d", ssoConfig.File, ssoConfig.Line)
		}
		return explanation{message: fmt.Sprintf("%s: %s", where, ssoConfig.Msg), hints: []string{upperFirst(ssoConfig.Fix) + "."}, code: exitFailure}, true
	case errors.As(err, &notSSO):
		return explanation{message: fmt.Sprintf("profile %s is not an IAM Identity Center profile", notSSO.Profile),
			hints: []string{
				fmt.Sprintf("Give it an sso_session key that names an [sso-session] section with sso_start_url and sso_region (awskeep profile set %s sso_session=…),", argQuote(notSSO.Profile)),
				"  or log in to a session by its name with --sso-session; 'awskeep sso populate' writes profiles for every role it gives.",
			}, code: exitFailure}, true
	case errors.As(err, &unknown):
		e := explanation{message: fmt.Sprintf("no profile named %q in the AWS config files", unknown.Name), code: exitFailure}
		if h := unknown.UnreadHint(); h != "" {
			e.hints = append(e.hints, upperFirst(h)+".")
		}
		if len(unknown.Suggestions) > 0 {
			e.hints = append(e.hints, "Did you mean: "+strings.Join(unknown.Suggestions, ", ")+"?")
		}
		e.hints = append(e.hints, "List profiles with 'awskeep profile list'; create one with 'awskeep add "+unknown.Name+"'.")
		return e, true
	case errors.As(err, &cycle):
		e := explanation{message: "source_profile cycle: " + strings.Join(cycle.Path, " -> "), code: exitFailure,
			hints: []string{"Break the loop: point source_profile of one of these profiles at a profile with a key of its own, or remove it."}}
		if n := len(cycle.Path); n >= 2 {
			last := cycle.Path[n-2] // its source_profile closes the loop
			e.hints = append(e.hints, fmt.Sprintf("  (e.g. awskeep profile set %s --unset source_profile)", argQuote(last)))
		}
		return e, true
	case errors.As(err, &missing):
		return explanation{
			message: fmt.Sprintf("profile %s names source_profile %s, which does not exist", missing.Profile, missing.Source),
			hints:   []string{fmt.Sprintf("Create it with 'awskeep add %s', or fix source_profile in %s.", missing.Source, missing.Profile)},
			code:    exitFailure,
		}, true
	case errors.As(err, &parse):
		return explanation{
			message: fmt.Sprintf("%s line %d: %s", parse.File, parse.Line, parse.Msg),
			hints: []string{fmt.Sprintf("The AWS CLI cannot read this file either; it says \"Unable to parse config file: %s\".", parse.File),
				"Fix that line; awskeep will not edit a file it cannot read."},
			code: exitFailure,
		}, true
	case errors.As(err, &noSource):
		return explanation{
			message: fmt.Sprintf("profile %s has role_arn %s but no source_profile to assume it with", noSource.Profile, noSource.RoleARN),
			hints: []string{fmt.Sprintf("Name the profile whose key assumes the role: awskeep profile set %s source_profile=…, with that profile's name", argQuote(noSource.Profile)),
				"  ('awskeep list' shows which profiles hold a key)."},
			code: exitFailure,
		}, true
	case errors.As(err, &invalid):
		return explanation{message: invalid.Error(), code: exitFailure}, true
	}
	return explanation{}, false
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
