package vault

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// The file store, format v2 ("awskeep-file-v2").
//
// A store is a directory (mode 0700). Its header, the file .awskeep-store,
// holds a random 256-bit data key wrapped by a key derived from the
// passphrase with Argon2id, and a key check that tells a cached data key
// belongs to this store. Every item is a file of its own, named after the
// item, holding the item sealed with XChaCha20-Poly1305 under the data key;
// the associated data binds the store id and the item name, so an item
// renamed or copied from another store does not open. Files are written to
// a temporary name (0600) and renamed into place, so each is whole.
//
// Only an unlock needs the passphrase and pays the derivation; reads and
// writes need the data key, which `awskeep unlock` keeps in the kernel
// keyring. Changing the passphrase rewraps the data key in the header and
// leaves every item as it is.
//
// All primitives are golang.org/x/crypto's (argon2, chacha20poly1305).

const (
	storeFormat     = "awskeep-file-v2"
	headerFile      = ".awskeep-store"
	kdfArgon2id     = "argon2id"
	argon2Version   = argon2.Version
	dataKeySize     = chacha20poly1305.KeySize
	itemMagic       = "AKF2" // first bytes of a v2 item file
	wrapContext     = "awskeep-file-v2 data key\x00"
	checkContext    = "awskeep-file-v2 key check\x00"
	itemContext     = "awskeep-file-v2 item\x00"
	storeIDSize     = 16
	saltSize        = 16
	maxKDFMemoryKiB = 4 << 20 // 4 GiB: refuse a header that asks for more
)

// shippedKDF is the derivation of new stores in the shipped binary: RFC
// 9106's second recommended Argon2id setting (64 MiB, 3 passes, 4 lanes),
// above OWASP's minimum for Argon2id (19 MiB, 2 passes, 1 lane).
var shippedKDF = kdfParams{Name: kdfArgon2id, Version: argon2Version, MemoryKiB: 64 * 1024, Iterations: 3, Parallelism: 4}

// kdfParams says how the key-encryption key was derived from the passphrase.
type kdfParams struct {
	Name        string `json:"name"`
	Version     int    `json:"version"`
	MemoryKiB   uint32 `json:"memory_kib"`
	Iterations  uint32 `json:"iterations"`
	Parallelism uint8  `json:"parallelism"`
	Salt        []byte `json:"salt"`
}

func (p kdfParams) String() string {
	return fmt.Sprintf("%s v%d, %d MiB, %d passes, %d lanes", p.Name, p.Version, p.MemoryKiB/1024, p.Iterations, p.Parallelism)
}

func (p kdfParams) validate() error {
	switch {
	case p.Name != kdfArgon2id || p.Version != argon2Version:
		return fmt.Errorf("unknown key derivation %s v%d", p.Name, p.Version)
	case p.Parallelism == 0 || p.Iterations == 0 || p.Iterations > 1000:
		return fmt.Errorf("bad key derivation parameters %v", p)
	case p.MemoryKiB < 8*uint32(p.Parallelism) || p.MemoryKiB > maxKDFMemoryKiB:
		return fmt.Errorf("bad key derivation memory %d KiB", p.MemoryKiB)
	case len(p.Salt) < saltSize:
		return errors.New("key derivation salt too short")
	}
	return nil
}

func (p kdfParams) derive(passphrase Secret) []byte {
	return argon2.IDKey([]byte(passphrase.Reveal()), p.Salt, p.Iterations, p.MemoryKiB, p.Parallelism, dataKeySize)
}

// storeHeader is the content of .awskeep-store.
type storeHeader struct {
	Format string    `json:"format"`
	ID     string    `json:"id"`
	KDF    kdfParams `json:"kdf"`
	// WrappedKey is nonce || XChaCha20-Poly1305(KEK, data key), associated
	// data wrapContext || ID.
	WrappedKey []byte `json:"wrapped_key"`
	// KeyCheck is nonce || XChaCha20-Poly1305(data key, ""), associated
	// data checkContext || ID: it opens only under this store's data key.
	KeyCheck []byte `json:"key_check"`
	// Converting is set while items are converted from the JWE format.
	Converting bool      `json:"converting,omitempty"`
	Created    time.Time `json:"created"`
	Rewrapped  time.Time `json:"rewrapped,omitzero"`
}

// newHeader makes a header for a new store with a fresh data key wrapped
// under passphrase.
func newHeader(passphrase Secret, now time.Time) (*storeHeader, []byte, error) {
	id := make([]byte, storeIDSize)
	key := make([]byte, dataKeySize)
	if _, err := rand.Read(id); err != nil {
		return nil, nil, err
	}
	if _, err := rand.Read(key); err != nil {
		return nil, nil, err
	}
	h := &storeHeader{Format: storeFormat, ID: hex.EncodeToString(id), Created: now.UTC().Truncate(time.Second)}
	if err := h.wrap(key, passphrase); err != nil {
		return nil, nil, err
	}
	check, err := seal(key, nil, []byte(checkContext+h.ID))
	if err != nil {
		return nil, nil, err
	}
	h.KeyCheck = check
	return h, key, nil
}

// wrap (re)wraps key under a key derived from passphrase with fresh salt
// and the current parameters for new stores.
func (h *storeHeader) wrap(key []byte, passphrase Secret) error {
	params := newStoreKDF
	params.Salt = make([]byte, saltSize)
	if _, err := rand.Read(params.Salt); err != nil {
		return err
	}
	wrapped, err := seal(params.derive(passphrase), key, []byte(wrapContext+h.ID))
	if err != nil {
		return err
	}
	h.KDF, h.WrappedKey = params, wrapped
	return nil
}

// unwrap derives the key-encryption key from passphrase and opens the data
// key; a wrong passphrase gives errWrongPassphrase.
func (h *storeHeader) unwrap(passphrase Secret) ([]byte, error) {
	if err := h.KDF.validate(); err != nil {
		return nil, err
	}
	key, err := open(h.KDF.derive(passphrase), h.WrappedKey, []byte(wrapContext+h.ID))
	if err != nil || len(key) != dataKeySize {
		return nil, errWrongPassphrase
	}
	return key, nil
}

// checks reports whether key is this store's data key.
func (h *storeHeader) checks(key []byte) bool {
	if len(key) != dataKeySize {
		return false
	}
	_, err := open(key, h.KeyCheck, []byte(checkContext+h.ID))
	return err == nil
}

var errWrongPassphrase = errors.New("wrong passphrase")

func seal(key, plaintext, ad []byte) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return aead.Seal(nonce, nonce, plaintext, ad), nil
}

func open(key, sealed, ad []byte) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, err
	}
	if len(sealed) < aead.NonceSize()+aead.Overhead() {
		return nil, errors.New("sealed value too short")
	}
	return aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], ad)
}

func (h *storeHeader) validate() error {
	if h.Format != storeFormat {
		return fmt.Errorf("unknown store format %q", h.Format)
	}
	if len(h.ID) != 2*storeIDSize {
		return errors.New("bad store id")
	}
	return h.KDF.validate()
}

// readHeader reads dir's header; (nil, nil) when there is none.
func readHeader(dir string) (*storeHeader, error) {
	b, err := os.ReadFile(filepath.Join(dir, headerFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var h storeHeader
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, &DamagedStoreError{Dir: dir, Err: err}
	}
	if err := h.validate(); err != nil {
		return nil, &DamagedStoreError{Dir: dir, Err: err}
	}
	return &h, nil
}

func writeHeader(dir string, h *storeHeader) error {
	b, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(dir, headerFile, append(b, '\n'))
}

// itemRecord is an item as sealed in its file.
type itemRecord struct {
	Data        []byte `json:"data"`
	Label       string `json:"label,omitempty"`
	Description string `json:"description,omitempty"`
}

func itemAD(storeID, name string) []byte { return []byte(itemContext + storeID + "\x00" + name) }

func sealItem(key []byte, storeID, name string, r itemRecord) ([]byte, error) {
	plain, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	sealed, err := seal(key, plain, itemAD(storeID, name))
	if err != nil {
		return nil, err
	}
	return append([]byte(itemMagic), sealed...), nil
}

func openItem(key []byte, storeID, name string, file []byte) (itemRecord, error) {
	if !isV2Item(file) {
		return itemRecord{}, errors.New("not an awskeep-file-v2 item")
	}
	plain, err := open(key, file[len(itemMagic):], itemAD(storeID, name))
	if err != nil {
		return itemRecord{}, errors.New("authentication failed: the file was changed, renamed or comes from another store")
	}
	var r itemRecord
	if err := json.Unmarshal(plain, &r); err != nil {
		return itemRecord{}, err
	}
	return r, nil
}

func isV2Item(file []byte) bool { return bytes.HasPrefix(file, []byte(itemMagic)) }

// isJWEItem reports whether file looks like a 99designs/keyring file item:
// a JWE in compact serialisation, whose protected header is base64url of
// a JSON object (`{"`, which encodes as "eyJ").
func isJWEItem(file []byte) bool { return bytes.HasPrefix(file, []byte("eyJ")) }

// writeFileAtomic writes dir/name whole: a new 0600 file under a temporary
// name in dir, synced, then renamed over name.
func writeFileAtomic(dir, name string, data []byte) error {
	var random [8]byte
	if _, err := rand.Read(random[:]); err != nil {
		return err
	}
	tmp := filepath.Join(dir, tmpItemPrefix+hex.EncodeToString(random[:]))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		failpoint("write-temp")
		err = os.Rename(tmp, filepath.Join(dir, name))
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	syncDir(dir)
	return nil
}

// syncDir makes a rename in dir durable where the OS allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
