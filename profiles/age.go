package profiles

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ParseAge reads an age such as "90d", "2w", "36h", "15m", "1s", or any Go
// duration ("1h30m"); days and weeks may lead a Go duration ("1d12h").
// The age must be positive.
func ParseAge(s string) (time.Duration, error) {
	bad := func(why string) error {
		return fmt.Errorf("invalid age %q: %s; use a number and a unit, such as 90d, 2w, 36h or 15m", s, why)
	}
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, bad("it is empty")
	}
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
			return 0, bad("it is too long")
		}
		total = time.Duration(n) * unit
		t = t[digits+1:]
	}
	if t != "" {
		d, err := time.ParseDuration(t)
		if err != nil || d < 0 {
			return 0, bad("unknown format")
		}
		if d > 0 && total > math.MaxInt64-d {
			return 0, bad("it is too long")
		}
		total += d
	}
	if total <= 0 {
		return 0, bad("it must be longer than zero")
	}
	return total, nil
}
