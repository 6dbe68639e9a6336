package cmd

import (
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"syscall"
)

// Exit codes for a command exec cannot start, as POSIX shells use them.
const (
	exitCannotExecute = 126 // found but not executable
	exitNotFound      = 127 // no such command
)

// commandStartError: exec could not start the command it was given.
type commandStartError struct {
	name string
	err  error
}

func (e *commandStartError) Error() string { return fmt.Sprintf("cannot run %s: %v", e.name, e.err) }
func (e *commandStartError) Unwrap() error { return e.err }

func (e *commandStartError) notFound() bool {
	return errors.Is(e.err, exec.ErrNotFound) || errors.Is(e.err, fs.ErrNotExist)
}

func explainCommandStartError(err error, hc hintContext) (explanation, bool) {
	var se *commandStartError
	if !errors.As(err, &se) {
		return explanation{}, false
	}
	if se.notFound() {
		return explanation{message: fmt.Sprintf("%s: command not found", se.name),
			hints: []string{"Check the spelling, or give its full path; awskeep looks it up in PATH as a shell does."},
			code:  exitNotFound}, true
	}
	msg := fmt.Sprintf("%s: cannot execute it", se.name)
	switch {
	case errors.Is(se.err, fs.ErrPermission):
		msg += " (permission denied)"
	case errors.Is(se.err, syscall.ENOEXEC):
		msg += " (not a program the system can run; a script needs a #! line)"
	default:
		msg += " (" + se.err.Error() + ")"
	}
	return explanation{message: msg, hints: []string{"Make it executable (chmod +x) or run it through its interpreter."}, code: exitCannotExecute}, true
}
