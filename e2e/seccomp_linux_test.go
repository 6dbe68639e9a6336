//go:build linux

package e2e

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// noKeyctlEnv makes the e2e test binary a wrapper that runs the program
// named by it (with the test binary's arguments) under a seccomp filter that
// fails add_key, request_key and keyctl with EPERM, as Docker's default
// seccomp profile does.
const noKeyctlEnv = "AWSKEEP_E2E_EXEC_WITHOUT_KEYCTL"

func execWithoutKeyctl(prog string) {
	runtime.LockOSThread() // the filter binds this thread, which execve keeps
	arch := map[string]uint32{"amd64": unix.AUDIT_ARCH_X86_64, "arm64": unix.AUDIT_ARCH_AARCH64}[runtime.GOARCH]
	if arch == 0 {
		fmt.Fprintln(os.Stderr, "e2e: no seccomp filter for", runtime.GOARCH)
		os.Exit(2)
	}
	const (
		ld  = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
		jeq = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
		ret = unix.BPF_RET | unix.BPF_K
	)
	filter := []unix.SockFilter{
		{Code: ld, K: 4}, // seccomp_data.arch
		{Code: jeq, Jt: 1, K: arch},
		{Code: ret, K: unix.SECCOMP_RET_ALLOW},
		{Code: ld, K: 0}, // seccomp_data.nr
		{Code: jeq, Jt: 3, K: unix.SYS_ADD_KEY},
		{Code: jeq, Jt: 2, K: unix.SYS_REQUEST_KEY},
		{Code: jeq, Jt: 1, K: unix.SYS_KEYCTL},
		{Code: ret, K: unix.SECCOMP_RET_ALLOW},
		{Code: ret, K: unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM)},
	}
	filterProg := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: no_new_privs:", err)
		os.Exit(2)
	}
	if err := unix.Prctl(unix.PR_SET_SECCOMP, unix.SECCOMP_MODE_FILTER, uintptr(unsafe.Pointer(&filterProg)), 0, 0); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: seccomp:", err)
		os.Exit(2)
	}
	env := []string{}
	for _, kv := range os.Environ() {
		if len(kv) < len(noKeyctlEnv) || kv[:len(noKeyctlEnv)] != noKeyctlEnv {
			env = append(env, kv)
		}
	}
	err := syscall.Exec(prog, append([]string{prog}, os.Args[1:]...), env)
	fmt.Fprintln(os.Stderr, "e2e: exec:", err)
	os.Exit(2)
}
