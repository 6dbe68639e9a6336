package cmd

import (
	"errors"

	"github.com/awskeep/awskeep/sts"
)

// explainLoginError covers console sign-in.
func explainLoginError(err error, hc hintContext) (explanation, bool) {
	var refused *sts.ConsoleRefusedError
	var failed *sts.SigninFailedError
	switch {
	case errors.As(err, &refused):
		e := explanation{message: refused.Error() + "; nothing was sent to AWS", code: exitFailure}
		if refused.Fix != "" {
			e.hints = []string{"Instead: " + refused.Fix + "."}
		}
		return e, true
	case errors.As(err, &failed):
		return explanation{message: failed.Error(), code: exitFailure, hints: []string{
			"The federation endpoint takes role sessions and federation tokens made with a long-term key;",
			"  a chained role session only without --duration. 'awskeep login --debug' shows what was sent (never the secrets).",
		}}, true
	}
	return explanation{}, false
}
