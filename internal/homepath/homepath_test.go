package homepath

import (
	"path/filepath"
	"testing"
)

func TestExpand(t *testing.T) {
	home := filepath.Join("/", "home", "u")
	for _, c := range []struct{ in, want string }{
		{"~", home},
		{"~/", home},
		{"~/keys", filepath.Join(home, "keys")},
		{"~/a/b", filepath.Join(home, "a", "b")},
		{"~user/keys", "~user/keys"},
		{"/abs/~/x", "/abs/~/x"},
		{"rel", "rel"},
		{"", ""},
	} {
		if got := Expand(c.in, home); got != c.want {
			t.Errorf("Expand(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := Expand("~/x", ""); got != "~/x" {
		t.Errorf("Expand with no home = %q, want it unchanged", got)
	}
}
