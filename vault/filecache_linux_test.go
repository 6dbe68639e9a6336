//go:build linux

package vault

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestKernelUnlockCache runs on the real kernel keyring: the key is
// possessor-only, carries the kernel's timeout, cannot be found from another
// session keyring, and lock drops it.
func TestKernelUnlockCache(t *testing.T) {
	var c kernelCache
	var raw [storeIDSize]byte
	rand.Read(raw[:])
	id := hex.EncodeToString(raw[:])
	key := bytes.Repeat([]byte{7}, dataKeySize)
	t.Cleanup(func() { c.drop(id) })

	if _, _, err := c.get(id); !errors.Is(err, errNotCached) {
		t.Fatalf("get before put = %v", err)
	}
	until, err := c.put(id, key, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	got, gotUntil, err := c.get(id)
	if err != nil || !bytes.Equal(got, key) || !gotUntil.Equal(until) {
		t.Fatalf("get = %x, %v, %v; want the key until %v", got, gotUntil, err, until)
	}

	ring, _ := sessionRing()
	kid, err := unix.KeyctlSearch(ring, "user", cacheDescription(id), 0)
	if err != nil {
		t.Fatal(err)
	}
	desc, err := unix.KeyctlString(unix.KEYCTL_DESCRIBE, kid)
	if err != nil {
		t.Fatal(err)
	}
	// type;uid;gid;perm;description
	if fields := strings.Split(desc, ";"); len(fields) < 5 || fields[3] != "2f000000" {
		t.Errorf("key described as %q, want permissions 2f000000 (possessor only)", desc)
	}
	// The kernel knows the timeout: /proc/keys shows it in its expiry column.
	if out, err := exec.Command("grep", cacheDescription(id), "/proc/keys").Output(); err == nil {
		if f := strings.Fields(string(out)); len(f) < 4 || f[3] == "perm" {
			t.Errorf("/proc/keys line %q shows no expiry", out)
		}
	}
	// Another session keyring (another login, `keyctl session -`) does not possess it.
	if keyctl, err := exec.LookPath("keyctl"); err == nil {
		out, err := exec.Command(keyctl, "session", "-", keyctl, "search", "@s", "user", cacheDescription(id)).CombinedOutput()
		if err == nil {
			t.Errorf("found from a new session keyring: %s", out)
		}
	} else {
		t.Fatal("keyctl (package keyutils) is needed for this test")
	}

	if was, err := c.drop(id); !was || err != nil {
		t.Errorf("drop = %v, %v", was, err)
	}
	if _, _, err := c.get(id); !errors.Is(err, errNotCached) {
		t.Errorf("get after drop = %v", err)
	}

	// The kernel ends it by itself.
	if _, err := c.put(id, key, time.Second); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, _, err := c.get(id); errors.Is(err, errNotCached) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the key outlived its 1s timeout by 30s")
		}
		time.Sleep(100 * time.Millisecond)
	}
}
