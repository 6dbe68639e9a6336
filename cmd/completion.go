package cmd

import (
	"strings"

	"github.com/spf13/cobra"
)

// profileSetKeys are the config keys profile set completes (those of
// docs/configuration.md; access keys go through add, never profile set).
var profileSetKeys = []string{
	"region", "output", "source_profile", "role_arn", "mfa_serial", "mfa_process", "external_id",
	"role_session_name", "duration_seconds", "endpoint_url", "rotate_after", "credential_process",
	"web_identity_token_file", "credential_source", "sso_session", "sso_account_id", "sso_role_name",
	"sso_start_url", "sso_region",
}

// completeValues completes a flag from a fixed list.
func completeValues(values ...string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeProfileSet completes profile set: the profile, then KEY= for the
// settings (with no space after it, so the value follows).
func completeProfileSet(f *factory) cobra.CompletionFunc {
	profilesOnly := completeProfiles(f)
	return func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) == 0 {
			return profilesOnly(c, args, toComplete)
		}
		if strings.Contains(toComplete, "=") {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		for _, k := range profileSetKeys {
			out = append(out, k+"=")
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	}
}

// completeUnsetKeys completes --unset with the keys the profile has.
func completeUnsetKeys(f *factory) cobra.CompletionFunc {
	return func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) == 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		set, err := f.Profiles()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		p, err := set.Profile(args[0])
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return p.Keys(), cobra.ShellCompDirectiveNoFileComp
	}
}
