package cmd

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
)

type profileListOptions struct {
	f    *factory
	JSON bool
}

// profileSummary is one row of `profile list`; its JSON form is stable.
type profileSummary struct {
	Profile       string `json:"profile"` // was "name"; a profile is "profile" in every JSON output
	Region        string `json:"region,omitempty"`
	SourceProfile string `json:"source_profile,omitempty"`
	RoleARN       string `json:"role_arn,omitempty"`
	MFASerial     string `json:"mfa_serial,omitempty"`
	PlainTextKey  bool   `json:"plain_text_key"`
}

func newProfileListCmd(f *factory, runF func(context.Context, *profileListOptions) error) *cobra.Command {
	opts := &profileListOptions{f: f}
	c := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the profiles in the AWS config files",
		Example: "  awskeep profile list\n  awskeep profile list --json",
		Args:    exactArgs(0, "no arguments"),
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return runProfileList(c.Context(), opts)
		},
	}
	c.Flags().BoolVar(&opts.JSON, "json", false, "Print JSON")
	return c
}

func runProfileList(_ context.Context, opts *profileListOptions) error {
	set, err := opts.f.Profiles()
	if err != nil {
		return err
	}
	rows := []profileSummary{}
	for _, name := range set.Names() {
		p, err := set.Profile(name)
		if err != nil {
			return err
		}
		get := func(k string) string { v, _ := p.Get(k); return v.Text }
		rows = append(rows, profileSummary{
			Profile:       name,
			Region:        get("region"),
			SourceProfile: get("source_profile"),
			RoleARN:       get("role_arn"),
			MFASerial:     get("mfa_serial"),
			PlainTextKey:  p.HasStaticKey(),
		})
	}
	out := opts.f.IO.Out
	if opts.JSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	if len(rows) == 0 {
		paths := set.Paths()
		fmt.Fprintf(out, "No profiles in %s or %s.\nAdd one with: awskeep add default\n", paths.Config, paths.Credentials)
		return nil
	}
	tw := newHumanTable(out)
	fmt.Fprintln(tw, "PROFILE\tREGION\tSOURCE\tROLE\tMFA\tPLAIN-TEXT KEY")
	for _, r := range rows {
		plain := ""
		if r.PlainTextKey {
			plain = "yes (awskeep profile import " + r.Profile + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Profile, dash(r.Region), dash(r.SourceProfile), dash(r.RoleARN), dash(r.MFASerial), dash(plain))
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
