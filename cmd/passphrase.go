package cmd

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/awskeep/awskeep/vault"
)

// fileAsk supplies the file keyring's passphrase when the store is locked:
// AWSKEEP_FILE_PASSPHRASE first, then a hidden prompt on the terminal, then
// (for unlock and keyring passwd only) lines of stdin. A new store asks
// twice and refuses a mismatch. A passphrase typed at a prompt leaves the
// store unlocked for vault.DefaultUnlockFor, like sudo's timestamp, and
// says so once.
func (f *factory) fileAsk(req vault.PassphraseRequest) (vault.PassphraseAnswer, error) {
	if p := f.Getenv("AWSKEEP_FILE_PASSPHRASE"); p != "" {
		f.Log.Debug("file keyring passphrase from AWSKEEP_FILE_PASSPHRASE", "dir", req.Dir)
		return vault.PassphraseAnswer{Passphrase: vault.Secret(p)}, nil
	}
	if tty, err := f.IO.openTTY(); err == nil {
		defer tty.Close()
		p, err := askPassphrase(tty, tty, req, true)
		if err != nil {
			return vault.PassphraseAnswer{}, err
		}
		answer := vault.PassphraseAnswer{Passphrase: p}
		if !f.noUnlockSideEffect {
			answer.UnlockFor = vault.DefaultUnlockFor
			answer.Unlocked = func(until time.Time, err error) { f.sayUnlocked(req.Dir, until, err) }
		}
		return answer, nil
	}
	if f.passphraseFromStdin {
		p, err := askPassphrase(f.IO.In, io.Discard, req, false)
		return vault.PassphraseAnswer{Passphrase: p}, err
	}
	return vault.PassphraseAnswer{}, &needPassphraseError{dir: req.Dir}
}

// askPassphrase asks on in/out: once for an existing store, twice for a new one.
func askPassphrase(in io.Reader, out io.Writer, req vault.PassphraseRequest, hidden bool) (vault.Secret, error) {
	read := func(prompt string) (vault.Secret, error) { return readPassphrase(in, out, prompt, hidden) }
	if !req.New {
		return read(fmt.Sprintf("Passphrase for the awskeep file keyring in %s: ", req.Dir))
	}
	fmt.Fprintf(out, "Creating the awskeep file keyring in %s.\n", req.Dir)
	first, err := read("Choose its passphrase: ")
	if err != nil {
		return "", err
	}
	second, err := read("Type the passphrase again: ")
	if err != nil {
		return "", err
	}
	if first.Reveal() != second.Reveal() {
		return "", &passphraseMismatchError{dir: req.Dir}
	}
	return first, nil
}

// readPassphrase shows prompt on out and reads one line from in, unechoed
// when in is the terminal (hidden).
func readPassphrase(in io.Reader, out io.Writer, prompt string, hidden bool) (vault.Secret, error) {
	fmt.Fprint(out, prompt)
	var p string
	var err error
	if rw, ok := in.(io.ReadWriter); ok && hidden {
		p, err = readHidden(rw)
		fmt.Fprintln(out)
	} else {
		p, err = readLine(in)
	}
	if err != nil {
		return "", fmt.Errorf("reading the passphrase: %w", err)
	}
	return vault.Secret(p), nil
}

// sayUnlocked tells the terminal, once, that typing the passphrase left the
// store unlocked (or why it could not).
func (f *factory) sayUnlocked(dir string, until time.Time, err error) {
	tty, terr := f.IO.openTTY()
	if terr != nil {
		return
	}
	defer tty.Close()
	var unavailable *vault.UnlockUnavailableError
	switch {
	case err == nil:
		fmt.Fprintf(tty, "awskeep: the file keyring in %s stays unlocked in this login session until %s; 'awskeep lock' locks it.\n",
			dir, until.Local().Format("15:04"))
	case errors.As(err, &unavailable):
		f.Log.Debug("file keyring not kept unlocked", "err", err)
		fmt.Fprintf(tty, "awskeep: %v; each command will ask for the passphrase.\n", err)
	default:
		f.Log.Debug("file keyring not kept unlocked", "err", err)
	}
}

// needPassphraseError: the file keyring is locked and nothing can answer
// for its passphrase.
type needPassphraseError struct{ dir string }

func (e *needPassphraseError) Error() string {
	return fmt.Sprintf("the awskeep file keyring in %s is locked and there is no terminal to ask for its passphrase", e.dir)
}

// passphraseMismatchError: the two entries of a new passphrase differ.
type passphraseMismatchError struct {
	dir    string
	passwd bool // changing the passphrase, not creating the store
}

func (e *passphraseMismatchError) Error() string {
	if e.passwd {
		return fmt.Sprintf("the two new passphrases differ; the passphrase of the file keyring in %s is unchanged", e.dir)
	}
	return fmt.Sprintf("the two passphrases differ; nothing was stored and the file keyring in %s was not created", e.dir)
}
