package vault

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/keyring"
)

// memCache is an unlock cache in memory, shared by the Stores of a test as
// the kernel keyring is by processes. failPut makes it refuse, as a kernel
// keyring blocked by seccomp does.
type memCache struct {
	mu      sync.Mutex
	keys    map[string][]byte
	until   map[string]time.Time
	failPut error
}

func newMemCache() *memCache {
	return &memCache{keys: map[string][]byte{}, until: map[string]time.Time{}}
}

func (c *memCache) get(id string) ([]byte, time.Time, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k, ok := c.keys[id]
	if !ok || time.Now().After(c.until[id]) {
		return nil, time.Time{}, errNotCached
	}
	return bytes.Clone(k), c.until[id], nil
}

func (c *memCache) put(id string, key []byte, d time.Duration) (time.Time, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.failPut != nil {
		return time.Time{}, &UnlockUnavailableError{Err: c.failPut}
	}
	c.keys[id], c.until[id] = bytes.Clone(key), time.Now().Add(d)
	return c.until[id], nil
}

func (c *memCache) drop(id string) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.keys[id]
	delete(c.keys, id)
	return ok, nil
}

func (c *memCache) where() string { return "memory" }

// askCounter answers with pass, unlocking for unlockFor, and counts questions.
type askCounter struct {
	pass      string
	unlockFor time.Duration
	asked     atomic.Int32
	newAsked  atomic.Int32
	unlocked  atomic.Int32
	unlockErr atomic.Value
}

func (a *askCounter) ask(req PassphraseRequest) (PassphraseAnswer, error) {
	a.asked.Add(1)
	if req.New {
		a.newAsked.Add(1)
	}
	return PassphraseAnswer{Passphrase: Secret(a.pass), UnlockFor: a.unlockFor, Unlocked: func(_ time.Time, err error) {
		a.unlocked.Add(1)
		if err != nil {
			a.unlockErr.Store(err)
		}
	}}, nil
}

// openFileStore opens dir with asker and cache (nil: a fresh memCache).
func openFileStore(t *testing.T, dir string, a *askCounter, cache unlockCache) *Store {
	t.Helper()
	cfg := fileConfig(t, dir, nil)
	if a != nil {
		cfg.FileAsk = a.ask
	}
	s := openStore(t, cfg)
	if cache == nil {
		cache = newMemCache()
	}
	s.ring.(*fileBackend).cache = cache
	return s
}

func TestFileV2Format(t *testing.T) {
	dir := t.TempDir()
	a := &askCounter{pass: testPassphrase}
	s := openFileStore(t, dir, a, nil)
	for _, p := range []string{"dev", "prod"} {
		if err := s.PutKey(Key{Profile: p, AccessKeyID: "AKIA" + strings.ToUpper(p), SecretAccessKey: Secret("secret-" + p)}); err != nil {
			t.Fatal(err)
		}
	}
	if a.newAsked.Load() != 1 || a.asked.Load() != 1 {
		t.Errorf("asked %d times (%d as new), want once, as new", a.asked.Load(), a.newAsked.Load())
	}
	h, err := readHeader(dir)
	if err != nil || h == nil || h.Format != storeFormat || h.Converting {
		t.Fatalf("header = %+v, %v", h, err)
	}
	if h.KDF.String() != newStoreKDF.String() || len(h.KDF.Salt) != saltSize {
		t.Errorf("KDF = %v, want %v", h.KDF, newStoreKDF)
	}
	for _, n := range dirNames(t, dir) {
		b, _ := os.ReadFile(filepath.Join(dir, n))
		if !strings.HasPrefix(n, ".") && !isV2Item(b) {
			t.Errorf("%s is not a v2 item: %q", n, b[:min(len(b), 8)])
		}
		if bytes.Contains(b, []byte("secret-")) {
			t.Errorf("%s holds a secret in the clear", n)
		}
	}

	// Items are bound to their names: a file copied over another's name
	// does not open, and says it is damaged, not a wrong passphrase.
	dev, prod := filepath.Join(dir, keyItemName("dev")), filepath.Join(dir, keyItemName("prod"))
	b, _ := os.ReadFile(dev)
	if err := os.WriteFile(prod, b, 0o600); err != nil {
		t.Fatal(err)
	}
	r := openFileStore(t, dir, &askCounter{pass: testPassphrase}, nil)
	var damaged *DamagedItemError
	if _, err := r.Key("prod"); !errors.As(err, &damaged) {
		t.Errorf("Key(prod) with dev's file = %v, want DamagedItemError", err)
	}
	if k, err := r.Key("dev"); err != nil || k.SecretAccessKey.Reveal() != "secret-dev" {
		t.Errorf("Key(dev) = %+v, %v", k, err)
	}
}

// TestFileShippedKDF: the shipped parameters are at or above OWASP's
// Argon2id minimum (m=19 MiB, t=2, p=1) and a store made with them opens.
func TestFileShippedKDF(t *testing.T) {
	p := shippedKDF
	if p.Name != kdfArgon2id || p.MemoryKiB < 19*1024 || p.Iterations < 2 || p.MemoryKiB*p.Iterations < 19*1024*2 {
		t.Fatalf("shipped KDF %v is below OWASP's Argon2id minimum", p)
	}
	saved := newStoreKDF
	newStoreKDF = shippedKDF
	defer func() { newStoreKDF = saved }()
	h, key, err := newHeader(testPassphrase, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if h.KDF.MemoryKiB != 64*1024 || h.KDF.Iterations != 3 || h.KDF.Parallelism != 4 {
		t.Errorf("header KDF = %v", h.KDF)
	}
	got, err := h.unwrap(testPassphrase)
	if err != nil || !bytes.Equal(got, key) || !h.checks(got) {
		t.Fatalf("unwrap = %v", err)
	}
}

func TestFileWrongPassphraseV2(t *testing.T) {
	dir := t.TempDir()
	s := openFileStore(t, dir, &askCounter{pass: testPassphrase}, nil)
	if err := s.PutKey(Key{Profile: "dev", AccessKeyID: "AKIA1", SecretAccessKey: "s"}); err != nil {
		t.Fatal(err)
	}
	cache := newMemCache()
	bad := openFileStore(t, dir, &askCounter{pass: "nope", unlockFor: time.Hour}, cache)
	var wrong *WrongPassphraseError
	if _, err := bad.Key("dev"); !errors.As(err, &wrong) || wrong.Dir != dir {
		t.Errorf("Key with a wrong passphrase = %v", err)
	}
	if len(cache.keys) != 0 {
		t.Error("a wrong passphrase unlocked the store")
	}
}

// TestFileOnePromptForParallelCallers: Stores standing for parallel
// processes on one locked store: one asks, the others wait for it and use
// the key it unlocked.
func TestFileOnePromptForParallelCallers(t *testing.T) {
	dir := t.TempDir()
	setup := openFileStore(t, dir, &askCounter{pass: testPassphrase}, nil)
	if err := setup.PutKey(Key{Profile: "dev", AccessKeyID: "AKIA1", SecretAccessKey: "s"}); err != nil {
		t.Fatal(err)
	}
	cache := newMemCache() // locked: nothing cached
	a := &askCounter{pass: testPassphrase, unlockFor: time.Hour}
	var wg sync.WaitGroup
	for range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := openFileStore(t, dir, a, cache)
			if k, err := s.Key("dev"); err != nil || k.SecretAccessKey != "s" {
				t.Errorf("Key = %+v, %v", k, err)
			}
		}()
	}
	wg.Wait()
	if n := a.asked.Load(); n != 1 {
		t.Errorf("asked %d times, want once", n)
	}
	if n := a.unlocked.Load(); n != 1 {
		t.Errorf("told of the unlock %d times, want once", n)
	}
	st, err := openFileStore(t, dir, nil, cache).Status()
	if err != nil || !st.Unlocked || st.Format != FormatV2 || st.Keys != 1 {
		t.Errorf("Status = %+v, %v", st, err)
	}
}

// TestFileUnlockUnavailable: without a kernel keyring every Store asks, and
// the asker is told why the store did not stay unlocked.
func TestFileUnlockUnavailable(t *testing.T) {
	dir := t.TempDir()
	cache := newMemCache()
	cache.failPut = errors.New("operation not permitted")
	a := &askCounter{pass: testPassphrase, unlockFor: time.Hour}
	for range 2 {
		s := openFileStore(t, dir, a, cache)
		if err := s.PutKey(Key{Profile: "dev", AccessKeyID: "AKIA1", SecretAccessKey: "s"}); err != nil {
			t.Fatal(err)
		}
	}
	if n := a.asked.Load(); n != 2 {
		t.Errorf("asked %d times, want once per Store", n)
	}
	var unavailable *UnlockUnavailableError
	if err, _ := a.unlockErr.Load().(error); !errors.As(err, &unavailable) {
		t.Errorf("asker told %v, want UnlockUnavailableError", err)
	}
	s := openFileStore(t, dir, a, cache)
	if _, err := s.UnlockFile(time.Hour); !errors.As(err, &unavailable) {
		t.Errorf("UnlockFile = %v, want UnlockUnavailableError", err)
	}
}

func TestFileUnlockLockAndPasswd(t *testing.T) {
	dir := t.TempDir()
	cache := newMemCache()
	s := openFileStore(t, dir, &askCounter{pass: testPassphrase}, cache)
	if _, err := s.UnlockFile(time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := s.PutKey(Key{Profile: "dev", AccessKeyID: "AKIA1", SecretAccessKey: "s"}); err != nil {
		t.Fatal(err)
	}
	never := &askCounter{pass: "never asked"}
	if k, err := openFileStore(t, dir, never, cache).Key("dev"); err != nil || k.SecretAccessKey != "s" || never.asked.Load() != 0 {
		t.Fatalf("unlocked read: %+v, %v, asked %d", k, err, never.asked.Load())
	}
	items := itemFiles(t, dir)

	if err := s.ChangeFilePassphrase("not it", "new passphrase"); !errors.As(err, new(*WrongPassphraseError)) {
		t.Errorf("passwd with a wrong old passphrase = %v", err)
	}
	if err := s.ChangeFilePassphrase(testPassphrase, "new passphrase"); err != nil {
		t.Fatal(err)
	}
	if after := itemFiles(t, dir); fmt.Sprint(after) != fmt.Sprint(items) {
		t.Error("passwd rewrote items")
	}
	if was, err := s.LockFile(); !was || err != nil {
		t.Errorf("LockFile = %v, %v", was, err)
	}
	if was, _ := s.LockFile(); was {
		t.Error("LockFile twice: was unlocked the second time")
	}
	if _, err := openFileStore(t, dir, &askCounter{pass: testPassphrase}, cache).Key("dev"); !errors.As(err, new(*WrongPassphraseError)) {
		t.Errorf("old passphrase after passwd: %v", err)
	}
	if k, err := openFileStore(t, dir, &askCounter{pass: "new passphrase"}, cache).Key("dev"); err != nil || k.SecretAccessKey != "s" {
		t.Errorf("new passphrase after passwd: %+v, %v", k, err)
	}
}

func itemFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, n := range dirNames(t, dir) {
		if strings.HasPrefix(n, ".") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		out[n] = string(b)
	}
	return out
}

// writeJWEStore writes items in 99designs/keyring's file format, as awskeep
// before v2 did (with its passphrase marker).
func writeJWEStore(t *testing.T, dir, pass string, items map[string]string) {
	t.Helper()
	writeJWEStoreAs(t, dir, pass, items)
}

func writeJWEStoreB(b *testing.B, dir string, items map[string]string) {
	writeJWEStoreAs(b, dir, testPassphrase, items)
}

func writeJWEStoreAs(t testing.TB, dir, pass string, items map[string]string) {
	t.Helper()
	ring, err := keyring.Open(keyring.Config{AllowedBackends: []keyring.BackendType{keyring.FileBackend},
		FileDir: dir, FilePasswordFunc: keyring.FixedStringPrompt(pass)})
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range items {
		if err := ring.Set(keyring.Item{Key: name, Data: []byte(data), Label: "label of " + name}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFileConvertsJWEStore(t *testing.T) {
	dir := t.TempDir()
	items := map[string]string{verifierName: verifierText}
	for _, p := range []string{"a", "b", "c"} {
		items[keyItemName(p)] = fmt.Sprintf(`{"profile":%q,"access_key_id":"AKIA%s","secret_access_key":"s-%s"}`, p, p, p)
	}
	writeJWEStore(t, dir, testPassphrase, items)
	before := itemFiles(t, dir)

	// The JWE reader that others (aws-vault import) use reads it as is.
	jwe, err := OpenJWEStore(dir, testPassphrase)
	if err != nil {
		t.Fatal(err)
	}
	if names, err := jwe.Names(); err != nil || len(names) != 4 {
		t.Errorf("JWE names = %v, %v", names, err)
	}
	if it, err := jwe.Get(keyItemName("a")); err != nil || it.Label != "label of "+keyItemName("a") {
		t.Errorf("JWE Get = %+v, %v", it, err)
	}
	badJWE, _ := OpenJWEStore(dir, "nope")
	if _, err := badJWE.Get(keyItemName("a")); !errors.Is(err, ErrCannotDecrypt) {
		t.Errorf("JWE Get with a wrong passphrase = %v", err)
	}

	// A wrong passphrase changes nothing.
	if _, err := openFileStore(t, dir, &askCounter{pass: "nope"}, nil).Key("a"); !errors.As(err, new(*WrongPassphraseError)) {
		t.Errorf("Key with a wrong passphrase = %v", err)
	}
	if after := itemFiles(t, dir); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Error("a wrong passphrase changed the JWE store")
	}
	if _, err := os.Stat(filepath.Join(dir, headerFile)); err == nil {
		t.Error("a wrong passphrase wrote a header")
	}
	st, _ := openFileStore(t, dir, nil, nil).Status()
	if st.Format != FormatJWE || st.Keys != 3 {
		t.Errorf("Status before = %+v", st)
	}

	a := &askCounter{pass: testPassphrase}
	s := openFileStore(t, dir, a, nil)
	for _, p := range []string{"a", "b", "c"} {
		k, err := s.Key(p)
		if err != nil || k.SecretAccessKey.Reveal() != "s-"+p {
			t.Errorf("Key(%s) = %+v, %v", p, k, err)
		}
	}
	if a.newAsked.Load() != 0 {
		t.Error("an existing JWE store was asked for as new")
	}
	after := itemFiles(t, dir)
	if _, ok := after[verifierName]; ok || len(after) != 3 {
		t.Errorf("items after conversion: %v", after)
	}
	for n, b := range after {
		if !isV2Item([]byte(b)) {
			t.Errorf("%s not converted", n)
		}
	}
	st, _ = s.Status()
	if st.Format != FormatV2 || st.Keys != 3 {
		t.Errorf("Status after = %+v", st)
	}
	it, err := s.ring.Get(keyItemName("b"))
	if err != nil || it.Label != "label of "+keyItemName("b") {
		t.Errorf("metadata after conversion: %+v, %v", it, err)
	}
}

// TestFileResumesConversion: a conversion stopped after some items (header
// marked converting, a mix of formats) is finished by the next Store with the
// passphrase, and until then no cached key is used.
func TestFileResumesConversion(t *testing.T) {
	dir := t.TempDir()
	items := map[string]string{verifierName: verifierText, keyItemName("a"): `{"secret_access_key":"s-a"}`, keyItemName("b"): `{"secret_access_key":"s-b"}`}
	writeJWEStore(t, dir, testPassphrase, items)
	h, key, err := newHeader(testPassphrase, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	h.Converting = true
	if err := writeHeader(dir, h); err != nil {
		t.Fatal(err)
	}
	sealed, _ := sealItem(key, h.ID, keyItemName("a"), itemRecord{Data: []byte(`{"secret_access_key":"s-a"}`)})
	if err := writeFileAtomic(dir, keyItemName("a"), sealed); err != nil {
		t.Fatal(err)
	}
	cache := newMemCache()
	if _, err := cache.put(h.ID, key, time.Hour); err != nil {
		t.Fatal(err)
	}
	a := &askCounter{pass: testPassphrase}
	s := openFileStore(t, dir, a, cache)
	for _, p := range []string{"a", "b"} {
		if k, err := s.Key(p); err != nil || k.SecretAccessKey.Reveal() != "s-"+p {
			t.Errorf("Key(%s) = %+v, %v", p, k, err)
		}
	}
	if a.asked.Load() != 1 {
		t.Errorf("asked %d times; a half-converted store must take the passphrase", a.asked.Load())
	}
	if h, _ := readHeader(dir); h.Converting {
		t.Error("still converting")
	}
	for n, b := range itemFiles(t, dir) {
		if !isV2Item([]byte(b)) {
			t.Errorf("%s not converted", n)
		}
	}
}

func TestFileDamagedHeader(t *testing.T) {
	dir := t.TempDir()
	s := openFileStore(t, dir, &askCounter{pass: testPassphrase}, nil)
	if err := s.PutKey(Key{Profile: "dev", AccessKeyID: "AKIA1", SecretAccessKey: "s"}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, headerFile), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	var damaged *DamagedStoreError
	if _, err := openFileStore(t, dir, &askCounter{pass: testPassphrase}, nil).Key("dev"); !errors.As(err, &damaged) {
		t.Errorf("Key with a damaged header = %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, headerFile)); string(b) != "{not json" {
		t.Error("the damaged header was overwritten")
	}
}
