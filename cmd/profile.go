package cmd

import "github.com/spf13/cobra"

func newProfileCmd(f *factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "profile",
		Short: "Manage profiles in ~/.aws/config and ~/.aws/credentials",
		Long: `Manage the profiles in the AWS config files. Edits change only the lines they are
about: comments, ordering, spacing and other tools' keys stay as they were.`,
		Example: `  awskeep profile list
  awskeep profile show prod
  awskeep profile set prod role_arn=arn:aws:iam::123456789012:role/admin source_profile=base
  awskeep profile delete old`,
	}
	c.AddCommand(
		newProfileListCmd(f, nil),
		newProfileShowCmd(f, nil),
		newProfileSetCmd(f, nil),
		newProfileDeleteCmd(f, nil),
		newProfileImportCmd(f, nil),
	)
	return c
}

// completeProfiles completes profile names from the config files.
func completeProfiles(f *factory) cobra.CompletionFunc {
	return func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		set, err := f.Profiles()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return set.Names(), cobra.ShellCompDirectiveNoFileComp
	}
}
