//go:build windows

package helperproc

import "os/exec"

// ownGroup: Windows has no process groups to kill here (a job object would
// be needed); the helper itself is killed, and Run stops waiting for output
// pipes its children may hold after waitDelay.
func ownGroup(cmd *exec.Cmd) {}
