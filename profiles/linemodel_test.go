package profiles

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/awskeep/awskeep/profiles/internal/linemodel"
)

// The document keeps its text whole and reads sections from it when asked;
// until it did, it kept one struct per line (package linemodel, kept as the
// oracle). These tests hold the two to the same answers on random files:
// the same refusal (line and message), the same sections, keys and values,
// and edits that leave the same bytes.

// sameAsLineModel checks one input and one edit (op, section, key, value,
// as FuzzEditor draws them) against the line model.
func sameAsLineModel(t *testing.T, data []byte, ops []editOp) {
	t.Helper()
	d, err := ParseDocument(data)
	o, oerr := linemodel.ParseDocument(data)
	if (err == nil) != (oerr == nil) {
		t.Fatalf("ParseDocument: %v, line model: %v\n%q", err, oerr, data)
	}
	if err != nil {
		var got *ParseError
		var want *linemodel.ParseError
		if !errors.As(err, &got) || !errors.As(oerr, &want) || got.Line != want.Line || got.Msg != want.Msg {
			t.Fatalf("ParseDocument: %v, line model: %v\n%q", err, oerr, data)
		}
		return
	}
	sameReading(t, d, o, "parsed")
	for i, op := range ops {
		secs := d.Sections()
		section, key := op.section, op.key
		if op.pick&0x80 != 0 && len(secs) > 0 {
			section = secs[int(op.pick>>3)%len(secs)]
			if keys := d.Keys(section); len(keys) > 0 && op.pick&0x40 != 0 {
				key = keys[int(op.pick)%len(keys)]
			}
		}
		var got, want string
		before := d.Bytes()
		panicked := func() (panicked bool) {
			// The line model panicked where an edit made the file one the
			// AWS CLI refuses; the document refuses such an edit instead.
			defer func() { panicked = recover() != nil }()
			want = applyEdit(o, op.pick, section, key, op.value)
			return false
		}()
		got = applyEdit(d, op.pick, section, key, op.value)
		if panicked {
			if !bytes.Equal(d.Bytes(), before) || (d.Err() == nil && got == "") || got == "true" {
				t.Fatalf("edit %d (%d %q %q %q) makes a file the AWS CLI refuses: not refused (%q, %v)\n%q", i, op.pick%5, section, key, op.value, got, d.Err(), d.Bytes())
			}
			return
		}
		if (got == "") != (want == "") || (got == "true") != (want == "true") {
			t.Fatalf("edit %d (%d %q %q %q): %q, line model %q\n%q", i, op.pick%5, section, key, op.value, got, want, data)
		}
		if errString(d.Err()) != errString(o.Err()) {
			t.Fatalf("edit %d: Err %v, line model %v", i, d.Err(), o.Err())
		}
		if !bytes.Equal(d.Bytes(), o.Bytes()) {
			t.Fatalf("edit %d (%d %q %q %q) leaves\n%q\nline model\n%q\nfrom\n%q", i, op.pick%5, section, key, op.value, d.Bytes(), o.Bytes(), data)
		}
		sameReading(t, d, o, "edited")
	}
}

// editor is the edit API the document and the line model share.
type editor interface {
	Set(section, key, value string)
	Unset(section, key string) bool
	AddSection(name string) bool
	DeleteSection(name string) bool
	RenameSection(old, new string) error
}

// applyEdit makes edit pick%5 on e and says what it answered ("" for Set).
func applyEdit(e editor, pick uint8, section, key, value string) string {
	switch pick % 5 {
	case 0:
		e.Set(section, key, value)
	case 1:
		return boolString(e.Unset(section, key))
	case 2:
		return boolString(e.AddSection(section))
	case 3:
		return boolString(e.DeleteSection(section))
	case 4:
		return errString(e.RenameSection(section, value))
	}
	return ""
}

type editOp struct {
	pick                uint8
	section, key, value string
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	var ie *InvalidEditError
	var oie *linemodel.InvalidEditError
	switch {
	case errors.As(err, &ie):
		return "invalid: " + ie.Msg
	case errors.As(err, &oie):
		return "invalid: " + oie.Msg
	}
	return "refused"
}

func sameReading(t *testing.T, d *Document, o *linemodel.Document, when string) {
	t.Helper()
	if got, want := d.Sections(), o.Sections(); !slices.Equal(got, want) {
		t.Fatalf("%s: Sections() = %q, line model %q\n%q", when, got, want, d.Bytes())
	}
	for _, sec := range o.Sections() {
		if got, want := d.Keys(sec), o.Keys(sec); !slices.Equal(got, want) {
			t.Fatalf("%s: Keys(%q) = %q, line model %q\n%q", when, sec, got, want, d.Bytes())
		}
		for _, k := range o.Keys(sec) {
			got, gok := d.Get(sec, k)
			want, wok := o.Get(sec, k)
			if got != want || gok != wok {
				t.Fatalf("%s: Get(%q, %q) = %q, line model %q\n%q", when, sec, k, got, want, d.Bytes())
			}
		}
	}
}

func TestSameAsLineModel(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	pieces := append(append([]string{}, diffHeaders...), diffKeys...)
	pieces = append(pieces, diffValues...)
	pieces = append(pieces, "", "  [prod]", "\u00a0k = v", " \v[b]", "new", "x y")
	pick := func() string { return pieces[r.IntN(len(pieces))] }
	var inputs [][]byte
	seeds, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.in"))
	for _, path := range seeds {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, data)
	}
	for range 4000 {
		inputs = append(inputs, []byte(randomFile(r)))
	}
	parsed := 0
	for _, data := range inputs {
		var ops []editOp
		for range 1 + r.IntN(4) {
			ops = append(ops, editOp{pick: uint8(r.IntN(256)), section: pick(), key: pick(), value: pick()})
		}
		sameAsLineModel(t, data, ops)
		if _, err := ParseDocument(data); err == nil {
			parsed++
		}
	}
	if parsed < len(inputs)/4 || parsed == len(inputs) {
		t.Errorf("%d of %d inputs parse: the generator tests one side only", parsed, len(inputs))
	}
}

// FuzzSameAsLineModel is TestSameAsLineModel on the fuzzer's inputs:
//
//	go test -run '^$' -fuzz SameAsLineModel ./profiles/
func FuzzSameAsLineModel(f *testing.F) {
	addGoldenSeeds(f)
	f.Add([]byte("[a]\n  [b]\nx = 1\n"), uint8(0), "a", "k", "v")
	f.Add([]byte("[DEFAULT]\ns3 =\n  x\n[a]\n"), uint8(1), "a", "K", "")
	f.Add([]byte("[a]\r\nk = 1\r\n\r\n[b]\r\n"), uint8(3), "a", "k", "b")
	f.Fuzz(func(t *testing.T, data []byte, op uint8, section, key, value string) {
		sameAsLineModel(t, data, []editOp{{op, section, key, value}, {op ^ 0xc1, key, section, value}})
	})
}
