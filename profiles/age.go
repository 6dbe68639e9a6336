package profiles

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// One grammar for every length of time a person writes to awskeep: a key's
// rotation age (rotate_after, AWSKEEP_ROTATE_AFTER) and a session's length
// (--duration of exec, export, credential-process and login). It is Go's
// duration ("36h", "1h30m", "15m", "1s") with days and weeks allowed in
// front ("90d", "2w", "1d12h"), and it is always longer than zero.

// DurationSyntaxError: a length of time awskeep cannot read. What is what
// the text was meant to be ("age", "duration"); Why says what is wrong.
type DurationSyntaxError struct {
	What, Text, Why string
}

func (e *DurationSyntaxError) Error() string {
	return fmt.Sprintf("invalid %s %q: %s", e.What, e.Text, e.Why)
}

// ParseAge reads a rotation age such as "90d", "2w", "36h", "15m", "1s", or
// any Go duration ("1h30m"); days and weeks may lead a Go duration
// ("1d12h"). The age must be positive.
func ParseAge(s string) (time.Duration, error) {
	return parseLength("age", "90d, 2w, 36h or 15m", s)
}

// ParseDuration reads a session length by the rules of ParseAge: "1h",
// "12h", "1d", "1d12h". Zero and negative lengths are refused, with the
// same words for both. Whether AWS takes the length is sts's to say.
func ParseDuration(s string) (time.Duration, error) {
	return parseLength("duration", "1h, 12h, 1d or 1d12h", s)
}

func parseLength(what, examples, s string) (time.Duration, error) {
	bad := func(why string) error {
		return &DurationSyntaxError{What: what, Text: s, Why: why + "; use a number and a unit, such as " + examples}
	}
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, bad("it is empty")
	}
	negative := strings.HasPrefix(t, "-")
	d, why := scanLength(strings.TrimPrefix(t, "-"))
	switch {
	case why != "":
		return 0, bad(why)
	case negative || d == 0:
		return 0, bad("it must be longer than zero")
	}
	return d, nil
}

// scanLength reads an unsigned length (zero allowed), or says why not.
func scanLength(t string) (time.Duration, string) {
	var total time.Duration
	digits := 0
	for digits < len(t) && t[digits] >= '0' && t[digits] <= '9' {
		digits++
	}
	if digits > 0 && digits < len(t) && (t[digits] == 'd' || t[digits] == 'w') {
		n, err := strconv.ParseInt(t[:digits], 10, 64)
		unit := 24 * time.Hour
		if t[digits] == 'w' {
			unit *= 7
		}
		if err != nil || n > math.MaxInt64/int64(unit) {
			return 0, "it is too long"
		}
		total = time.Duration(n) * unit
		t = t[digits+1:]
	}
	if t != "" {
		d, err := time.ParseDuration(t)
		if err != nil || d < 0 {
			return 0, "unknown format"
		}
		if total > math.MaxInt64-d {
			return 0, "it is too long"
		}
		total += d
	}
	return total, ""
}
