package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/sts"
	"github.com/awskeep/awskeep/vault"
	"github.com/spf13/cobra"
)

type doctorOptions struct {
	f       *factory
	Profile string
	JSON    bool

	// AWS calls, injected for tests.
	identity   func(context.Context, sts.ClientConfig, sts.StaticKey) (sts.Identity, error)
	accessKeys func(context.Context, sts.ClientConfig, sts.StaticKey, string) ([]sts.AccessKeyUse, error)
}

// checkResult is one finding of doctor; its JSON form is stable.
type checkResult struct {
	Check   string   `json:"check"`
	Status  string   `json:"status"` // ok, warn, fail
	Message string   `json:"message"`
	Hints   []string `json:"hints"` // [] when there is nothing to do
}

// MarshalJSON writes hints as [] rather than null when there are none.
func (c checkResult) MarshalJSON() ([]byte, error) {
	type plain checkResult
	if c.Hints == nil {
		c.Hints = []string{}
	}
	return json.Marshal(plain(c))
}

type profileReport struct {
	Profile string        `json:"profile"`
	Checks  []checkResult `json:"checks"`
}

type doctorReport struct {
	Backend  string          `json:"backend"`
	Keyring  []checkResult   `json:"keyring"` // doctor_filekeyring.go; [] but for the file keyring
	Files    []checkResult   `json:"files"`   // lines the AWS CLI and the Go SDK read differently
	Profiles []profileReport `json:"profiles"`
	// KeysWithoutProfile are stored keys whose profile is not in the config (orphans.go).
	KeysWithoutProfile []keyWithoutProfile `json:"keys_without_profile"`
	Problems           int                 `json:"problems"`
}

func newDoctorCmd(f *factory, runF func(context.Context, *doctorOptions) error) *cobra.Command {
	opts := &doctorOptions{f: f, identity: sts.GetCallerIdentity, accessKeys: sts.AccessKeys}
	c := &cobra.Command{
		Use:   "doctor [PROFILE] [--json]",
		Short: "Check profiles, stored keys and whether AWS still accepts them",
		Long: `Check every profile (or one): that its configuration resolves, that its key is stored,
how old the key is, whether AWS still accepts it (one GetCallerIdentity per key), its
IAM status and last use when the key may read them, root-account keys, and plain-text
keys left in ~/.aws/credentials, and the lines of the config files that the AWS CLI and
the Go SDK read differently. Each problem comes with what to do about it.

Exit status: 0 when all is well, 1 when something needs attention, 3 when AWS rejected
a stored key.`,
		Example:           "  awskeep doctor\n  awskeep doctor prod --json",
		Args:              maxArgs(1, "one profile name"),
		ValidArgsFunction: completeProfiles(f),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Profile = args[0]
			}
			if runF != nil {
				return runF(c.Context(), opts)
			}
			return runDoctor(c.Context(), opts)
		},
	}
	c.Flags().BoolVar(&opts.JSON, "json", false, "Print JSON")
	return c
}

// keyVerdict is what AWS said about one stored key, shared by every profile
// using it: the first profile to need it asks, the others wait for done.
type keyVerdict struct {
	done  chan struct{}
	check sts.KeyCheck
	err   error
}

// doctorParallel bounds the AWS checks in flight: with 100 ms to AWS, 200
// keys take about 200*3*100ms/8 = 7.5 s instead of a minute.
const doctorParallel = 8

// profileCheck is one profile's report and what it adds up to.
type profileCheck struct {
	report   profileReport
	problems int
	rejected bool
}

// doctorRun holds what the checks of one doctor run share.
type doctorRun struct {
	opts  *doctorOptions
	set   *profiles.Set
	store *vault.Store
	r     *sts.Resolver
	slots chan struct{} // one per AWS check in flight

	mu       sync.Mutex
	verdicts map[string]*keyVerdict // by access key ID
}

func runDoctor(ctx context.Context, opts *doctorOptions) error {
	f := opts.f
	set, err := f.Profiles()
	if err != nil {
		return err
	}
	store, err := f.Vault()
	if err != nil {
		return err
	}
	names := set.Names()
	orphans, orphansErr := storedWithoutProfile(set, store, opts.Profile)
	if opts.Profile != "" {
		names = []string{opts.Profile}
		if _, err := set.Profile(opts.Profile); err != nil {
			if len(orphans) == 0 {
				return err
			}
			names = nil // only its stored key to report
		}
	}
	r, err := f.resolver()
	if err != nil {
		return err
	}
	r.CallerIdentity, r.AccessKeys = opts.identity, opts.accessKeys
	report := doctorReport{Backend: store.Backend(), Profiles: []profileReport{}, KeysWithoutProfile: orphans}
	addFileKeyringChecks(&report, store, f.Now())
	if report.Keyring == nil {
		report.Keyring = []checkResult{}
	}
	if orphansErr != nil {
		e := explainFor(orphansErr, f.hints())
		report.Keyring = append(report.Keyring, checkResult{Check: "stored keys", Status: "fail", Message: e.message, Hints: e.hints})
		report.Problems++
	}
	report.Problems += len(orphans)
	report.Files = sdkDifferenceChecks(set, f)
	report.Problems += len(report.Files)
	run := &doctorRun{opts: opts, set: set, store: store, r: r,
		slots: make(chan struct{}, doctorParallel), verdicts: map[string]*keyVerdict{}}

	// Profiles are checked concurrently (the local part in order, the AWS
	// part in up to doctorParallel goroutines) and reported in order, each
	// as soon as it and those before it are done.
	results := make([]chan profileCheck, len(names))
	for i := range results {
		results[i] = make(chan profileCheck, 1)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		for i, name := range names {
			if ctx.Err() != nil {
				return
			}
			run.check(ctx, name, results[i])
		}
	}()
	progress := newProgressLine(f.IO, "checking profiles")
	if len(names) > 1 {
		f.status().mute() // the progress line says it
	}
	human := printableWriter{f.IO.Out} // names and values from the files, for a person
	if !opts.JSON {
		printDoctorHeader(human, report)
	}
	rejected := false
	for i := range names {
		progress.show(i, len(names))
		pc := <-results[i]
		report.Profiles = append(report.Profiles, pc.report)
		report.Problems += pc.problems
		rejected = rejected || pc.rejected
		if !opts.JSON {
			progress.clear()
			printProfileReport(human, pc.report)
		}
	}
	progress.clear()
	if !opts.JSON {
		printKeysWithoutProfile(human, report.KeysWithoutProfile)
	}
	if opts.JSON {
		enc := json.NewEncoder(f.IO.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			return err
		}
	} else {
		printDoctorSummary(human, report)
	}
	switch {
	case rejected:
		return &exitCodeError{code: exitRejected}
	case report.Problems > 0:
		return &exitCodeError{code: exitFailure}
	}
	return nil
}

// check runs the local checks of profile name and, when its key is to be
// asked about, starts the AWS check; out receives the result.
func (d *doctorRun) check(ctx context.Context, name string, out chan<- profileCheck) {
	f, set, store, r := d.opts.f, d.set, d.store, d.r
	pc := &profileCheck{report: profileReport{Profile: name, Checks: []checkResult{}}}
	add := func(check, status, msg string, hints ...string) {
		pc.report.Checks = append(pc.report.Checks, checkResult{Check: check, Status: status, Message: msg, Hints: hints})
		if status != "ok" {
			pc.problems++
		}
	}
	finish := func() { out <- *pc }
	p, _ := set.Profile(name)
	if p != nil && p.HasStaticKey() {
		v, _ := p.Get("aws_access_key_id")
		add("plain-text key", "warn", fmt.Sprintf("a plain-text key is in %s line %d", v.File, v.Line), "Move it into the keyring: awskeep profile import "+name)
	}
	chain, err := r.Resolve(set, name)
	if err != nil {
		e := explainFor(err, f.hints().forProfile(name))
		add("config", "fail", e.message, e.hints...)
		finish()
		return
	}
	add("config", "ok", fmt.Sprintf("resolves in %d hop%s", len(chain.Hops), plural(len(chain.Hops))))
	if cp := chain.Target().CredentialProcess; cp != "" {
		add("credential_process", "ok", "served by credential_process: "+cp)
		finish()
		return
	}
	info, err := r.Describe(ctx, chain)
	var noKey *sts.NoStoredKeyError
	var plain *sts.PlainTextKeyError
	switch {
	case err == nil && (info.Kind == profiles.SourceSSO || info.Kind == profiles.SourceWebIdentity || info.Kind == profiles.SourceCredentialSource):
		for _, c := range sourceChecks(f, chain) {
			add(c.Check, c.Status, c.Message, c.Hints...)
		}
	case err == nil && info.Kind == profiles.SourceProcess:
		add("credential_process", "ok", fmt.Sprintf("%s gets its credentials from another tool: %s", info.Owner, info.Command))
	case errors.As(err, &plain) && plain.Owner == name:
		// the plain-text key above is its key; already reported
	case errors.As(err, &noKey):
		add("stored key", "fail", fmt.Sprintf("no key stored for %s in the %s keyring", noKey.Owner, store.Backend()), "Store one: awskeep add "+noKey.Owner)
	case err != nil:
		e := explainFor(err, f.hints().forProfile(name))
		add("stored key", "fail", e.message, e.hints...)
	}
	if err != nil || info.Key == nil {
		finish()
		return
	}
	key := *info.Key
	owner := ""
	if info.Owner != name {
		owner = " (from " + info.Owner + ")"
	}
	add("stored key", "ok", fmt.Sprintf("%s%s, added %s", sts.MaskKeyID(key.AccessKeyID), owner, key.AddedAt.Format("2006-01-02")))
	if j, err := store.RotationJournal(info.Owner); err == nil {
		add("rotation", "warn", fmt.Sprintf("a rotation of %s stopped after step %q (started %s)", info.Owner, j.Step, j.StartedAt.Format(time.RFC3339)),
			"Finish it: awskeep rotate "+info.Owner)
	}
	age, due := rotationDue(f, keyInfoOf(key), chain)
	ageFrom := "since IAM created it"
	if !key.CreatedFromIAM {
		ageFrom = "since it was added here"
	}
	if due {
		add("key age", "warn", fmt.Sprintf("%s old %s; due for rotation", humanAge(age), ageFrom), "Rotate it: awskeep rotate "+info.Owner)
	} else {
		add("key age", "ok", fmt.Sprintf("%s old %s", humanAge(age), ageFrom))
	}

	go func() {
		v := d.verdict(ctx, chain, key)
		if v.err != nil {
			err := v.err
			var ce *sts.CredentialsError
			if errors.As(err, &ce) && ce.Profile != name {
				c := *ce
				c.Profile = name
				err = &c
			}
			e := explainFor(err, f.hints().forProfile(info.Owner))
			pc.rejected = e.code == exitRejected
			add("AWS accepts the key", "fail", e.message, e.hints...)
			finish()
			return
		}
		add("AWS accepts the key", "ok", v.check.Identity.ARN)
		if v.check.Identity.IsRoot {
			add("root key", "warn", "this key belongs to the root user of account "+v.check.Identity.Account,
				"Create an IAM user for everyday work and delete the root key (console: Security credentials).")
		}
		for _, k := range v.check.Keys {
			if k.KeyID != key.AccessKeyID {
				continue
			}
			msg := k.Status
			if !k.LastUsed.IsZero() {
				msg += fmt.Sprintf(", last used %s (%s)", k.LastUsed.Format("2006-01-02"), k.LastUsedService)
			}
			if k.Status != "Active" {
				add("IAM status", "fail", msg+": the key is deactivated and AWS will reject it", "Ask an administrator to reactivate it, or store a new key: awskeep add "+info.Owner)
			} else {
				add("IAM status", "ok", msg)
			}
		}
		finish()
	}()
}

// verdict asks AWS about key once per run, in one of the run's slots;
// profiles sharing the key wait for the first one's answer.
func (d *doctorRun) verdict(ctx context.Context, chain *profiles.Chain, key vault.Key) *keyVerdict {
	d.mu.Lock()
	v := d.verdicts[key.AccessKeyID]
	if v != nil {
		d.mu.Unlock()
		<-v.done
		return v
	}
	v = &keyVerdict{done: make(chan struct{})}
	d.verdicts[key.AccessKeyID] = v
	d.mu.Unlock()
	defer close(v.done)
	select {
	case d.slots <- struct{}{}:
	case <-ctx.Done():
		v.err = ctx.Err()
		return v
	}
	defer func() { <-d.slots }()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v.check, v.err = d.r.CheckKey(ctx, chain, key)
	return v
}

func keyInfoOf(k vault.Key) vault.KeyInfo {
	return vault.KeyInfo{Profile: k.Profile, AccessKeyID: k.AccessKeyID, CreatedAt: k.CreatedAt, CreatedFromIAM: k.CreatedFromIAM}
}

func printDoctorHeader(w io.Writer, r doctorReport) {
	fmt.Fprintf(w, "Keyring backend: %s\n", r.Backend)
	printFileKeyringChecks(w, r)
	if len(r.Files) > 0 {
		fmt.Fprintf(w, "\nAWS config files\n")
		printChecks(w, r.Files)
	}
}

// sdkDifferenceChecks are the lines the AWS CLI and the Go SDK (terraform,
// most Go tools) read differently, with the fix.
func sdkDifferenceChecks(set *profiles.Set, f *factory) []checkResult {
	home, _ := f.HomeDir()
	out := []checkResult{}
	for _, d := range set.SDKDifferences() {
		out = append(out, checkResult{Check: "AWS CLI and Go SDK disagree", Status: "warn",
			Message: fmt.Sprintf("%s line %d: the AWS CLI reads %s; the Go SDK and terraform read %s", shortPath(d.File, home), d.Line, d.CLI, d.GoSDK),
			Hints:   []string{upperFirst(d.Fix) + "."}})
	}
	return out
}

func printChecks(w io.Writer, checks []checkResult) {
	for _, c := range checks {
		label := map[string]string{"ok": "  ok  ", "warn": " WARN ", "fail": " FAIL "}[c.Status]
		fmt.Fprintf(w, "%s %s: %s\n", label, c.Check, c.Message)
		for _, h := range c.Hints {
			fmt.Fprintf(w, "        %s\n", h)
		}
	}
}

func printProfileReport(w io.Writer, p profileReport) {
	fmt.Fprintf(w, "\n%s\n", p.Profile)
	printChecks(w, p.Checks)
}

// storedWithoutProfile is what doctor reports of keys stored for profiles
// not in the config: all of them, or only profile's when one is named.
func storedWithoutProfile(set *profiles.Set, store *vault.Store, profile string) ([]keyWithoutProfile, error) {
	stored, err := store.KeyInfos()
	if err != nil {
		return []keyWithoutProfile{}, err
	}
	out := []keyWithoutProfile{}
	for _, k := range keysWithoutProfile(set, stored) {
		if profile == "" || k.Profile == profile {
			out = append(out, k)
		}
	}
	return out, nil
}

func printKeysWithoutProfile(w io.Writer, keys []keyWithoutProfile) {
	if len(keys) == 0 {
		return
	}
	fmt.Fprintf(w, "\nStored keys without a profile\n")
	for _, k := range keys {
		printChecks(w, []checkResult{{Check: "stored key", Status: "warn", Message: k.Message, Hints: k.Hints}})
	}
}

func printDoctorSummary(w io.Writer, r doctorReport) {
	if r.Problems == 0 {
		fmt.Fprintln(w, "\nNo problems found.")
	} else {
		fmt.Fprintf(w, "\n%d problem%s found.\n", r.Problems, plural(r.Problems))
	}
}
