package profiles

import (
	"errors"
	"testing"
	"time"
)

func TestRotateAfterOrder(t *testing.T) {
	const day = 24 * time.Hour
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	chain := &Chain{Hops: []Hop{{Profile: "base"}, {Profile: "top"}}}
	check := func(name string, want time.Duration, wantErr bool) {
		t.Helper()
		got, err := RotateAfter(getenv, chain)
		var ie *InvalidEnvError
		if got != want || (err != nil) != wantErr || (wantErr && !errors.As(err, &ie)) {
			t.Errorf("%s: RotateAfter = %v, %v; want %v (error %v)", name, got, err, want, wantErr)
		}
	}
	check("nothing set", DefaultRotateAfter, false)
	env[RotateAfterEnv] = "soon"
	check("bad variable", DefaultRotateAfter, true)
	env[RotateAfterEnv] = "30d"
	check("variable", 30*day, false)
	chain.Hops[1].RotateAfter = 20 * day
	check("target's rotate_after over the variable", 20*day, false)
	chain.Hops[0].RotateAfter = 10 * day
	check("source's rotate_after first", 10*day, false)
	if d, err := RotateAfter(getenv, nil); d != 30*day || err != nil {
		t.Errorf("no chain: %v, %v", d, err)
	}
}

func TestRotationDue(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	if age, due := RotationDue(now.Add(-91*24*time.Hour), now, DefaultRotateAfter); !due || age != 91*24*time.Hour {
		t.Errorf("91 days: %v, %v", age, due)
	}
	if _, due := RotationDue(now.Add(-89*24*time.Hour), now, DefaultRotateAfter); due {
		t.Error("89 days due")
	}
	if _, due := RotationDue(time.Time{}, now, time.Second); due {
		t.Error("unknown age due")
	}
}
