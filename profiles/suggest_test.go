package profiles

import (
	"reflect"
	"testing"
)

func TestEditDistance(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"prod", "prod", 0},
		{"prdo", "prod", 1}, // swapped neighbours count once
		{"rpod", "prod", 1},
		{"prod", "prods", 1},
		{"prod", "dev", 4},
		{"", "abc", 3},
		{"ca", "abc", 3}, // OSA, not full Damerau
	}
	for _, tc := range cases {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"default", "dev", "prod", "prod-admin", "staging"}
	cases := map[string][]string{
		"prdo":    {"prod"},
		"stagign": {"staging"},
		"xyz":     nil,
		"Dev":     {"dev"},
	}
	for in, want := range cases {
		if got := suggest(in, names); !reflect.DeepEqual(got, want) {
			t.Errorf("suggest(%q) = %v, want %v", in, got, want)
		}
	}
}
