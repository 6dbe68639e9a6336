//go:build windows

package cmd

import (
	"errors"
	"os"
	"os/exec"
)

var errCannotReplace = errors.New("cannot replace the process on this system")

// Windows has no execve: awskeep runs the command as a child instead.
func replaceProcess(path string, argv, env []string) error { return errCannotReplace }

var forwardedSignals = []os.Signal{os.Interrupt}

func exitStatus(e *exec.ExitError) int { return e.ExitCode() }
