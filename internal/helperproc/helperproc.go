// Package helperproc runs the helper programs a profile names
// (mfa_process, another tool's credential_process) through the shell, as the
// AWS CLI does, within a time limit.
//
// It is shared by cmd (mfa_process) and sts (credential_process) and knows
// nothing about either: it runs a command line and returns its standard
// output or a typed error.
package helperproc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"time"
)

// Command is one helper run.
type Command struct {
	// Line is the command line, run by /bin/sh -c (cmd.exe /C on Windows).
	Line string
	// Timeout bounds the run; 0 means no limit beyond ctx. When it passes,
	// the helper is killed with every process it started (its process
	// group; on Windows the helper itself, and awskeep stops waiting for
	// the output of any it left behind).
	Timeout time.Duration
	// Stderr receives the helper's messages; nil discards them.
	Stderr io.Writer
	// Env is the helper's environment; nil inherits awskeep's.
	Env []string
}

// TimeoutError: the helper did not finish within Command.Timeout and was
// stopped.
type TimeoutError struct {
	Limit time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("timed out after %v and was stopped", e.Limit)
}

// waitDelay bounds how long Run waits, after killing a helper, for its
// output pipes to close (a process outside its group may still hold them).
const waitDelay = 2 * time.Second

// Run runs c and returns what it printed on standard output.
func Run(ctx context.Context, c Command) ([]byte, error) {
	if c.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Timeout)
		defer cancel()
	}
	cmd := shell(ctx, c.Line)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, c.Stderr
	if c.Env != nil {
		cmd.Env = c.Env
	}
	ownGroup(cmd)
	cmd.WaitDelay = waitDelay
	err := cmd.Run()
	if err != nil && c.Timeout > 0 && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return nil, &TimeoutError{Limit: c.Timeout}
	}
	return out.Bytes(), err
}

func shell(ctx context.Context, line string) *exec.Cmd {
	if runtime.GOOS == "windows" {
		return exec.CommandContext(ctx, "cmd.exe", "/C", line)
	}
	return exec.CommandContext(ctx, "/bin/sh", "-c", line)
}
