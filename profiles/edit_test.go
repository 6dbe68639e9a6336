package profiles

import (
	"errors"
	"strings"
	"testing"
)

func TestEdits(t *testing.T) {
	tests := []struct {
		name  string
		input string
		edit  func(d *Document)
		want  string
	}{
		{
			name:  "replace keeps spacing",
			input: "[default]\nregion   =  us-east-1   \noutput=json\n",
			edit:  func(d *Document) { d.Set("default", "region", "eu-west-1"); d.Set("default", "output", "text") },
			want:  "[default]\nregion   =  eu-west-1   \noutput=text\n",
		},
		{
			name:  "replace is case-insensitive and keeps the key's spelling",
			input: "[default]\nRegion = a\n",
			edit:  func(d *Document) { d.Set("default", "region", "b") },
			want:  "[default]\nRegion = b\n",
		},
		{
			name:  "fill an empty value",
			input: "[default]\nregion =\noutput=   \n",
			edit:  func(d *Document) { d.Set("default", "region", "r"); d.Set("default", "output", "o") },
			want:  "[default]\nregion = r\noutput=o\n",
		},
		{
			name:  "set to empty",
			input: "[default]\nregion = r\n",
			edit:  func(d *Document) { d.Set("default", "region", "") },
			want:  "[default]\nregion =\n",
		},
		{
			name:  "append after last key, before the next section's comments",
			input: "[default]\nregion = r\n\n# about a\n[profile a]\nx = 1\n",
			edit:  func(d *Document) { d.Set("default", "output", "json") },
			want:  "[default]\nregion = r\noutput = json\n\n# about a\n[profile a]\nx = 1\n",
		},
		{
			name:  "append copies the neighbour's style and indent",
			input: "[default]\n  region=r\n",
			edit:  func(d *Document) { d.Set("default", "output", "json") },
			want:  "[default]\n  region=r\n  output=json\n",
		},
		{
			name:  "append after a nested block",
			input: "[default]\ns3 =\n  max = 1\n\n[x]\n",
			edit:  func(d *Document) { d.Set("default", "region", "r") },
			want:  "[default]\ns3 =\n  max = 1\nregion = r\n\n[x]\n",
		},
		{
			name:  "set in an empty section goes after its header",
			input: "[profile a]\n# nothing yet\n\n[profile b]\n",
			edit:  func(d *Document) { d.Set("profile a", "region", "r") },
			want:  "[profile a]\nregion = r\n# nothing yet\n\n[profile b]\n",
		},
		{
			name:  "set adds a missing section at the end",
			input: "[default]\nregion = r\n",
			edit:  func(d *Document) { d.Set("profile new", "region", "x") },
			want:  "[default]\nregion = r\n\n[profile new]\nregion = x\n",
		},
		{
			name:  "set into an empty file",
			input: "",
			edit:  func(d *Document) { d.Set("default", "region", "x") },
			want:  "[default]\nregion = x\n",
		},
		{
			name:  "missing final newline stays missing",
			input: "[default]\nregion = r",
			edit:  func(d *Document) { d.Set("default", "output", "json") },
			want:  "[default]\nregion = r\noutput = json",
		},
		{
			name:  "CRLF lines for new lines",
			input: "[default]\r\nregion = r\r\n",
			edit:  func(d *Document) { d.Set("default", "output", "json"); d.Set("profile b", "x", "1") },
			want:  "[default]\r\nregion = r\r\noutput = json\r\n\r\n[profile b]\r\nx = 1\r\n",
		},
		{
			name:  "repeated [DEFAULT]: replace the key where it is, append to the last",
			input: "[DEFAULT]\nk = 1\n[b]\n[DEFAULT]\nj = 1\n",
			edit:  func(d *Document) { d.Set("DEFAULT", "k", "3"); d.Set("DEFAULT", "new", "n") },
			want:  "[DEFAULT]\nk = 3\n[b]\n[DEFAULT]\nj = 1\nnew = n\n",
		},
		{
			name:  "setting a nested key replaces its block",
			input: "[default]\ns3 =\n  a = 1\n  # c\n  b = 2\nregion = r\n",
			edit:  func(d *Document) { d.Set("default", "s3", "flat") },
			want:  "[default]\ns3 = flat\nregion = r\n",
		},
		{
			name:  "unset removes the key and the nested block",
			input: "[a]\nk = 1\ns3 =\n  x = 1\nj = 2\n[DEFAULT]\nk = 2\n",
			edit: func(d *Document) {
				if !d.Unset("a", "K") || !d.Unset("a", "s3") || d.Unset("a", "nope") {
					panic("Unset result")
				}
			},
			want: "[a]\nj = 2\n[DEFAULT]\nk = 2\n",
		},
		{
			name:  "unset of the last line keeps a missing final newline missing",
			input: "[a]\nj = 1\nk = 1",
			edit:  func(d *Document) { d.Unset("a", "k") },
			want:  "[a]\nj = 1",
		},
		{
			name:  "delete section keeps the next section's comment",
			input: "[default]\nregion = r\n\n[profile a]\nx = 1\n# inside a\ny = 2\n\n# about b\n[profile b]\nz = 3\n",
			edit:  func(d *Document) { d.DeleteSection("profile a") },
			want:  "[default]\nregion = r\n\n# about b\n[profile b]\nz = 3\n",
		},
		{
			name:  "delete every occurrence of a repeated [DEFAULT]",
			input: "[DEFAULT]\nx = 1\n\n[b]\ny = 2\n\n[DEFAULT]\nz = 3\n",
			edit:  func(d *Document) { d.DeleteSection("DEFAULT") },
			want:  "[b]\ny = 2\n",
		},
		{
			name:  "rename keeps the header's spacing and comment",
			input: "  [profile  old]  # mine\nx = 1\n[profile other]\ny = 2\n",
			edit: func(d *Document) {
				if err := d.RenameSection("profile  old", "profile new"); err != nil {
					panic(err)
				}
			},
			want: "  [profile new]  # mine\nx = 1\n[profile other]\ny = 2\n",
		},
		{
			name:  "add section after a file without final newline",
			input: "[a]\nx = 1",
			edit:  func(d *Document) { d.AddSection("b") },
			want:  "[a]\nx = 1\n\n[b]",
		},
		{
			name:  "an indented header never becomes a continuation",
			input: "[a]\n  [b]\nx = 1\n",
			edit:  func(d *Document) { d.Set("a", "k", "v") },
			want:  "[a]\nk = v\n[b]\nx = 1\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustParse(t, tt.input)
			tt.edit(d)
			if err := d.Err(); err != nil {
				t.Fatalf("Err() = %v", err)
			}
			if got := string(d.Bytes()); got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
			if _, err := ParseDocument(d.Bytes()); err != nil {
				t.Errorf("result does not parse: %v", err)
			}
		})
	}
}

func TestRefusedEdits(t *testing.T) {
	tests := []struct {
		name string
		edit func(d *Document)
	}{
		{"value with newline", func(d *Document) { d.Set("default", "region", "a\nb") }},
		{"key with =", func(d *Document) { d.Set("default", "a=b", "v") }},
		{"key with colon", func(d *Document) { d.Set("default", "a:b", "v") }},
		{"key starting with #", func(d *Document) { d.Set("default", "#a", "v") }},
		{"empty key", func(d *Document) { d.Set("default", "", "v") }},
		{"key with blanks configparser strips", func(d *Document) { d.Set("default", "\x1ek", "v") }},
		{"value not UTF-8", func(d *Document) { d.Set("default", "k", "\xe9") }},
		{"section not UTF-8", func(d *Document) { d.AddSection("profile \xe9") }},
		{"section with ]", func(d *Document) { d.AddSection("a]b") }},
		{"section with newline", func(d *Document) { d.Set("a\nb", "k", "v") }},
		{"empty section", func(d *Document) { d.AddSection("") }},
		{"blank section", func(d *Document) { d.AddSection("  ") }},
		{"section with surrounding blanks", func(d *Document) { d.AddSection(" profile x") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const input = "[default]\nregion = r\n"
			d := mustParse(t, input)
			tt.edit(d)
			var ie *InvalidEditError
			if !errors.As(d.Err(), &ie) {
				t.Fatalf("Err() = %v, want *InvalidEditError", d.Err())
			}
			if got := string(d.Bytes()); got != input {
				t.Errorf("refused edit changed the document: %q", got)
			}
		})
	}
}

func TestRenameErrors(t *testing.T) {
	d := mustParse(t, "[a]\n[b]\n")
	var nf *SectionNotFoundError
	if err := d.RenameSection("c", "d"); !errors.As(err, &nf) {
		t.Errorf("rename of a missing section: %v, want *SectionNotFoundError", err)
	}
	var ex *SectionExistsError
	if err := d.RenameSection("a", "b"); !errors.As(err, &ex) {
		t.Errorf("rename onto an existing section: %v, want *SectionExistsError", err)
	}
	if got := string(d.Bytes()); got != "[a]\n[b]\n" {
		t.Errorf("failed renames changed the document: %q", got)
	}
}

// An edit can make the AWS CLI refuse a file that it reads today: a
// [DEFAULT] key whose nested block has a line without "=" is read (and
// refused) by botocore for every section without that key of its own. Such
// an edit is refused and the document stays as it was (it used to panic).
func TestEditsThatBreakTheFileAreRefused(t *testing.T) {
	const input = "[DEFAULT]\ns3 =\n  oops\n[profile a]\ns3 = 1\n"
	tests := []struct {
		name string
		edit func(d *Document) error
	}{
		{"unset the key that shadows it", func(d *Document) error { d.Unset("profile a", "s3"); return nil }},
		{"add a section without the key", func(d *Document) error { d.AddSection("profile b"); return nil }},
		{"set a key in a new section", func(d *Document) error { d.Set("profile b", "region", "r"); return nil }},
		{"rename [DEFAULT]", func(d *Document) error { return d.RenameSection("DEFAULT", "profile c") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustParse(t, input)
			err := tt.edit(d)
			if err == nil {
				err = d.Err()
			}
			var ie *InvalidEditError
			if !errors.As(err, &ie) || !strings.Contains(ie.Msg, "the AWS CLI would refuse the file") {
				t.Fatalf("edit: %v, want *InvalidEditError saying the AWS CLI would refuse the file", err)
			}
			if got := string(d.Bytes()); got != input {
				t.Errorf("refused edit changed the document: %q", got)
			}
			if _, err := ParseDocument(d.Bytes()); err != nil {
				t.Errorf("document after the refusal: %v", err)
			}
		})
	}
}
