package cmd

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/awskeep/awskeep/sts"
	"github.com/spf13/cobra"
)

// Exit codes. They are part of the command-line contract (docs/troubleshooting.md).
const (
	exitOK       = 0
	exitFailure  = 1
	exitUsage    = 2
	exitRejected = 3 // AWS rejected the stored long-term key (revoked, deleted, wrong secret)
)

// usageError is a mistake in the command line: exit 2 with a pointer to --help.
type usageError struct {
	cmdPath string
	msg     string
}

func (e *usageError) Error() string { return e.msg }

func usageErrorf(c *cobra.Command, format string, args ...any) error {
	return &usageError{cmdPath: c.CommandPath(), msg: fmt.Sprintf(format, args...)}
}

// exitCodeError ends awskeep with a given code and no message of its own
// (exec passes its child's exit code through).
type exitCodeError struct{ code int }

func (e *exitCodeError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// explanation is what the user reads: what went wrong and what to do next.
type explanation struct {
	message string
	hints   []string
	code    int
}

// renderError prints err as "awskeep: <message>" with hints and returns the
// exit code, for a command it does not know (its hints name no flag of their
// own); renderErrorFor knows which command prints.
func renderError(w io.Writer, err error) int { return renderErrorFor(w, hintContext{}, err) }

// renderErrorFor prints err as "awskeep: <message>" with hints that apply
// to the command of hc and returns the exit code. Every typed error from
// profiles, vault and sts is explained here, in one place.
func renderErrorFor(w io.Writer, hc hintContext, err error) int {
	if err == nil {
		return exitOK
	}
	var ec *exitCodeError
	if errors.As(err, &ec) {
		return ec.code
	}
	e := explainFor(err, hc)
	// Messages carry profile names, values and other tools' words: no
	// control byte of theirs reaches the terminal (printable.go).
	fmt.Fprintf(w, "awskeep: %s\n", printable(e.message))
	for _, h := range e.hints {
		fmt.Fprintf(w, "  %s\n", printable(h))
	}
	return e.code
}

// explain is explainFor an unknown command.
func explain(err error) explanation { return explainFor(err, hintContext{}) }

// explainFor says what went wrong and what to do next, with hints that
// apply to the command of hc.
func explainFor(err error, hc hintContext) explanation {
	var ue *usageError
	if errors.As(err, &ue) {
		return explanation{message: ue.msg, hints: []string{fmt.Sprintf("Run '%s --help' for usage.", ue.cmdPath)}, code: exitUsage}
	}
	if strings.HasPrefix(err.Error(), "unknown command ") {
		// cobra's own, for the root: "unknown command X for awskeep\n\nDid you mean this?\n\tlist\n"
		msg, more, _ := strings.Cut(err.Error(), "\n")
		var names []string
		for _, f := range strings.Fields(strings.TrimPrefix(strings.TrimSpace(more), "Did you mean this?")) {
			names = append(names, "'awskeep "+f+"'")
		}
		if len(names) > 0 {
			msg += "; did you mean " + strings.Join(names, " or ") + "?"
		}
		return explanation{message: msg, hints: []string{"Run 'awskeep --help' for the list of commands."}, code: exitUsage}
	}
	for _, explainer := range explainers() {
		if e, ok := explainer(err, hc); ok {
			return e
		}
	}
	if sts.FromSDK(err) {
		// The SDK's own words never stand alone.
		return explanation{message: during(err, hc, "an AWS call failed: "+err.Error()), code: exitFailure}
	}
	return explanation{message: err.Error(), code: exitFailure}
}

// explainers turn typed errors into explanations, each package's errors in
// a file of their own, tried in this order: a stopped rotation first, since
// it wraps AWS errors and must also say where the rotation stands.
// (A function, not a variable: the explainers call explainFor themselves.)
func explainers() []func(error, hintContext) (explanation, bool) {
	return []func(error, hintContext) (explanation, bool){
		explainCommandStartError,
		explainRotateError,
		explainSSOError,
		explainLoginError,
		explainSourceError,
		explainAWSError,
		explainFileKeyringError,
		explainLocalError,
		explainProfileError,
	}
}

// cobra argument validators that fail as usage errors.
func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErrorf(c, "%s takes %s (got %d argument%s)", c.CommandPath(), names, len(args), plural(len(args)))
		}
		return nil
	}
}

func maxArgs(n int, names string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) > n {
			return usageErrorf(c, "%s takes at most %s (got %d argument%s)", c.CommandPath(), names, len(args), plural(len(args)))
		}
		return nil
	}
}

func minArgs(n int, names string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) < n {
			return usageErrorf(c, "%s takes %s", c.CommandPath(), names)
		}
		return nil
	}
}
