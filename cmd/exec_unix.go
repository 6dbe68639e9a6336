//go:build !windows

package cmd

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

var errCannotReplace = errors.New("cannot replace the process on this system")

// replaceProcess becomes the command (execve), so no awskeep process stays
// behind holding the secrets and signals reach the command directly.
func replaceProcess(path string, argv, env []string) error {
	return syscall.Exec(path, argv, env)
}

var forwardedSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH}

// exitStatus is the child's code, or 128+signal as shells report it.
func exitStatus(e *exec.ExitError) int {
	if ws, ok := e.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return e.ExitCode()
}
