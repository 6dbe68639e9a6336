package keyringtest

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus"
)

// SecretServicePassword unlocks the login collection SecretService creates.
const SecretServicePassword = "keyringtest-password"

// SecretService starts a private dbus-daemon and, on it, gnome-keyring-daemon
// serving org.freedesktop.secrets with an unlocked "login" collection. HOME,
// XDG_DATA_HOME and XDG_RUNTIME_DIR of both daemons are under t.TempDir().
// It returns DBUS_SESSION_BUS_ADDRESS and XDG_RUNTIME_DIR for the code under
// test; cleanup kills both daemons by PID.
func SecretService(t testing.TB) (env []string) {
	t.Helper()
	dbusDaemon := requireTool(t, "dbus-daemon", "dbus")
	keyringDaemon := requireTool(t, "gnome-keyring-daemon", "gnome-keyring")

	root := t.TempDir()
	home := filepath.Join(root, "home")
	runtimeDir := filepath.Join(root, "run")
	for _, d := range []string{home, runtimeDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	daemonEnv := append(cleanEnv(), "HOME="+home, "XDG_DATA_HOME="+filepath.Join(home, ".local", "share"),
		"XDG_RUNTIME_DIR="+runtimeDir, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"))

	// Our own bus configuration has no service directories: with the stock
	// session.conf the first call to org.freedesktop.secrets would
	// D-Bus-activate a second, locked gnome-keyring-daemon that races ours.
	busConfig := filepath.Join(root, "bus.conf")
	if err := os.WriteFile(busConfig, []byte(privateBusConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	bus := exec.Command(dbusDaemon, "--config-file="+busConfig, "--nofork", "--nopidfile", "--print-address=1")
	bus.Env = daemonEnv
	bus.Stderr = nil // its only chatter is a harmless fd-limit warning
	out, err := bus.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.Start(); err != nil {
		t.Fatalf("keyringtest: starting dbus-daemon: %v", err)
	}
	t.Cleanup(func() { stop(bus) })
	address, err := readLine(out, 10*time.Second)
	if err != nil {
		t.Fatalf("keyringtest: dbus-daemon printed no address: %v", err)
	}

	keyring := exec.Command(keyringDaemon, "--foreground", "--unlock", "--components=secrets")
	keyring.Env = append(daemonEnv, "DBUS_SESSION_BUS_ADDRESS="+address)
	keyring.Stdin = strings.NewReader(SecretServicePassword)
	var keyringLog strings.Builder
	keyring.Stdout, keyring.Stderr = &keyringLog, &keyringLog
	if err := keyring.Start(); err != nil {
		t.Fatalf("keyringtest: starting gnome-keyring-daemon: %v", err)
	}
	t.Cleanup(func() { stop(keyring) })

	if err := waitForSecrets(address, 15*time.Second); err != nil {
		t.Fatalf("keyringtest: gnome-keyring-daemon did not serve the login collection: %v\n%s", err, keyringLog.String())
	}
	return []string{"DBUS_SESSION_BUS_ADDRESS=" + address, "XDG_RUNTIME_DIR=" + runtimeDir}
}

const privateBusConfig = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`

// cleanEnv is the test's environment without the variables that would point
// a daemon at the real desktop session.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "DBUS_SESSION_BUS_ADDRESS", "HOME", "XDG_DATA_HOME", "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME",
			"GNOME_KEYRING_CONTROL", "DISPLAY", "WAYLAND_DISPLAY":
			continue
		}
		env = append(env, kv)
	}
	return env
}

func readLine(r interface{ Read([]byte) (int, error) }, timeout time.Duration) (string, error) {
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case l := <-line:
		if l == "" {
			return "", fmt.Errorf("empty output")
		}
		return l, nil
	case <-time.After(timeout):
		return "", fmt.Errorf("nothing within %s", timeout)
	}
}

// waitForSecrets polls until the login collection answers on the bus.
func waitForSecrets(address string, timeout time.Duration) error {
	conn, err := dbus.Dial(address)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.Auth(nil); err != nil {
		return err
	}
	if err := conn.Hello(); err != nil {
		return err
	}
	deadline := time.Now().Add(timeout)
	service := conn.Object("org.freedesktop.secrets", "/org/freedesktop/secrets")
	for {
		// Ask whether the name is owned before calling it: a call to an
		// unowned name could start whatever the bus can activate.
		var owned bool
		err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.freedesktop.secrets").Store(&owned)
		if err != nil || !owned {
			if time.Now().After(deadline) {
				return fmt.Errorf("nothing owns org.freedesktop.secrets after %s (last error: %v)", timeout, err)
			}
			time.Sleep(20 * time.Millisecond)
			continue
		}
		var path dbus.ObjectPath
		err = service.Call("org.freedesktop.Secret.Service.ReadAlias", 0, "login").Store(&path)
		if err == nil && path != "/" {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no login collection after %s (last error: %v)", timeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop kills a helper process by PID and reaps it.
func stop(cmd *exec.Cmd) {
	if cmd.Process == nil {
		return
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
}
