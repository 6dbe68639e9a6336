package cmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/awskeep/awskeep/profiles"
	"github.com/spf13/cobra"
)

type profileDeleteOptions struct {
	f     *factory
	Name  string
	Force bool
}

func newProfileDeleteCmd(f *factory, runF func(context.Context, *profileDeleteOptions) error) *cobra.Command {
	opts := &profileDeleteOptions{f: f}
	c := &cobra.Command{
		Use:     "delete [PROFILE]",
		Aliases: []string{"rm"},
		Short:   "Delete a profile from ~/.aws/config",
		Long: `Delete a profile's section from ~/.aws/config. A profile that others use as their
source_profile is kept unless --force is given. The key stored in the keyring is not
touched: remove it with 'awskeep remove PROFILE'. Plain-text keys in ~/.aws/credentials
are not touched either.`,
		Example:           "  awskeep profile delete old-project",
		Args:              maxArgs(1, "one profile name"),
		ValidArgsFunction: completeProfiles(f),
		RunE: func(c *cobra.Command, args []string) error {
			profile, err := profileArg(c, f, args, fromEnvOrPicker)
			if err != nil {
				return err
			}
			opts.Name = profile
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return runProfileDelete(c.Context(), opts)
		},
	}
	c.Flags().BoolVar(&opts.Force, "force", false, "Delete even when other profiles use it as their source_profile")
	return c
}

func runProfileDelete(_ context.Context, opts *profileDeleteOptions) error {
	set, err := opts.f.Profiles()
	if err != nil {
		return err
	}
	if _, err := set.Profile(opts.Name); err != nil {
		return err
	}
	if !opts.Force {
		if users := sourceUsers(set, opts.Name); len(users) > 0 {
			return fmt.Errorf("profile %s is the source_profile of %s; delete those first or use --force", opts.Name, strings.Join(users, ", "))
		}
	}
	found := false
	err = profiles.EditFile(set.Paths().Config, func(d *profiles.Document) error {
		// Every section the CLI reads as this profile: [default] and
		// [profile default], [profile x] and [profile  x].
		for _, sec := range d.ProfileSections(opts.Name) {
			found = d.DeleteSection(sec) || found
		}
		return nil
	})
	if err != nil {
		return err
	}
	opts.f.ReloadProfiles()
	if found {
		fmt.Fprintf(opts.f.IO.ErrOut, "Deleted profile %s from %s\n", opts.Name, set.Paths().Config)
	} else {
		fmt.Fprintf(opts.f.IO.ErrOut, "Profile %s has no section in %s\n", opts.Name, set.Paths().Config)
	}
	if p, _ := set.Profile(opts.Name); p != nil && p.HasStaticKey() {
		fmt.Fprintf(opts.f.IO.ErrOut, "Its plain-text key is still in %s: move it with 'awskeep profile import %s' or delete it by hand.\n", set.Paths().Credentials, opts.Name)
	}
	return nil
}

// sourceUsers lists the profiles whose source_profile is name.
func sourceUsers(set *profiles.Set, name string) []string {
	var users []string
	for _, other := range set.Names() {
		p, err := set.Profile(other)
		if err != nil {
			continue
		}
		if v, ok := p.Get("source_profile"); ok && v.Text == name && other != name {
			users = append(users, other)
		}
	}
	return users
}
