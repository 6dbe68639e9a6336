package cmd

import (
	"errors"
	"fmt"

	"github.com/awskeep/awskeep/vault"
)

// explainFileKeyringError covers the file keyring's passphrase, its unlock
// in the kernel keyring, and its header.
func explainFileKeyringError(err error, hc hintContext) (explanation, bool) {
	var needPass *needPassphraseError
	var mismatch *passphraseMismatchError
	var unavailable *vault.UnlockUnavailableError
	var damaged *vault.DamagedStoreError
	var item *vault.DamagedItemError
	switch {
	case errors.As(err, &item):
		return explainDamagedItem(item), true
	case errors.As(err, &needPass):
		return explanation{message: needPass.Error(), code: exitFailure, hints: []string{
			"Run 'awskeep unlock' first: it asks the passphrase once and keeps the keyring unlocked for this",
			"  login session (8h; 'awskeep unlock --for 12h' for longer). For unattended jobs, set AWSKEEP_FILE_PASSPHRASE.",
		}}, true
	case errors.As(err, &mismatch):
		return explanation{message: mismatch.Error(), code: exitFailure, hints: []string{
			"Run the command again and type the same passphrase twice.",
		}}, true
	case errors.As(err, &unavailable):
		return explanation{message: unavailable.Error(), code: exitFailure, hints: []string{
			"Commands still work: each one asks for the passphrase (or reads AWSKEEP_FILE_PASSPHRASE).",
			"In a container, the kernel keyring is blocked by Docker's default seccomp profile; see docs/backends.md.",
		}}, true
	case errors.As(err, &damaged):
		return explanation{message: damaged.Error(), code: exitFailure}, true
	case errors.Is(err, vault.ErrNotFileBackend):
		var be *vault.BackendError
		backend := "this"
		if errors.As(err, &be) {
			backend = "the " + be.Backend
		}
		pick := "AWSKEEP_BACKEND=file"
		if hc.has("backend") {
			pick = "--backend file or AWSKEEP_BACKEND=file"
		}
		return explanation{message: "only the file keyring has a passphrase; " + backend + " keyring is unlocked by its own means", code: exitFailure, hints: []string{
			"Pick the file keyring with " + pick + "; 'awskeep keyring status' shows which one is in use.",
		}}, true
	case errors.Is(err, vault.ErrNoFileStore):
		return explanation{message: err.Error(), code: exitFailure, hints: []string{
			"'awskeep unlock' or the first 'awskeep add' creates it with the passphrase you choose.",
		}}, true
	}
	return explanation{}, false
}

// explainDamagedItem: an item that no longer reads cannot be used, so the
// fix is to remove it (which needs no reading) and store it again.
func explainDamagedItem(d *vault.DamagedItemError) explanation {
	e := explanation{message: d.Error(), code: exitFailure}
	switch {
	case d.Kind == "key" && d.Profile != "":
		e.hints = []string{
			fmt.Sprintf("Nothing can use it. Remove it with 'awskeep remove %s', then store the key again with 'awskeep add %s'.", d.Profile, d.Profile),
			"(An item copied from another store or changed outside awskeep reads like this, though the passphrase is right.)",
		}
	case d.Kind == "rotation journal" && d.Profile != "":
		e.hints = []string{
			fmt.Sprintf("The rotation of %s it recorded cannot be resumed. Check for a new key it created with 'aws iam list-access-keys';", d.Profile),
			fmt.Sprintf("  'awskeep remove %s' drops the journal with the key, which you then store again with 'awskeep add %s'.", d.Profile, d.Profile),
		}
	case d.Kind == "session" && d.Profile != "":
		e.hints = []string{fmt.Sprintf("Drop it with 'awskeep clear %s'; the next call makes a new session.", d.Profile)}
	default:
		e.hints = []string{"Remove the item in your keyring manager (for the file keyring: the file of that name in its directory) and store it again."}
	}
	return e
}
