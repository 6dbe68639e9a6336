//go:build !windows

package helperproc

import (
	"os/exec"
	"syscall"
)

// ownGroup starts the helper in a process group of its own and makes
// cancelling kill the whole group, so a shell's children die with it.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
