package profiles

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The differential tests generate random config and credentials files
// from pieces that sit on the edges of the format, read each with botocore's
// own configloader (python3, as the AWS CLI does) and with Load, and demand
// the same answer: the same refusal, or the same profiles with the same
// keys and values (nested blocks as botocore's dicts).
//
// The seed is fixed so a failure repeats; AWSKEEP_DIFF_SEED and
// AWSKEEP_DIFF_N pick others.

// botocoreRead reads files with botocore; see testdata/botocore_read.py.
func botocoreRead(t *testing.T, paths []string) []botocoreResult {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Fatalf("python3 with botocore is needed to compare with the AWS CLI: %v", err)
	}
	cmd := exec.Command(py, filepath.Join("testdata", "botocore_read.py"))
	cmd.Stdin = strings.NewReader(strings.Join(paths, "\n"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("botocore: %v\n%s", err, stderr.Bytes())
	}
	var results []botocoreResult
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var r botocoreResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("botocore printed %q: %v", sc.Bytes(), err)
		}
		results = append(results, r)
	}
	if len(results) != len(paths) {
		t.Fatalf("botocore answered %d of %d files\n%s", len(results), len(paths), stderr.Bytes())
	}
	return results
}

type botocoreResult struct {
	Profiles map[string]map[string]any `json:"profiles"`
	Error    string                    `json:"error"`
	Cause    string                    `json:"cause"`
}

// pieces of a generated file
var (
	diffHeaders = []string{
		"[default]", "[profile dev]", "[profile  dev]", "[profile\tdev]", "[ profile dev]", "[profile dev ]",
		"[profile a b]", `[profile "a b"]`, "[profile 'x']", "[profile x']", "[profiles dev]", "[profile]",
		"[profile default]", "[DEFAULT]", "[ default ]", "[default] # c", "[prod] trailing", "[prod]",
		"[sso-session s]", "[services x]", "[a]b]", "[]", "[x", "  [prod]", "[profile ops] ; c", "[Prod]",
		`[profile a\ b]`, `[profile "a\"b"]`,
	}
	diffKeys   = []string{"region", "Region", "output", "role_arn", "source_profile", "endpoint_url", "k", "s3", "a.b"}
	diffValues = []string{
		"us-east-1", "us-east-1 # comment", "a;b", `"quoted"`, "'q'", "", "http://h/#frag", "x=y", "a: b",
		"  padded  ", "ünï", "x\u00a0",
	}
	diffSeps = []string{" = ", "=", ": ", " :", "\t=\t", " =  "}
	diffEOLs = []string{"\n", "\n", "\n", "\r\n", "\r"}
)

// randomFile builds a file of lines drawn from the pieces above.
func randomFile(r *rand.Rand) string {
	pick := func(s []string) string { return s[r.IntN(len(s))] }
	var b strings.Builder
	n := 1 + r.IntN(10)
	if r.IntN(8) != 0 {
		b.WriteString(pick(diffHeaders) + pick(diffEOLs))
	}
	for range n {
		var l string
		switch x := r.IntN(20); {
		case x < 3:
			l = pick(diffHeaders)
		case x < 12:
			l = pick(diffKeys) + pick(diffSeps) + pick(diffValues)
		case x < 14:
			l = pick([]string{"  ", "\t", "    "}) + pick(diffKeys) + pick(diffSeps) + pick(diffValues)
		case x < 15:
			l = pick([]string{"  ", "\t"}) + pick(diffValues)
		case x < 16:
			l = pick([]string{"# c", "; c", "  # indented comment", "#[profile dev]"})
		case x < 18:
			l = ""
		case x < 19:
			l = pick([]string{"s3 =", "s3="})
		case r.IntN(4) == 0:
			l = pick([]string{"just words", "= v", "  ", "[profile dev"})
		}
		b.WriteString(l + pick(diffEOLs))
	}
	return b.String()
}

// awskeepRead is what Load makes of one file, in botocore's shape: profile
// -> key -> value, a nested block as a map.
func awskeepRead(path string, config bool) (map[string]map[string]any, error) {
	p := Paths{Credentials: path}
	if config {
		p = Paths{Config: path}
	}
	s, err := Load(p)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]any{}
	for _, name := range s.Names() {
		prof := s.lookup(name)
		m := map[string]any{}
		for _, k := range prof.Keys() {
			m[k] = prof.rawValue(k)
		}
		out[name] = m
	}
	return out, nil
}

// rawValue is Get with a nested block as its sub-keys, for comparison.
func (p *Profile) rawValue(key string) any {
	try := func(d *Document, section string) (any, bool) {
		for _, sec := range []string{section, defaultSection} {
			if k, ok := d.lastKey(sec, key); ok {
				if sub, ok := d.nestedOf(k); ok {
					m := map[string]any{}
					for k, v := range sub {
						m[k] = v
					}
					return m, true
				}
				return d.valueOf(k), true
			}
		}
		return nil, false
	}
	if p.InCredentials {
		if v, ok := try(p.set.credentials, p.Name); ok {
			return v
		}
	}
	v, _ := try(p.set.config, p.configSection)
	return v
}

func TestDifferentialBotocore(t *testing.T) {
	seed, n := uint64(11), 400
	if v := os.Getenv("AWSKEEP_DIFF_SEED"); v != "" {
		fmt.Sscan(v, &seed)
	}
	if v := os.Getenv("AWSKEEP_DIFF_N"); v != "" {
		fmt.Sscan(v, &n)
	}
	r := rand.New(rand.NewPCG(seed, seed))
	dir := t.TempDir()
	var paths, texts []string
	for i := range n {
		ext := ".config"
		if i%2 == 1 {
			ext = ".credentials"
		}
		text := randomFile(r)
		path := filepath.Join(dir, fmt.Sprintf("%04d%s", i, ext))
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		paths, texts = append(paths, path), append(texts, text)
	}
	// A few that must hold whatever the seed.
	for _, text := range []string{
		"[profile default]\nregion = b\n[default]\nregion = a\noutput = j\n",
		"[default]\nregion = a\n[profile default]\nregion = b\n",
		"[DEFAULT]\nregion = d\n[profile x]\noutput = j\n[DEFAULT]\nk = 1\n",
		"[profile x]\nk = a\n  b\n\n  c\n\n[profile y]\nr = 1\n",
		"[profile x]\ns3 =\n  a = 1\n\n  B = 2 = 3\n",
	} {
		for _, ext := range []string{".config", ".credentials"} {
			path := filepath.Join(dir, fmt.Sprintf("%04d%s", len(paths), ext))
			if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			paths, texts = append(paths, path), append(texts, text)
		}
	}
	want := botocoreRead(t, paths)
	refused, failures := 0, 0
	for i, path := range paths {
		got, err := awskeepRead(path, strings.HasSuffix(path, ".config"))
		w := want[i]
		switch {
		case w.Error != "" && err != nil:
			refused++
			continue
		case w.Error != "":
			t.Errorf("%s: botocore refuses (%s), awskeep reads %v\nfile: %q", filepath.Base(path), w.Cause, got, texts[i])
		case err != nil:
			t.Errorf("%s: awskeep refuses (%v), botocore reads %v\nfile: %q", filepath.Base(path), err, w.Profiles, texts[i])
		case !reflect.DeepEqual(got, w.Profiles):
			t.Errorf("%s: differs\n awskeep:  %v\n botocore: %v\nfile: %q", filepath.Base(path), got, w.Profiles, texts[i])
		default:
			continue
		}
		if failures++; failures == 10 {
			t.Fatal("stopping after 10 differences")
		}
	}
	t.Logf("%d files, %d refused by both, seed %d", len(paths), refused, seed)
	if refused == len(paths) || refused == 0 {
		t.Errorf("%d of %d files refused: the generator tests only one side", refused, len(paths))
	}
}
