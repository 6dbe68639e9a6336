package cmd

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/awskeep/awskeep/profiles"
	"github.com/spf13/cobra"
)

type profileSetOptions struct {
	f      *factory
	Name   string
	Assign []string // KEY=VALUE
	Unset  []string
}

func newProfileSetCmd(f *factory, runF func(context.Context, *profileSetOptions) error) *cobra.Command {
	opts := &profileSetOptions{f: f}
	c := &cobra.Command{
		Use:   "set PROFILE KEY=VALUE... [--unset KEY]...",
		Short: "Set or remove settings of a profile in ~/.aws/config",
		Long: `Set settings of a profile in ~/.aws/config, creating the profile if it does not exist.
Only the lines of the keys you name change. Access keys are never set this way: use
'awskeep add PROFILE', which stores them in the keyring.`,
		Example: `  awskeep profile set prod role_arn=arn:aws:iam::123456789012:role/admin source_profile=base
  awskeep profile set base mfa_serial=arn:aws:iam::123456789012:mfa/alice region=eu-west-1
  awskeep profile set prod --unset duration_seconds`,
		Args:              minArgs(1, "a profile name and KEY=VALUE settings"),
		ValidArgsFunction: completeProfileSet(f),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Name, opts.Assign = args[0], args[1:]
			if err := profiles.CheckProfileName(opts.Name); err != nil {
				return usageErrorf(c, "%v", err)
			}
			if len(opts.Assign) == 0 && len(opts.Unset) == 0 {
				return usageErrorf(c, "nothing to set: give KEY=VALUE settings or --unset KEY")
			}
			for _, a := range opts.Assign {
				if k, _, ok := strings.Cut(a, "="); !ok || strings.TrimSpace(k) == "" {
					return usageErrorf(c, "%q is not KEY=VALUE", a)
				}
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return runProfileSet(c.Context(), opts)
		},
	}
	c.Flags().StringArrayVar(&opts.Unset, "unset", nil, "Remove this key from the profile (repeatable)")
	_ = c.RegisterFlagCompletionFunc("unset", completeUnsetKeys(f))
	return c
}

func runProfileSet(_ context.Context, opts *profileSetOptions) error {
	set, err := opts.f.Profiles()
	if err != nil {
		return err
	}
	type kv struct{ key, value string }
	var assigns []kv
	for _, a := range opts.Assign {
		k, v, _ := strings.Cut(a, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if err := checkProfileSetting(set, opts.Name, k, v); err != nil {
			return err
		}
		assigns = append(assigns, kv{k, v})
	}
	if len(assigns) == 0 && !set.Has(opts.Name) {
		_, err := set.Profile(opts.Name) // --unset alone: nothing to remove from
		return err
	}
	for _, k := range opts.Unset {
		if profiles.IsCredentialKey(k) {
			return fmt.Errorf("%s is not kept in ~/.aws/config by awskeep; use 'awskeep remove %s' or 'awskeep profile import %s'", k, opts.Name, opts.Name)
		}
	}
	err = profiles.EditFile(set.Paths().Config, func(d *profiles.Document) error {
		section := d.ProfileSection(opts.Name) // the section the AWS CLI reads
		for _, a := range assigns {
			d.Set(section, a.key, a.value)
		}
		for _, k := range opts.Unset {
			d.Unset(section, k)
		}
		return nil
	})
	if err != nil {
		return err
	}
	opts.f.ReloadProfiles()
	fmt.Fprintf(opts.f.IO.ErrOut, "Updated profile %s in %s\n", opts.Name, set.Paths().Config)
	if set, err := opts.f.Profiles(); err == nil {
		if chain, err := set.Resolve(opts.Name); err == nil {
			for _, w := range chain.Target().Warnings() {
				fmt.Fprintf(opts.f.IO.ErrOut, "warning: %s\n", printable(w.Msg))
			}
		}
	}
	return nil
}

// checkProfileSetting rejects values the AWS CLI or awskeep would fail on
// later, while the user still remembers typing them.
func checkProfileSetting(set *profiles.Set, profile, key, value string) error {
	bad := func(why string) error {
		return fmt.Errorf("%s=%q for profile %s: %s", key, value, profile, why)
	}
	if profiles.IsCredentialKey(key) {
		return bad("access keys never go on the command line (other users can read it); store them with 'awskeep add " + profile + "'")
	}
	if value == "" {
		return bad("empty value; use --unset " + key + " to remove a key")
	}
	switch key {
	case "duration_seconds":
		n, err := strconv.Atoi(value)
		if err != nil || n < 900 || n > 43200 {
			return bad("must be a whole number of seconds from 900 to 43200")
		}
	case "rotate_after":
		if _, err := profiles.ParseAge(value); err != nil {
			return bad("must be an age such as 90d, 36h or 30m")
		}
	case "role_arn":
		if !strings.HasPrefix(value, "arn:") || !strings.Contains(value, ":role/") {
			return bad("must be a role ARN such as arn:aws:iam::123456789012:role/NAME")
		}
	case "source_profile":
		if value == profile {
			return bad("a profile cannot be its own source")
		}
		if !set.Has(value) {
			return bad("no such profile; create it first (awskeep add " + value + ")")
		}
		if chain, err := set.Resolve(value); err == nil {
			for _, hop := range chain.Hops {
				if hop.Profile == profile {
					return bad(fmt.Sprintf("it would make a cycle: %s already draws on %s", value, profile))
				}
			}
		}
	}
	return nil
}
