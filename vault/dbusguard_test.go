package vault

import (
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/99designs/keyring"
	"github.com/awskeep/awskeep/vault/internal/dbusguard"
	"github.com/godbus/dbus"
)

// startupReport is what a fresh process that imports vault saw at startup.
type startupReport struct {
	AddressSet       bool
	Address          string
	KeyringHasSecret bool // keyring registered its secret-service backend at init
	GuardArmed       bool
}

func helperReportStartup() {
	addr, set := os.LookupEnv("DBUS_SESSION_BUS_ADDRESS")
	json.NewEncoder(os.Stdout).Encode(startupReport{
		AddressSet: set, Address: addr, GuardArmed: dbusguard.Armed(),
		KeyringHasSecret: slices.Contains(keyring.AvailableBackends(), keyring.SecretServiceBackend),
	})
}

// helperConnectDirectly is the control: the same environment without the
// guard's protection does reach the listener.
func helperConnectDirectly() {
	go dbus.SessionBus()
	time.Sleep(500 * time.Millisecond)
}

// fakeBus listens where DBUS_SESSION_BUS_ADDRESS will point and counts
// connections.
func fakeBus(t *testing.T) (address string, connections chan struct{}) {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "bus")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	connections = make(chan struct{}, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			connections <- struct{}{}
			c.Close()
		}
	}()
	return "unix:path=" + sock, connections
}

// runHelper runs this test binary as helper with env on top of a copy of
// the environment without any bus address, and a PATH whose dbus-launch
// leaves a marker if anyone runs it.
func runHelper(t *testing.T, helper string, env ...string) (out []byte, launched bool) {
	t.Helper()
	bin := t.TempDir()
	marker := filepath.Join(t.TempDir(), "dbus-launch-ran")
	script := "#!/bin/sh\ntouch " + marker + "\nexit 1\n"
	if err := os.WriteFile(filepath.Join(bin, "dbus-launch"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DBUS_SESSION_BUS_ADDRESS=") && !strings.HasPrefix(kv, "PATH=") &&
			!strings.HasPrefix(kv, "XDG_RUNTIME_DIR=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, helperEnv+"="+helper, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"XDG_RUNTIME_DIR="+t.TempDir())
	cmd.Env = append(cmd.Env, env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helper %s: %v", helper, err)
	}
	_, statErr := os.Stat(marker)
	return out, statErr == nil
}

func TestDBusGuardKeepsStartupOffTheBus(t *testing.T) {
	t.Run("address set", func(t *testing.T) {
		address, connections := fakeBus(t)
		out, launched := runHelper(t, "report-startup", "DBUS_SESSION_BUS_ADDRESS="+address)
		var r startupReport
		if err := json.Unmarshal(out, &r); err != nil {
			t.Fatalf("helper output %q: %v", out, err)
		}
		time.Sleep(50 * time.Millisecond) // let a late connection show up
		if n := len(connections); n != 0 {
			t.Errorf("%d connection(s) reached the session bus during startup", n)
		}
		if !r.AddressSet || r.Address != address {
			t.Errorf("DBUS_SESSION_BUS_ADDRESS after startup = %q (set %v), want %q", r.Address, r.AddressSet, address)
		}
		if r.KeyringHasSecret {
			t.Error("keyring's init reached D-Bus: the guard ran after it")
		}
		if r.GuardArmed || launched {
			t.Errorf("guard still armed: %v, dbus-launch ran: %v", r.GuardArmed, launched)
		}
	})
	t.Run("address unset", func(t *testing.T) {
		out, launched := runHelper(t, "report-startup")
		var r startupReport
		if err := json.Unmarshal(out, &r); err != nil {
			t.Fatalf("helper output %q: %v", out, err)
		}
		if r.AddressSet {
			t.Errorf("DBUS_SESSION_BUS_ADDRESS is %q after startup, want unset as before", r.Address)
		}
		if launched {
			t.Error("startup ran dbus-launch")
		}
	})
	t.Run("control: a direct connection is seen", func(t *testing.T) {
		address, connections := fakeBus(t)
		runHelper(t, "connect-directly", "DBUS_SESSION_BUS_ADDRESS="+address)
		select {
		case <-connections:
		case <-time.After(2 * time.Second):
			t.Fatal("the fake bus saw no connection: this test could not detect one")
		}
	})
}
