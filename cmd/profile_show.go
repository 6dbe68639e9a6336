package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/sts"
	"github.com/spf13/cobra"
)

type profileShowOptions struct {
	f    *factory
	Name string
	JSON bool
}

type shownValue struct {
	Value string `json:"value"`
	File  string `json:"file"`
	Line  int    `json:"line"`
}

type shownHop struct {
	Profile string                `json:"profile"`
	Role    string                `json:"role"` // "long-term key", "assume role", "shares source key"
	Values  map[string]shownValue `json:"values"`
	SSO     *shownSSO             `json:"sso,omitempty"`
}

// shownSSO is an IAM Identity Center source hop.
type shownSSO struct {
	Session   string `json:"sso_session,omitempty"`
	StartURL  string `json:"start_url"`
	Region    string `json:"region"`
	AccountID string `json:"account_id"`
	RoleName  string `json:"role_name"`
	Refresh   bool   `json:"refreshable"`
	TokenFile string `json:"token_file,omitempty"`
	TokenIn   string `json:"token_store"`
}

func newProfileShowCmd(f *factory, runF func(context.Context, *profileShowOptions) error) *cobra.Command {
	opts := &profileShowOptions{f: f}
	c := &cobra.Command{
		Use:   "show [PROFILE]",
		Short: "Show how a profile resolves, hop by hop, and where each value came from",
		Long: `Show the chain a profile resolves into: its source first (the profile whose credentials
the chain starts from, what they are and why the chain ends there), then each role
assumed on the way, with every setting and the file and line it came from, and the
sessions cached for the chain's profiles, each with what it is (session token or role,
with MFA or not, its lifetime) and its time left.`,
		Example:           "  awskeep profile show prod-admin\n  awskeep profile show prod-admin --json",
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
			return runProfileShow(c.Context(), opts)
		},
	}
	c.Flags().BoolVar(&opts.JSON, "json", false, "Print JSON")
	return c
}

func runProfileShow(_ context.Context, opts *profileShowOptions) error {
	set, err := opts.f.Profiles()
	if err != nil {
		return err
	}
	// Resolve as the pipeline does, knowing which profiles have a stored
	// key (item names only: no passphrase); without a keyring, the files alone.
	keyring := true
	var chain *profiles.Chain
	if r, rerr := opts.f.resolver(); rerr == nil {
		chain, err = r.Resolve(set, opts.Name)
	} else {
		opts.f.Log.Debug("profile show without the keyring", "err", rerr)
		keyring = false
		chain, err = set.Resolve(opts.Name)
	}
	if err != nil {
		return err
	}
	home, _ := opts.f.HomeDir()
	source := shownSource{Profile: chain.Source().Profile, Kind: sourceKindName(chain.SourceKind), Why: sourceWhy(chain, home, keyring)}
	hops := make([]shownHop, 0, len(chain.Hops))
	for i, hop := range chain.Hops {
		h := shownHop{Profile: hop.Profile, Role: hopRole(i, hop, chain.SourceKind), Values: map[string]shownValue{}}
		for key, v := range hop.Origins {
			h.Values[key] = shownValue{Value: v.Text, File: shortPath(v.File, home), Line: v.Line}
		}
		if i == 0 && hop.SSO != nil {
			h.SSO = showSSO(opts.f, hop.SSO, home)
		}
		hops = append(hops, h)
	}
	sessions := []listedSession{}
	if keyring {
		sessions = chainSessions(opts.f, set, chain)
	}
	out := io.Writer(opts.f.IO.Out)
	if opts.JSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"profile": opts.Name, "source": source, "hops": hops, "sessions": sessions})
	}
	out = printableWriter{out} // names and values from the files, for a person
	fmt.Fprintf(out, "%s resolves in %d hop%s:\n", opts.Name, len(hops), plural(len(hops)))
	columns := columnsFor(hops, opts.f.IO.width())
	for i, h := range hops {
		fmt.Fprintf(out, "%d. %s (%s)\n", i+1, h.Profile, h.Role)
		if i == 0 {
			fmt.Fprintf(out, "     why: %s\n", source.Why)
		}
		printShownValues(out, h.Values, columns)
		if s := h.SSO; s != nil {
			fmt.Fprintf(out, "     IAM Identity Center: account %s, role %s, portal %s (%s)\n", s.AccountID, s.RoleName, s.StartURL, s.Region)
			switch {
			case s.TokenFile != "":
				fmt.Fprintf(out, "     token file: %s\n", s.TokenFile)
			default:
				fmt.Fprintf(out, "     token: kept in the keyring only\n")
			}
			if !s.Refresh {
				fmt.Fprintf(out, "     legacy form: the token lasts 8 hours and can never refresh; move sso_start_url and sso_region into an [sso-session]\n")
			}
		}
	}
	printChainSessions(out, sessions, opts.f.Now())
	for _, w := range chain.Target().Warnings() {
		fmt.Fprintf(opts.f.IO.ErrOut, "warning: %s\n", printable(w.Msg))
	}
	return nil
}

func showSSO(f *factory, s *profiles.SSO, home string) *shownSSO {
	out := &shownSSO{Session: s.Session, StartURL: s.StartURL, Region: s.Region, AccountID: s.AccountID, RoleName: s.RoleName,
		Refresh: !s.Legacy(), TokenIn: "file"}
	if sts.SSOTokenStore(f.Getenv, s) == sts.TokenStoreKeyring {
		out.TokenIn = "keyring"
		return out
	}
	if home != "" {
		out.TokenFile = shortPath(sts.SSOTokenPath(home, s.CacheKey()), home)
	}
	return out
}

// shownSource is which hop a chain's credentials come from, and why.
type shownSource struct {
	Profile string `json:"profile"`
	Kind    string `json:"kind"`
	Why     string `json:"why"`
}

func sourceKindName(k profiles.SourceKind) string {
	if k == profiles.SourceNone {
		return "none"
	}
	return string(k)
}

func hopRole(i int, hop profiles.Hop, kind profiles.SourceKind) string {
	if i == 0 {
		role := map[profiles.SourceKind]string{
			profiles.SourceNone:             "source: long-term key, none stored",
			profiles.SourceStoredKey:        "source: stored key",
			profiles.SourceStaticKey:        "source: plain-text key",
			profiles.SourceProcess:          "source: another tool's credential_process",
			profiles.SourceSSO:              "source: IAM Identity Center",
			profiles.SourceCredentialSource: "source: credential_source",
			profiles.SourceWebIdentity:      "source: web identity",
		}[kind]
		if role == "" {
			role = "source: " + string(kind)
		}
		if hop.RoleARN != "" {
			role += ", then assume role"
		}
		return role
	}
	switch {
	case hop.RoleARN != "":
		return "assume role"
	default:
		return "uses the source's credentials"
	}
}

// sourceWhy says why the chain's credentials come from its first hop.
func sourceWhy(chain *profiles.Chain, home string, keyring bool) string {
	src := chain.Source()
	what := map[profiles.SourceKind]string{
		profiles.SourceStoredKey:        "a key is stored for it",
		profiles.SourceProcess:          "it has another tool's credential_process",
		profiles.SourceSSO:              "it has IAM Identity Center settings",
		profiles.SourceCredentialSource: "it assumes its role with credential_source = " + src.CredentialSource,
		profiles.SourceWebIdentity:      "it assumes its role with web_identity_token_file",
	}[chain.SourceKind]
	switch chain.SourceKind {
	case profiles.SourceStaticKey:
		v := src.Origins["aws_access_key_id"]
		what = fmt.Sprintf("it has a plain-text key (%s:%d), which awskeep does not use; move it into the keyring with 'awskeep profile import %s'", shortPath(v.File, home), v.Line, src.Profile)
	case profiles.SourceNone:
		what = fmt.Sprintf("nothing else gives it credentials, so awskeep needs a stored key for it: 'awskeep add %s'", src.Profile)
		if !keyring {
			what = "the keyring could not be opened, so stored keys were not considered"
		}
	}
	if chain.EndsEarly {
		return fmt.Sprintf("the chain stops at %s although it names a source_profile or role_arn: %s, and a profile reached through source_profile that holds credentials of its own is used as it is (as the AWS SDKs do)", src.Profile, what)
	}
	if len(chain.Hops) > 1 && chain.Hops[1].Profile == src.Profile {
		return fmt.Sprintf("%s is its own source_profile: %s", src.Profile, what)
	}
	return fmt.Sprintf("%s is the end of the chain (no source_profile) and %s", src.Profile, what)
}

// shortPath shows files under the home directory as ~/..., as people write them.
func shortPath(path, home string) string {
	if home != "" {
		if rel, err := filepath.Rel(home, path); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.Join("~", rel)
		}
	}
	return path
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// valueIndent starts the lines of a hop's settings.
const valueIndent = "     "

// valueColumns are the widths of the settings' columns, shared by every hop
// so that they line up down the whole output.
type valueColumns struct{ key, value, origin int }

func originOf(v shownValue) string { return fmt.Sprintf("%s:%d", v.File, v.Line) }

// columnsFor sizes the columns for hops' settings: as wide as their longest
// entry; on a terminal (width > 0) the value column gives way so that the
// key and file:line columns fit, but never so far that short values wrap.
func columnsFor(hops []shownHop, width int) valueColumns {
	var c valueColumns
	for _, h := range hops {
		for k, v := range h.Values {
			c.key = max(c.key, utf8.RuneCountInString(k))
			c.value = max(c.value, utf8.RuneCountInString(v.Value))
			c.origin = max(c.origin, utf8.RuneCountInString(originOf(v)))
		}
	}
	if width > 0 {
		c.value = min(c.value, max(width-len(valueIndent)-c.key-len(" = ")-1-c.origin, 24))
	}
	return c
}

// printShownValues prints a hop's settings as "key = value  file:line" in
// columns c. A value too long for its column keeps its line and its
// file:line goes on the next one, under the others; columns are only that
// narrow on a terminal, so elsewhere nothing is cut or wrapped.
func printShownValues(w io.Writer, values map[string]shownValue, c valueColumns) {
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := values[k]
		if utf8.RuneCountInString(v.Value) <= c.value {
			fmt.Fprintf(w, "%s%-*s = %-*s %s\n", valueIndent, c.key, k, c.value, v.Value, originOf(v))
			continue
		}
		fmt.Fprintf(w, "%s%-*s = %s\n", valueIndent, c.key, k, v.Value)
		fmt.Fprintf(w, "%s%s\n", strings.Repeat(" ", len(valueIndent)+c.key+len(" = ")+c.value+1), originOf(v))
	}
}

// chainSessions are the cached sessions issued for the profiles of chain,
// from item names alone (no passphrase).
func chainSessions(f *factory, set *profiles.Set, chain *profiles.Chain) []listedSession {
	store, err := f.Vault()
	if err != nil {
		return []listedSession{}
	}
	infos, err := store.Sessions()
	if err != nil {
		f.Log.Debug("profile show without cached sessions", "err", err)
		return []listedSession{}
	}
	inChain := map[string]bool{}
	for _, h := range chain.Hops {
		inChain[h.Profile] = true
	}
	return cachedSessions(infos, set, f.Now(), func(p string) bool { return inChain[p] })
}

// printChainSessions lists the cached sessions of a chain, each told apart
// by what it is: the time left, until when, the profile it was issued for,
// its kind (a role session's role), MFA and lifetime.
func printChainSessions(w io.Writer, sessions []listedSession, now time.Time) {
	if len(sessions) == 0 {
		fmt.Fprintln(w, "cached sessions: none")
		return
	}
	fmt.Fprintf(w, "cached sessions (%d):\n", len(sessions))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	regions := regionsDiffer(sessions)
	for _, s := range sessions {
		what := s.label(regions)
		if s.RoleARN != "" {
			what = strings.Replace(what, sts.SessionRole, sts.SessionRole+" "+s.RoleARN, 1)
		}
		fmt.Fprintf(tw, "%s%s left\tuntil %s\t%s\t%s\n", valueIndent, humanLeft(s.Expiration.Sub(now)),
			s.Expiration.Local().Format("2006-01-02 15:04"), s.Profile, what)
	}
	tw.Flush()
}
