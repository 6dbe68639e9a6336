package profiles

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseValues(t *testing.T) {
	type want struct{ section, key, value string }
	tests := []struct {
		name  string
		input string
		want  []want
		// absent lists section/key pairs that must not read as keys
		absent [][2]string
	}{
		{
			name:  "spacing and case",
			input: "[default]\n  Region   =   eu-west-1  \nOUTPUT=json\n",
			want:  []want{{"default", "region", "eu-west-1"}, {"default", "output", "json"}},
		},
		{
			name:  "hash in url is part of the value",
			input: "[profile a]\nendpoint_url = http://h/#x\n",
			want:  []want{{"profile a", "endpoint_url", "http://h/#x"}},
		},
		{
			name:  "no inline comments on key lines, as the CLI",
			input: "[profile a]\nregion = us-east-1 # prod\nmfa_serial = arn ; note\n",
			want:  []want{{"profile a", "region", "us-east-1 # prod"}, {"profile a", "mfa_serial", "arn ; note"}},
		},
		{
			name:  "comment after header",
			input: "[profile a] # the a account\nregion = x\n[profile b];b\nregion = y\n",
			want:  []want{{"profile a", "region", "x"}, {"profile b", "region", "y"}},
		},
		{
			name:   "whole-line comments, indented too",
			input:  "# top\n; top2\n[default]\n   # region = no\n\t; output = no\nregion = yes\n",
			want:   []want{{"default", "region", "yes"}},
			absent: [][2]string{{"default", "output"}},
		},
		{
			name:  "colon delimiter, first delimiter wins",
			input: "[profile a]\nrole_arn: arn:aws:iam::1:role/x\nurl = http://x:8080\n",
			want:  []want{{"profile a", "role_arn", "arn:aws:iam::1:role/x"}, {"profile a", "url", "http://x:8080"}},
		},
		{
			name:  "quotes kept literally",
			input: "[default]\nregion = \"eu-west-1\"\n",
			want:  []want{{"default", "region", `"eu-west-1"`}},
		},
		{
			name:  "empty value",
			input: "[default]\nregion =\noutput=\n",
			want:  []want{{"default", "region", ""}, {"default", "output", ""}},
		},
		{
			name:  "blank lines inside a multi-line value are kept, trailing ones dropped",
			input: "[a]\nk = 1\n  2\n\n\n  3\n# c\n  4\n\nj = x\n",
			want:  []want{{"a", "k", "1\n2\n\n\n3\n4"}, {"a", "j", "x"}},
		},
		{
			name:  "a lone CR ends a line, as for Python",
			input: "[a]\rk = 1\r\nj = 2\r",
			want:  []want{{"a", "k", "1"}, {"a", "j", "2"}},
		},
		{
			name:   "header name is exact: blanks stay, text after the last ] goes",
			input:  "[ profile x ]\nk = 1\n[profile y] trailing words\nk = 2\n[a]b]\nk = 3\n",
			want:   []want{{" profile x ", "k", "1"}, {"profile y", "k", "2"}, {"a]b", "k", "3"}},
			absent: [][2]string{{"profile x", "k"}},
		},
		{
			name:  "DEFAULT may repeat",
			input: "[DEFAULT]\na = 1\n[b]\nx = 2\n[DEFAULT]\nc = 3\n",
			want:  []want{{"DEFAULT", "a", "1"}, {"DEFAULT", "c", "3"}, {"b", "x", "2"}},
		},
		{
			name:   "nested block is not top-level",
			input:  "[default]\ns3 =\n  max_concurrent_requests = 20\n\n  # c\n  addressing_style = path\nregion = r\n",
			want:   []want{{"default", "s3", ""}, {"default", "region", "r"}},
			absent: [][2]string{{"default", "max_concurrent_requests"}, {"default", "addressing_style"}},
		},
		{
			name:  "continuation of a non-empty value",
			input: "[default]\nnote = first\n  second\nregion = r\n",
			want:  []want{{"default", "note", "first\nsecond"}, {"default", "region", "r"}},
		},
		{
			name:  "indented key at section start is a key",
			input: "[default]\n  region = r\n  output = o\n",
			want:  []want{{"default", "region", "r"}, {"default", "output", "o"}},
		},
		{
			name:  "tabs",
			input: "[default]\n\tregion\t=\tr\t\n",
			want:  []want{{"default", "region", "r"}},
		},
		{
			name:  "CRLF",
			input: "[default]\r\nregion = r\r\noutput = o",
			want:  []want{{"default", "region", "r"}, {"default", "output", "o"}},
		},
		{
			name:   "section names are case-sensitive",
			input:  "[profile Dev]\nregion = r\n",
			want:   []want{{"profile Dev", "region", "r"}},
			absent: [][2]string{{"profile dev", "region"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseDocument([]byte(tt.input))
			if err != nil {
				t.Fatalf("ParseDocument: %v", err)
			}
			if got := string(d.Bytes()); got != tt.input {
				t.Errorf("Bytes() = %q, want the input back", got)
			}
			for _, w := range tt.want {
				got, ok := d.Get(w.section, w.key)
				if !ok || got != w.value {
					t.Errorf("Get(%q, %q) = %q, %v; want %q", w.section, w.key, got, ok, w.value)
				}
			}
			for _, a := range tt.absent {
				if got, ok := d.Get(a[0], a[1]); ok {
					t.Errorf("Get(%q, %q) = %q, want absent", a[0], a[1], got)
				}
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name  string
		input string
		line  int
		msg   string
	}{
		{"no delimiter", "[default]\nregion = r\njust words\n", 3, "expected key = value"},
		{"unterminated header", "# c\n[profile a\nregion = r\n", 2, `no closing "]"`},
		{"empty header", "[]\n", 1, "no name"},
		{"empty header in a section", "[a]\n[]\n", 2, "no name"},
		{"duplicate key", "[a]\nregion = 1\n# c\nRegion: 2\n", 4, "key region appears a second time in [a] (first at line 2)"},
		{"duplicate key in a repeated DEFAULT", "[DEFAULT]\nk = 1\n[DEFAULT]\nk = 2\n", 4, "key k appears a second time in [DEFAULT]"},
		{"duplicate section", "[profile a]\nx = 1\n[b]\n[profile a]\n", 4, "section [profile a] appears a second time (first at line 1)"},
		{"nested line without =", "[a]\ns3 =\n  max_concurrent_requests = 1\n  oops\n", 4, `in a nested block has no "="`},
		{"byte order mark", "\ufeff[default]\n", 1, "byte order mark"},
		{"not UTF-8", "[a]\nk = 1\n\rv = \xff\n", 4, "byte 0xff is not UTF-8"},
		{"key before any section", "\n# c\nregion = r\n[default]\n", 3, "before any [section]"},
		{"missing key", "[default]\n= r\n", 2, "missing key"},
		{"CRLF line numbers", "[default]\r\nok = 1\r\nbad\r\n", 3, "expected key = value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseDocument([]byte(tt.input))
			var perr *ParseError
			if !errors.As(err, &perr) {
				t.Fatalf("err = %v, want *ParseError", err)
			}
			if perr.Line != tt.line || !strings.Contains(perr.Msg, tt.msg) {
				t.Errorf("got line %d %q; want line %d containing %q", perr.Line, perr.Msg, tt.line, tt.msg)
			}
		})
	}
}

func TestSectionsAndKeys(t *testing.T) {
	d := mustParse(t, "[default]\na=1\n[profile  x]\nb=2\n[sso-session s]\nc=3\n[DEFAULT]\nd=4\n[default ]\nA=5\n")
	if got, want := d.Sections(), []string{"default", "profile  x", "sso-session s", "DEFAULT", "default "}; !reflect.DeepEqual(got, want) {
		t.Errorf("Sections() = %q, want %q", got, want)
	}
	if got, want := d.Keys("default"), []string{"a"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Keys(default) = %q, want %q", got, want)
	}
	if !d.HasSection("profile  x") || d.HasSection("profile x") {
		t.Errorf("HasSection does not match exact names")
	}
	if v, _ := d.Get("default ", "a"); v != "5" {
		t.Errorf("Get(default , a) = %q, want 5", v)
	}
}

func mustParse(t testing.TB, s string) *Document {
	t.Helper()
	d, err := ParseDocument([]byte(s))
	if err != nil {
		t.Fatalf("ParseDocument(%q): %v", s, err)
	}
	return d
}
