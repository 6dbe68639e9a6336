package awstest

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"
	"sync/atomic"
)

var nameCounter atomic.Int64

// UniqueName returns prefix made safe for IAM names (letters, digits and
// +=,.@_-), cut short, with a suffix unique to this process and run, so
// tests sharing a server never collide. The result is at most 60 bytes.
func UniqueName(prefix string) string {
	var b strings.Builder
	for _, r := range prefix {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune("+=,.@_-", r):
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	safe := b.String()
	if len(safe) > 40 {
		safe = safe[:40]
	}
	if safe == "" {
		safe = "t"
	}
	random := make([]byte, 3)
	rand.Read(random)
	return safe + "-" + strconv.FormatInt(nameCounter.Add(1), 10) + "-" + hex.EncodeToString(random)
}
