package vault

import (
	"fmt"
	"log/slog"
)

// Secret holds a secret value (a secret access key, a session token).
// Every way of printing it prints "***", so a stray %v, a debug log or a
// JSON dump cannot leak it; code that must hand the value over calls Reveal.
type Secret string

const redacted = "***"

// Reveal returns the secret itself. Call it only where the value leaves
// awskeep on purpose: export, the exec environment, credential_process.
func (s Secret) Reveal() string { return string(s) }

// IsZero reports whether no secret is set.
func (s Secret) IsZero() bool { return s == "" }

func (s Secret) String() string   { return redacted }
func (s Secret) GoString() string { return redacted }

// Format covers every verb (%s, %v, %q, %x, ...), so no verb reveals the value.
func (s Secret) Format(f fmt.State, verb rune) { fmt.Fprint(f, redacted) }

func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
func (s Secret) LogValue() slog.Value         { return slog.StringValue(redacted) }
