package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/awskeep/awskeep/vault"
	"github.com/spf13/cobra"
)

func newKeyringCmd(f *factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "keyring",
		Short: "The keyring itself: status, file passphrase, moving to another backend",
		Long: `Commands about the keyring that holds awskeep's keys and sessions, rather than about
profiles: where and what it is, the file keyring's passphrase, and moving every item to
another backend.`,
		Example: `  awskeep keyring status
  awskeep keyring passwd
  awskeep keyring move --to secret-service --dry-run`,
	}
	c.AddCommand(
		newKeyringStatusCmd(f, nil),
		newKeyringPasswdCmd(f, nil),
		newKeyringMoveCmd(f, nil),
	)
	return c
}

type keyringStatusOptions struct {
	f    *factory
	JSON bool
}

// keyringStatusJSON is the JSON of `keyring status`; its form is stable.
type keyringStatusJSON struct {
	Backend          string     `json:"backend"`
	Location         string     `json:"location"`
	Format           string     `json:"format,omitempty"`
	KDF              string     `json:"kdf,omitempty"`
	Locked           *bool      `json:"locked,omitempty"`
	UnlockedUntil    *time.Time `json:"unlocked_until,omitempty"`
	SecondsLeft      *int64     `json:"seconds_left,omitempty"`
	UnlockCache      string     `json:"unlock_cache,omitempty"`
	Keys             int        `json:"keys"`
	Sessions         int        `json:"sessions"`
	KeyInfos         int        `json:"key_infos"`
	RotationJournals int        `json:"rotation_journals"`
	Other            int        `json:"other"`
}

func newKeyringStatusCmd(f *factory, runF func(context.Context, *keyringStatusOptions) error) *cobra.Command {
	opts := &keyringStatusOptions{f: f}
	c := &cobra.Command{
		Use:   "status [--json]",
		Short: "Show the keyring's backend, location, format, lock state and item counts",
		Long: `Show which keyring backend is in use and where it keeps its items, how many items of each
kind it holds, and for the file keyring its format (awskeep-file-v2, or the older JWE
format that the next command with the passphrase converts), its key derivation, and
whether it is unlocked in this login session and for how long. Reads no secret and asks
no passphrase.`,
		Example: "  awskeep keyring status\n  awskeep keyring status --json",
		Args:    exactArgs(0, "no arguments"),
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return runKeyringStatus(c.Context(), opts)
		},
	}
	c.Flags().BoolVar(&opts.JSON, "json", false, "Print JSON")
	return c
}

func runKeyringStatus(_ context.Context, opts *keyringStatusOptions) error {
	f := opts.f
	store, err := f.Vault()
	if err != nil {
		return err
	}
	st, err := store.Status()
	if err != nil {
		return err
	}
	out := keyringStatusJSON{Backend: st.Backend, Location: st.Location, Format: st.Format, KDF: st.KDF,
		UnlockCache: st.UnlockCache, Keys: st.Keys, Sessions: st.Sessions, KeyInfos: st.KeyInfos,
		RotationJournals: st.Journals, Other: st.Other}
	if st.Backend == vault.BackendFile {
		locked := !st.Unlocked
		out.Locked = &locked
		if st.Unlocked {
			until := st.UnlockedUntil.UTC()
			left := int64(until.Sub(f.Now()).Seconds())
			out.UnlockedUntil, out.SecondsLeft = &until, &left
		}
	}
	if opts.JSON {
		enc := json.NewEncoder(f.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	printKeyringStatus(f.IO.Out, out, f.Now())
	return nil
}

func printKeyringStatus(w io.Writer, s keyringStatusJSON, now time.Time) {
	fmt.Fprintf(w, "Backend:   %s\n", s.Backend)
	fmt.Fprintf(w, "Location:  %s\n", s.Location)
	if s.Format != "" {
		fmt.Fprintf(w, "Format:    %s\n", s.Format)
	}
	if s.KDF != "" {
		fmt.Fprintf(w, "KDF:       %s\n", s.KDF)
	}
	if s.Locked != nil {
		if *s.Locked {
			fmt.Fprintln(w, "State:     locked (commands ask for the passphrase; 'awskeep unlock' unlocks it)")
		} else {
			left := humanLeft(s.UnlockedUntil.Sub(now))
			fmt.Fprintf(w, "State:     unlocked until %s (%s left)\n", s.UnlockedUntil.Local().Format("2006-01-02 15:04:05"), left)
		}
		fmt.Fprintf(w, "Unlock in: %s\n", s.UnlockCache)
	}
	fmt.Fprintf(w, "Items:     %d key%s, %d session%s", s.Keys, plural(s.Keys), s.Sessions, plural(s.Sessions))
	if s.RotationJournals > 0 {
		fmt.Fprintf(w, ", %d rotation journal%s", s.RotationJournals, plural(s.RotationJournals))
	}
	fmt.Fprintf(w, " (and %d key info item%s", s.KeyInfos, plural(s.KeyInfos))
	if s.Other > 0 {
		fmt.Fprintf(w, ", %d other", s.Other)
	}
	fmt.Fprintln(w, ")")
}

type keyringPasswdOptions struct {
	f *factory
}

func newKeyringPasswdCmd(f *factory, runF func(context.Context, *keyringPasswdOptions) error) *cobra.Command {
	opts := &keyringPasswdOptions{f: f}
	return &cobra.Command{
		Use:   "passwd",
		Short: "Change the file keyring's passphrase",
		Long: `Change the file keyring's passphrase: the old one once, the new one twice, on the terminal
(three lines of standard input when there is no terminal; AWSKEEP_FILE_PASSPHRASE is not
read). Only the wrapping of the store's data key changes; the items are not rewritten, and
a session unlocked with 'awskeep unlock' stays unlocked.`,
		Example: "  awskeep keyring passwd",
		Args:    exactArgs(0, "no arguments"),
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return runKeyringPasswd(c.Context(), opts)
		},
	}
}

func runKeyringPasswd(_ context.Context, opts *keyringPasswdOptions) error {
	f := opts.f
	store, err := f.Vault()
	if err != nil {
		return err
	}
	st, err := store.Status()
	if err != nil {
		return err
	}
	if st.Backend != vault.BackendFile {
		return &vault.BackendError{Backend: st.Backend, Err: vault.ErrNotFileBackend}
	}
	var in io.Reader = f.IO.In
	var out io.Writer = io.Discard
	hidden := false
	if tty, err := f.IO.openTTY(); err == nil {
		defer tty.Close()
		in, out, hidden = tty, tty, true
	}
	read := func(prompt string) (vault.Secret, error) { return readPassphrase(in, out, prompt, hidden) }
	oldPass, err := read(fmt.Sprintf("Current passphrase for the awskeep file keyring in %s: ", st.Location))
	if err != nil {
		return err
	}
	newPass, err := read("New passphrase: ")
	if err != nil {
		return err
	}
	again, err := read("Type the new passphrase again: ")
	if err != nil {
		return err
	}
	if newPass.Reveal() != again.Reveal() {
		return &passphraseMismatchError{dir: st.Location, passwd: true}
	}
	if err := store.ChangeFilePassphrase(oldPass, newPass); err != nil {
		return err
	}
	fmt.Fprintf(f.IO.ErrOut, "Changed the passphrase of the file keyring in %s.\n", st.Location)
	if f.Getenv("AWSKEEP_FILE_PASSPHRASE") != "" {
		fmt.Fprintln(f.IO.ErrOut, "AWSKEEP_FILE_PASSPHRASE is set in this environment: change it wherever you set it.")
	}
	return nil
}

type keyringMoveOptions struct {
	f      *factory
	To     string
	DryRun bool
}

func newKeyringMoveCmd(f *factory, runF func(context.Context, *keyringMoveOptions) error) *cobra.Command {
	opts := &keyringMoveOptions{f: f}
	c := &cobra.Command{
		Use:   "move --to BACKEND [--dry-run]",
		Short: "Move every key and cached session to another keyring backend",
		Long: `Move every awskeep item (stored keys with their metadata, cached sessions, rotation
journals) from the keyring in use (--backend, AWSKEEP_BACKEND or the automatic choice) to
BACKEND: each item is copied, read back and compared, and only when every copy checks out
are the originals deleted. If BACKEND already holds an item of the same name with other
content, nothing is moved. --dry-run lists what would move and changes nothing.

Afterwards set AWSKEEP_BACKEND=BACKEND (or --backend) so awskeep uses the new keyring.`,
		Example: "  awskeep keyring move --to secret-service --dry-run\n  awskeep --backend file keyring move --to pass",
		Args:    exactArgs(0, "no arguments"),
		RunE: func(c *cobra.Command, _ []string) error {
			if opts.To == "" {
				return usageErrorf(c, "--to BACKEND is required (one of %s)", strings.Join(vault.BackendNames(), ", "))
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return runKeyringMove(c.Context(), opts)
		},
	}
	c.Flags().StringVar(&opts.To, "to", "", "Backend to move to: "+strings.Join(vault.BackendNames(), ", "))
	c.Flags().BoolVar(&opts.DryRun, "dry-run", false, "Only list what would move")
	return c
}

func runKeyringMove(_ context.Context, opts *keyringMoveOptions) error {
	f := opts.f
	from, err := f.Vault()
	if err != nil {
		return err
	}
	cfg, err := f.vaultConfig()
	if err != nil {
		return err
	}
	cfg.Backend = opts.To
	to, err := f.openVault(cfg)
	if err != nil {
		return err
	}
	defer to.Close()
	fromSt, _ := from.Status()
	toSt, _ := to.Status()
	if fromSt.Backend == toSt.Backend && fromSt.Location == toSt.Location {
		return fmt.Errorf("the keyring in use is already %s (%s); name the source with --backend", toSt.Backend, toSt.Location)
	}
	report, err := vault.MoveItems(from, to, opts.DryRun)
	if err != nil {
		return err
	}
	verb := "Moved"
	if opts.DryRun {
		verb = "Would move"
	}
	for _, n := range report.Moved {
		fmt.Fprintf(f.IO.Out, "%s %s\n", strings.ToLower(verb[:1])+verb[1:], n)
	}
	n := len(report.Moved)
	fmt.Fprintf(f.IO.ErrOut, "%s %d item%s from %s (%s) to %s (%s)", verb, n, plural(n), fromSt.Backend, fromSt.Location, toSt.Backend, toSt.Location)
	if k := len(report.AlreadyThere); k > 0 {
		fmt.Fprintf(f.IO.ErrOut, "; %d already there", k)
	}
	fmt.Fprintln(f.IO.ErrOut, ".")
	if !opts.DryRun {
		fmt.Fprintf(f.IO.ErrOut, "Use it from now on: export AWSKEEP_BACKEND=%s\n", toSt.Backend)
	}
	return nil
}
