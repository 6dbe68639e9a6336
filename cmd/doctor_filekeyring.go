package cmd

import (
	"fmt"
	"io"
	"time"

	"github.com/awskeep/awskeep/vault"
)

// addFileKeyringChecks adds the file keyring's findings to the report.
func addFileKeyringChecks(r *doctorReport, store *vault.Store, now time.Time) {
	r.Keyring = fileKeyringChecks(store, now)
	for _, c := range r.Keyring {
		if c.Status != "ok" {
			r.Problems++
		}
	}
}

func printFileKeyringChecks(w io.Writer, r doctorReport) {
	for _, c := range r.Keyring {
		label := map[string]string{"ok": "  ok  ", "warn": " WARN ", "fail": " FAIL "}[c.Status]
		fmt.Fprintf(w, "%s %s: %s\n", label, c.Check, c.Message)
		for _, h := range c.Hints {
			fmt.Fprintf(w, "        %s\n", h)
		}
	}
}

// fileKeyringChecks are doctor's findings about the file keyring itself: its
// format and whether it is unlocked. None for other backends.
func fileKeyringChecks(store *vault.Store, now time.Time) []checkResult {
	if store.Backend() != vault.BackendFile {
		return nil
	}
	st, err := store.Status()
	if err != nil {
		e := explain(err)
		return []checkResult{{Check: "file keyring", Status: "fail", Message: e.message, Hints: e.hints}}
	}
	var out []checkResult
	switch st.Format {
	case vault.FormatV2:
		out = append(out, checkResult{Check: "file keyring format", Status: "ok", Message: fmt.Sprintf("%s in %s (%s)", st.Format, st.Location, st.KDF)})
	case vault.FormatNone:
		out = append(out, checkResult{Check: "file keyring format", Status: "ok", Message: "no file keyring in " + st.Location + " yet; the first 'awskeep add' or 'awskeep unlock' creates it"})
	default:
		out = append(out, checkResult{Check: "file keyring format", Status: "warn",
			Message: fmt.Sprintf("%s in %s: the older format, one weak key derivation per item", st.Format, st.Location),
			Hints:   []string{"Convert it: 'awskeep unlock' (or any command that has the passphrase) converts it to awskeep-file-v2."}})
	}
	switch {
	case st.Unlocked:
		out = append(out, checkResult{Check: "file keyring lock", Status: "ok",
			Message: fmt.Sprintf("unlocked until %s (%s left) in %s", st.UnlockedUntil.Local().Format("15:04"), humanLeft(st.UnlockedUntil.Sub(now)), st.UnlockCache)})
	case st.Format == vault.FormatV2:
		out = append(out, checkResult{Check: "file keyring lock", Status: "ok",
			Message: "locked; commands ask for the passphrase ('awskeep unlock' keeps it unlocked in " + st.UnlockCache + ")"})
	}
	return out
}
