//go:build linux

package vault

import (
	"errors"
	"testing"
	"time"

	"github.com/awskeep/awskeep/internal/keyringtest"
	"github.com/godbus/dbus"
)

// A locked collection whose unlock prompt cannot be shown (no display here)
// gives LockedError naming the collection, not a hang or a raw D-Bus error.
func TestSecretServiceLockedCollection(t *testing.T) {
	env := keyringtest.SecretService(t)
	cfg := ConfigFromEnv(envFrom(env...), t.TempDir())
	cfg.Backend = BackendSecretService

	conn, err := dbus.Dial(envFrom(env...)("DBUS_SESSION_BUS_ADDRESS"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.Auth(nil); err != nil {
		t.Fatal(err)
	}
	if err := conn.Hello(); err != nil {
		t.Fatal(err)
	}
	var locked []dbus.ObjectPath
	var prompt dbus.ObjectPath
	err = conn.Object(secretsName, secretsPath).Call(secretsIface+".Lock", 0,
		[]dbus.ObjectPath{"/org/freedesktop/secrets/collection/login"}).Store(&locked, &prompt)
	if err != nil || len(locked) != 1 {
		t.Fatalf("locking login: %v %v (prompt %s)", locked, err, prompt)
	}

	old := unlockPromptTimeout
	unlockPromptTimeout = 3 * time.Second
	defer func() { unlockPromptTimeout = old }()
	s, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	_, err = s.Key("dev")
	var le *LockedError
	if !errors.As(err, &le) || le.Name != "login" {
		t.Fatalf("Key on a locked collection = %v, want LockedError{login}", err)
	}
	t.Logf("%v after %v", err, time.Since(start))
}
