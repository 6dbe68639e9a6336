package cmd

import (
	"context"
	"fmt"

	"github.com/awskeep/awskeep/vault"
	"github.com/spf13/cobra"
)

type clearOptions struct {
	f       *factory
	Profile string
}

func newClearCmd(f *factory, runF func(context.Context, *clearOptions) error) *cobra.Command {
	opts := &clearOptions{f: f}
	c := &cobra.Command{
		Use:               "clear [PROFILE]",
		Short:             "Drop cached sessions (all, or one profile's)",
		Long:              "Drop cached STS sessions from the keyring: every one, or those issued for PROFILE.\nStored long-term keys are not touched.",
		Example:           "  awskeep clear\n  awskeep clear prod",
		Args:              maxArgs(1, "one profile name"),
		ValidArgsFunction: completeProfiles(f),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Profile = args[0]
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return runClear(c.Context(), opts)
		},
	}
	return c
}

func runClear(_ context.Context, opts *clearOptions) error {
	store, err := opts.f.Vault()
	if err != nil {
		return err
	}
	n, err := store.DeleteSessions(func(s vault.SessionInfo) bool {
		return opts.Profile == "" || s.Profile == opts.Profile
	})
	if err != nil {
		return err
	}
	if opts.Profile != "" && n == 0 {
		// Sessions of a profile gone from the files may still be cleared;
		// a name with neither is a mistake worth saying.
		set, err := opts.f.Profiles()
		if err != nil {
			return err
		}
		if _, err := set.Profile(opts.Profile); err != nil {
			return err
		}
	}
	what := "all profiles"
	if opts.Profile != "" {
		what = opts.Profile
	}
	fmt.Fprintf(opts.f.IO.ErrOut, "Dropped %d cached session%s of %s.\n", n, plural(n), what)
	return nil
}
