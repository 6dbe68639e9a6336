package vault

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Item names carry everything listing needs (profile, session id, source key
// id, expiry), so KeyProfiles and Sessions read names only: no decryption, no
// passphrase, no prompt. Each field is escaped to [A-Za-z0-9_-] plus "~XX",
// which is safe as a file name, a pass path, a kernel key description and a
// Secret Service attribute, and leaves "." free as the separator.
const (
	keyPrefix     = "awskeep.key."
	sessionPrefix = "awskeep.session."
	verifierName  = "awskeep.passphrase-check"
	// maxNameLen keeps names inside the 255-byte file name limit.
	maxNameLen = 250
)

func escapeField(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "~%02X", c)
	}
	return b.String()
}

func unescapeField(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '~' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", false
		}
		n, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return "", false
		}
		b.WriteByte(byte(n))
		i += 2
	}
	return b.String(), true
}

func keyItemName(profile string) string { return keyPrefix + escapeField(profile) }

func parseKeyItemName(name string) (profile string, ok bool) {
	rest, found := strings.CutPrefix(name, keyPrefix)
	if !found || rest == "" {
		return "", false
	}
	return unescapeField(rest)
}

// sessionItemName is awskeep.session.<id>.<profile>.<source key id>.<expiry unix>.
func sessionItemName(info SessionInfo) string {
	return sessionPrefix + escapeField(info.ID) + "." + escapeField(info.Profile) + "." +
		escapeField(info.SourceKeyID) + "." + strconv.FormatInt(info.Expiration.Unix(), 10)
}

func sessionIDPrefix(id string) string { return sessionPrefix + escapeField(id) + "." }

func parseSessionItemName(name string) (SessionInfo, bool) {
	rest, found := strings.CutPrefix(name, sessionPrefix)
	if !found {
		return SessionInfo{}, false
	}
	parts := strings.Split(rest, ".")
	if len(parts) != 4 {
		return SessionInfo{}, false
	}
	var fields [3]string
	for i := range fields {
		v, ok := unescapeField(parts[i])
		if !ok {
			return SessionInfo{}, false
		}
		fields[i] = v
	}
	unix, err := strconv.ParseInt(parts[3], 10, 64)
	if err != nil || fields[0] == "" {
		return SessionInfo{}, false
	}
	return SessionInfo{ID: fields[0], Profile: fields[1], SourceKeyID: fields[2],
		Expiration: time.Unix(unix, 0)}, true
}

// NameTooLongError says an item name would exceed what every backend can hold.
type NameTooLongError struct {
	Name string
}

func (e *NameTooLongError) Error() string {
	return fmt.Sprintf("item name %q is longer than %d bytes once escaped; use a shorter profile name or session id", e.Name, maxNameLen)
}

func checkName(name string) error {
	if len(name) > maxNameLen {
		return &NameTooLongError{Name: name}
	}
	return nil
}
