package profiles

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestParseDuration: session lengths read as rotate_after does (days
// allowed), and zero and negative ones are refused in the same words.
func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"1h": time.Hour, "12h": 12 * time.Hour, "1d": 24 * time.Hour, "1d12h": 36 * time.Hour, "90m": 90 * time.Minute, "15m": 15 * time.Minute,
	} {
		if got, err := ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"0", "0s", "0d", "0h0m", "-1h", "-1d", "-0", "-1d12h"} {
		_, err := ParseDuration(in)
		var se *DurationSyntaxError
		if !errors.As(err, &se) || !strings.HasPrefix(se.Why, "it must be longer than zero;") {
			t.Errorf("ParseDuration(%q) = %v; want 'it must be longer than zero'", in, err)
		}
	}
	for _, in := range []string{"", "1", "1x", "d", "1d-1h", "--1h", "1h-"} {
		if d, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) = %v, want an error", in, d)
		}
	}
	// rotate_after reads the same grammar.
	if a, err := ParseAge("1d12h"); err != nil || a != 36*time.Hour {
		t.Errorf("ParseAge(1d12h) = %v, %v", a, err)
	}
	if _, err := ParseAge("-1d"); err == nil || !strings.Contains(err.Error(), "longer than zero") {
		t.Errorf("ParseAge(-1d) = %v; want 'longer than zero' as for --duration", err)
	}
}
