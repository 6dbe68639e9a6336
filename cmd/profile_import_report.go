package cmd

import (
	"fmt"
	"io"
	"strings"
)

// importReport is what one `profile import` (from ~/.aws/credentials or from
// aws-vault) did with each profile. Both go on past a profile they cannot
// import, say each one as it happens, and end with the same summary; any
// skipped profile makes the command fail (exit 1) once the rest are done.
type importReport struct {
	w        io.Writer
	from     string // where skipped keys stay, in words: "~/.aws/credentials", "aws-vault's keyring"
	flags    string // the import flags to run again with: "" or " --from aws-vault"
	imported int
	skipped  []string // profiles not imported because something is wrong
	nothing  int      // profiles with nothing to import (temporary credentials, already held)
}

// skip reports a profile that is not imported because of err; where is the
// file and line the problem is at, when known ("FILE:LINE").
func (r *importReport) skip(profile, where string, err error) {
	r.skipped = append(r.skipped, profile)
	e := explain(err)
	at := ""
	if where != "" {
		at = " (" + where + ")"
	}
	fmt.Fprintf(r.w, "Skipped %s%s: %s\n", printable(profile), printable(at), printable(e.message))
	for _, h := range e.hints {
		fmt.Fprintf(r.w, "  %s\n", printable(h))
	}
}

// nothingToDo reports a profile left as it is, for a reason that is no fault.
func (r *importReport) nothingToDo(profile, reason string) {
	r.nothing++
	fmt.Fprintf(r.w, "Nothing to import for %s: %s.\n", printable(profile), printable(reason))
}

// finish prints the summary and returns the error that fails the command
// when any profile was skipped.
func (r *importReport) finish() error {
	summary := fmt.Sprintf("Imported %d, skipped %d", r.imported, len(r.skipped))
	if r.nothing > 0 {
		summary += fmt.Sprintf(", nothing to import for %d", r.nothing)
	}
	fmt.Fprintln(r.w, summary+".")
	if len(r.skipped) == 0 {
		return nil
	}
	return &importIncompleteError{skipped: r.skipped, imported: r.imported, from: r.from, flags: r.flags}
}

// importIncompleteError: some profiles were not imported; the others were.
type importIncompleteError struct {
	skipped  []string
	imported int
	from     string
	flags    string
}

func (e *importIncompleteError) Error() string {
	n := len(e.skipped)
	return fmt.Sprintf("%d profile%s not imported (%s), %d imported; the skipped keys stay in %s: fix what is said above, then run 'awskeep profile import%s %s'",
		n, plural(n), strings.Join(e.skipped, ", "), e.imported, e.from, e.flags, strings.Join(e.skipped, " "))
}
