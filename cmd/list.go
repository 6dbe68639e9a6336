package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/sts"
	"github.com/awskeep/awskeep/vault"
	"github.com/spf13/cobra"
)

type listOptions struct {
	f    *factory
	JSON bool
}

// listedProfile is one row of `awskeep list`; its JSON form is stable.
type listedProfile struct {
	Profile        string          `json:"profile"`
	Key            string          `json:"key,omitempty"` // masked
	KeyCreated     *time.Time      `json:"key_created,omitempty"`
	KeyCreatedFrom string          `json:"key_created_from,omitempty"` // "iam" or "added"
	KeyAgeDays     *int            `json:"key_age_days,omitempty"`     // whole days; key_age_seconds is exact
	KeyAgeSeconds  *int64          `json:"key_age_seconds,omitempty"`
	Source         string          `json:"source_profile,omitempty"`
	Role           string          `json:"role_arn,omitempty"`
	Sessions       []listedSession `json:"sessions"`
	RotateDue      bool            `json:"rotate_due"`
	SSO            *ssoTokenState  `json:"sso,omitempty"` // an IAM Identity Center source: its token's state
	InConfig       bool            `json:"in_config"`
	// Hints say what to do about a key stored for a profile not in the config.
	Hints []string `json:"hints"` // [] but for such a key
}

func newListCmd(f *factory, runF func(context.Context, *listOptions) error) *cobra.Command {
	opts := &listOptions{f: f}
	c := &cobra.Command{
		Use:     "list [--json]",
		Aliases: []string{"ls"},
		Short:   "List profiles, stored keys, key ages and cached sessions",
		Long: `List every profile in the AWS config files and every key in the keyring: the stored key
(masked to its last 4 characters), its age, the profile's source and role, cached sessions
with their time left, and a reminder where the key is due for rotation.`,
		Example: "  awskeep list\n  awskeep list --json",
		Args:    exactArgs(0, "no arguments"),
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return runList(c.Context(), opts)
		},
	}
	c.Flags().BoolVar(&opts.JSON, "json", false, "Print JSON")
	return c
}

func runList(_ context.Context, opts *listOptions) error {
	f := opts.f
	set, err := f.Profiles()
	if err != nil {
		return err
	}
	store, err := f.Vault()
	if err != nil {
		return err
	}
	// Names only: no passphrase, no decryption per key.
	stored, err := store.KeyInfos()
	if err != nil {
		return err
	}
	sessions, err := store.Sessions()
	if err != nil {
		return err
	}
	names := map[string]bool{}
	for _, n := range set.Names() {
		names[n] = true
	}
	storedKeys := map[string]vault.KeyInfo{}
	for _, info := range stored {
		names[info.Profile] = true
		storedKeys[info.Profile] = info
	}
	now := f.Now()
	if _, err := rotateAfterDefault(f); err != nil {
		// Say so once, rather than ignoring a typo in the variable, and
		// list anyway: reminders use the 90-day default meanwhile.
		fmt.Fprintf(f.IO.ErrOut, "awskeep: warning: %s; reminders use 90d\n", printable(err.Error()))
	}
	var rows []listedProfile
	var reminders []string
	orphans := keysWithoutProfile(set, stored)
	for _, name := range sortedKeys(names) {
		row := listedProfile{Profile: name, InConfig: set.Has(name), Hints: []string{}}
		if p, err := set.Profile(name); err == nil {
			if v, ok := p.Get("source_profile"); ok {
				row.Source = v.Text
			}
			if v, ok := p.Get("role_arn"); ok {
				row.Role = v.Text
			}
		}
		if chain, err := set.Resolve(name); err == nil && chain.SourceKind == profiles.SourceSSO && chain.Source().Profile == name {
			st := ssoState(f, chain.Source().SSO)
			row.SSO = &st
		}
		if key, ok := storedKeys[name]; ok {
			row.Key = sts.MaskKeyID(key.AccessKeyID)
			created := key.CreatedAt.UTC()
			row.KeyCreated = &created
			row.KeyCreatedFrom = "added"
			if key.CreatedFromIAM {
				row.KeyCreatedFrom = "iam"
			}
			days := int(now.Sub(created).Hours() / 24)
			row.KeyAgeDays = &days
			secs := int64(now.Sub(created) / time.Second)
			row.KeyAgeSeconds = &secs
			chain, _ := set.Resolve(name) // a broken chain still lists; rotate_after then comes from the environment
			age, due := rotationDue(f, key, chain)
			if row.RotateDue = due; due {
				reminders = append(reminders, reminderLine(key, age))
			}
		}
		row.Sessions = cachedSessions(sessions, set, now, func(p string) bool { return p == name })
		for _, o := range orphans {
			if o.Profile == name {
				row.Hints = o.Hints
			}
		}
		rows = append(rows, row)
	}
	if opts.JSON {
		enc := json.NewEncoder(f.IO.Out)
		enc.SetIndent("", "  ")
		if rows == nil {
			rows = []listedProfile{}
		}
		return enc.Encode(rows)
	}
	if len(rows) == 0 {
		fmt.Fprintln(f.IO.Out, "No profiles and no stored keys. Add a key with: awskeep add default (or another profile name)")
		return nil
	}
	tw := newHumanTable(f.IO.Out)
	fmt.Fprintln(tw, "PROFILE\tKEY\tAGE\tSOURCE\tROLE\tSESSIONS")
	for _, r := range rows {
		key, age := "-", "-"
		if r.Key != "" {
			key = r.Key
			age = fmt.Sprintf("%dd", *r.KeyAgeDays)
			if r.KeyCreatedFrom == "added" {
				age += " (since added)"
			}
		}
		source := dash(r.Source)
		if r.SSO != nil {
			source = "sso " + firstNonEmptyString(r.SSO.Session, r.SSO.StartURL) + " (" + r.SSO.describe() + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Profile, key, age, source, dash(r.Role), describeSessions(r.Sessions))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, line := range reminders {
		fmt.Fprintln(f.IO.ErrOut, line)
	}
	for _, o := range orphans {
		fmt.Fprintf(f.IO.ErrOut, "awskeep: warning: %s.\n", printable(o.Message))
		for _, h := range o.Hints {
			fmt.Fprintf(f.IO.ErrOut, "  %s\n", printable(h))
		}
	}
	return nil
}

func describeSessions(ss []listedSession) string {
	if len(ss) == 0 {
		return "-"
	}
	regions := regionsDiffer(ss)
	parts := make([]string, 0, len(ss))
	for _, s := range ss {
		parts = append(parts, s.label(regions)+": "+humanLeft(time.Duration(s.SecondsLeft)*time.Second)+" left")
	}
	return strings.Join(parts, "; ")
}

// rotateAfterDefault is AWSKEEP_ROTATE_AFTER, or 90 days.
func rotateAfterDefault(f *factory) (time.Duration, error) {
	return profiles.DefaultRotation(f.Getenv)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
