package cmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
)

// How a command finds its profile when PROFILE is omitted.
type profileDefault int

const (
	// fromEnvOnly: $AWS_PROFILE, then $AWS_DEFAULT_PROFILE, else a usage error.
	fromEnvOnly profileDefault = iota
	// fromEnvOrPicker: as fromEnvOnly, then, on a terminal, the user picks one.
	fromEnvOrPicker
)

// errNoTerminal: the picker cannot run (stdin is not a terminal, or there is
// no controlling terminal to draw on).
var errNoTerminal = errors.New("no terminal")

// profileArg is the profile a command acts on: PROFILE when given, else
// $AWS_PROFILE, else $AWS_DEFAULT_PROFILE (the Go SDK's order), else — for
// commands that allow it, on a terminal — the one the user picks. It never
// falls back to "default" silently.
func profileArg(c *cobra.Command, f *factory, args []string, how profileDefault) (string, error) {
	if len(args) > 0 {
		return args[0], nil
	}
	if p, ok := profileFromEnv(f); ok {
		return p, nil
	}
	if how == fromEnvOrPicker && f.pickProfile != nil && f.IO.stdinIsTerminal != nil && f.IO.stdinIsTerminal() {
		p, err := pickFromProfiles(c.Context(), f)
		if !errors.Is(err, errNoTerminal) {
			return p, err
		}
	}
	return "", usageErrorf(c, "which profile? give PROFILE or set AWS_PROFILE")
}

// profileFromEnv reads $AWS_PROFILE, then $AWS_DEFAULT_PROFILE. When both
// are set and differ it says which one wins: botocore (the aws CLI, boto3)
// reads them the other way round.
func profileFromEnv(f *factory) (string, bool) {
	p, d := f.Getenv("AWS_PROFILE"), f.Getenv("AWS_DEFAULT_PROFILE")
	switch {
	case p != "" && d != "" && p != d:
		fmt.Fprintf(f.IO.ErrOut, "awskeep: AWS_PROFILE=%s and AWS_DEFAULT_PROFILE=%s differ; using %s (the aws CLI and boto3 would use %s). Unset one of them.\n", p, d, p, d)
		return p, true
	case p != "":
		return p, true
	case d != "":
		return d, true
	}
	return "", false
}

// noProfilesError: the picker has nothing to offer.
type noProfilesError struct{ config string }

func (e *noProfilesError) Error() string {
	return fmt.Sprintf("no profiles in %s to choose from; name the profile on the command line ('awskeep add default' stores a key for a new profile default)", e.config)
}

// pickFromProfiles offers the profiles of the config files to pick from.
func pickFromProfiles(ctx context.Context, f *factory) (string, error) {
	set, err := f.Profiles()
	if err != nil {
		return "", err
	}
	names := set.Names()
	if len(names) == 0 {
		return "", &noProfilesError{config: set.Paths().Config}
	}
	return f.pickProfile(ctx, names)
}
