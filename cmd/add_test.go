package cmd

import "testing"

func TestIsAccessKeyID(t *testing.T) {
	cases := map[string]bool{
		"AKIAIOSFODNN7EXAMPLE":   true,
		"AKIA0123456789ABCDEF":   true,
		"AKIA012345678":          false, // too short
		"akiaiosfodnn7example":   false,
		"AKIAIOSFODNN7EXAMPLE ":  false,
		"AKIA-IOSFODNN7EXAMPLE":  false,
		"":                       false,
		string(make([]byte, 20)): false,
	}
	long := ""
	for len(long) < 129 {
		long += "A"
	}
	cases[long] = false
	cases[long[:128]] = true
	for in, want := range cases {
		if got := isAccessKeyID(in); got != want {
			t.Errorf("isAccessKeyID(%q) = %v, want %v", in, got, want)
		}
	}
}
