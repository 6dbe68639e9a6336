package profiles

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// snapshot maps section -> key -> what the key reads as, with the raw text
// of its indented lines, so nested blocks count too.
func snapshot(d *Document) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, sec := range d.Sections() {
		out[sec] = map[string]string{}
	}
	t := d.lineTable()
	for sec := range out {
		for k := range d.keyLines(sec) {
			var b strings.Builder
			b.WriteString(d.valueOf(k))
			for _, c := range t[k.line+1 : keySpan(t, k.line)+1] {
				if c.kind == kindContinuation {
					b.WriteString("\x00" + strings.TrimSpace(c.text(d.src)))
				}
			}
			out[sec][k.key] = b.String()
		}
	}
	return out
}

// FuzzEditor parses arbitrary input, applies one edit, and checks that the
// result parses, that the edit reads back, and that nothing else changed.
func FuzzEditor(f *testing.F) {
	addGoldenSeeds(f)
	f.Add([]byte("[a]\n  [b]\nx = 1\n"), uint8(0), "a", "k", "v")
	f.Add([]byte("[a]\nk =\n  x = 1\n[b]\ny: 2"), uint8(1), "a", "K", "")
	f.Add([]byte("[a]\r\nk = 1\r\n\r\n[b]\r\n"), uint8(3), "a", "k", "b")
	f.Add([]byte(""), uint8(2), "new", "k", "v")

	f.Fuzz(func(t *testing.T, data []byte, op uint8, section, key, value string) {
		d, err := ParseDocument(data)
		if err != nil {
			return
		}
		if !bytes.Equal(d.Bytes(), data) {
			t.Fatalf("round trip changed the input")
		}
		// Half the time aim at a section and key the file has, which random
		// strings rarely hit.
		if secs := d.Sections(); op&0x80 != 0 && len(secs) > 0 {
			section = secs[int(op>>3)%len(secs)]
			if keys := d.Keys(section); len(keys) > 0 && op&0x40 != 0 {
				key = keys[int(op)%len(keys)]
			}
		}
		before := snapshot(d)
		norm := section
		lkey := strings.ToLower(strings.TrimSpace(key))
		newName := value

		switch op % 5 {
		case 0:
			d.Set(section, key, value)
		case 1:
			d.Unset(section, key)
		case 2:
			d.AddSection(section)
		case 3:
			d.DeleteSection(section)
		case 4:
			if d.RenameSection(section, value) != nil {
				if !bytes.Equal(d.Bytes(), data) {
					t.Fatalf("failed rename changed the document")
				}
				return
			}
		}
		out := d.Bytes()
		if d.Err() != nil {
			if !bytes.Equal(out, data) {
				t.Fatalf("refused edit (%v) changed the document", d.Err())
			}
			return
		}
		re, err := ParseDocument(out)
		if err != nil {
			t.Fatalf("edited document does not parse: %v\n%q", err, out)
		}
		after := snapshot(re)

		// untouched: sections other than the edited one(s) read the same.
		touched := map[string]bool{norm: true}
		switch op % 5 {
		case 0:
			if got, ok := re.Get(section, key); !ok || got != pyStrip(value) {
				t.Fatalf("Set(%q, %q, %q) reads back %q, %v\n%q", section, key, value, got, ok, out)
			}
			want := maps.Clone(before[norm])
			if want == nil {
				want = map[string]string{}
			}
			delete(want, lkey)
			got := maps.Clone(after[norm])
			delete(got, lkey)
			if !maps.Equal(got, want) {
				t.Fatalf("Set changed other keys of [%s]: %q -> %q", norm, before[norm], after[norm])
			}
		case 1:
			if _, ok := re.Get(section, key); ok {
				t.Fatalf("Unset(%q, %q) left the key", section, key)
			}
			want := maps.Clone(before[norm])
			delete(want, lkey)
			if len(want) > 0 && !maps.Equal(after[norm], want) {
				t.Fatalf("Unset changed other keys of [%s]: %q -> %q", norm, before[norm], after[norm])
			}
		case 2:
			if !re.HasSection(section) {
				t.Fatalf("AddSection(%q) did not add it", section)
			}
			touched = nil
		case 3:
			if re.HasSection(section) {
				t.Fatalf("DeleteSection(%q) left it", section)
			}
		case 4:
			touched[newName] = true
			if !maps.Equal(after[newName], before[norm]) {
				t.Fatalf("RenameSection(%q, %q): values %q, want %q", section, value, after[newName], before[norm])
			}
			if norm != newName && re.HasSection(section) {
				t.Fatalf("RenameSection(%q, %q) left the old name", section, value)
			}
		}
		for sec, vals := range before {
			if touched[sec] {
				continue
			}
			if !maps.Equal(after[sec], vals) {
				t.Fatalf("edit changed section [%s]: %q -> %q\n%q\n->\n%q", sec, vals, after[sec], data, out)
			}
		}
	})
}

// addGoldenSeeds seeds an edit fuzzer (data, op, section, key, value) with
// every golden input, each with its own op.
func addGoldenSeeds(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.in"))
	for i, path := range seeds {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, uint8(i), "profile dev", "region", "eu-west-1")
	}
}
