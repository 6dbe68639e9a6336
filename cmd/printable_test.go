package cmd

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"plain dev-1 müller ✓":       "plain dev-1 müller ✓",
		"two\nlines\tand a tab":      "two\nlines\tand a tab",
		"ev\x1b[2Jil":                `ev\x1b[2Jil`,
		"title\x1b]0;pwned\x07":      `title\x1b]0;pwned\x07`,
		"over\rwrite":                `over\rwrite`,
		"nul\x00byte":                `nul\x00byte`,
		"back\bspace\x7f":            `back\x08space\x7f`,
		"c1 \u009b31m csi":           `c1 \u009b31m csi`,
		"bidi \u202eevil\u2066":      `bidi \u202eevil\u2066`,
		"bad \xff utf8":              `bad \xff utf8`,
		"":                           "",
		`already \x1b stays as text`: `already \x1b stays as text`,
	} {
		if got := printable(in); got != want {
			t.Errorf("printable(%q) = %q, want %q", in, got, want)
		}
	}
	// Whatever goes in, nothing a terminal acts on comes out.
	var all strings.Builder
	for r := rune(0); r < 0x3000; r++ {
		all.WriteRune(r)
	}
	all.WriteString("\xff\xfe\xc2")
	out := printable(all.String())
	if !utf8.ValidString(out) {
		t.Fatalf("printable gave invalid UTF-8")
	}
	for _, r := range out {
		if needsEscape(r, utf8.RuneLen(r)) {
			t.Fatalf("printable left %U in its output", r)
		}
	}
}

// TestControlBytesFromConfigAreEscaped: a hostile config (profile names
// and values with ESC sequences, backspaces, NUL, BEL; a lone \r ends a
// line for the parser, as for botocore) cannot write to the
// terminal through awskeep's human output or its error messages.
func TestControlBytesFromConfigAreEscaped(t *testing.T) {
	te := newTestEnv(t)
	const evil = "ev\x1b[2Jil"
	te.writeFile(t, ".aws/config",
		"[profile "+evil+"]\nregion = us-east-1\x1b]0;pwned\x07\nmfa_serial = arn:aws:iam::1:mfa/a\b\bOK\n"+
			"[profile norole]\nrole_arn = arn:aws:iam::1:role/r\x1b[31m\x00\n")
	te.writeFile(t, ".aws/credentials", "[cred\x1b[8m]\naws_access_key_id = AKIA\x1b[2JAAAAAAAAAAAAAAA\naws_secret_access_key = s\n")
	check := func(what string, code int, wantText ...string) {
		t.Helper()
		out := te.stdout.String() + te.stderr.String()
		if i := strings.IndexAny(out, "\x1b\x07\b\r\x00"); i >= 0 {
			t.Errorf("%s (exit %d) printed control byte %q:\n%q", what, code, out[i], out)
		}
		for _, w := range wantText {
			if !strings.Contains(out, w) {
				t.Errorf("%s (exit %d): output lacks %q:\n%s", what, code, w, out)
			}
		}
	}
	code := te.run("profile", "list")
	check("profile list", code, `ev\x1b[2Jil`, `us-east-1\x1b]0;pwned\x07`, `cred\x1b[8m`)
	code = te.run("list")
	check("list", code, `ev\x1b[2Jil`)
	code = te.run("profile", "show", evil)
	check("profile show", code, `ev\x1b[2Jil`, `mfa/a\x08\x08OK`)
	code = te.run("exec", "norole", "--", "true")
	check("exec error", code, `role/r\x1b[31m\x00`)
	code = te.run("doctor")
	check("doctor", code, `ev\x1b[2Jil`)
	code = te.run("profile", "import")
	check("profile import", code, `Skipped cred\x1b[8m`)
}
