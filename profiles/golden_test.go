package profiles

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenCases edit the real-world-shaped files in testdata/golden/NAME.in.
// The result must equal NAME.golden, and the line diff between input and
// result must be exactly diff ("-" removed, "+" added, in file order).
var goldenCases = []struct {
	name string
	edit func(d *Document) error
	diff []string
	// reads are values that must read back from the result
	reads map[[2]string]string
}{
	{
		name: "01-commented-config",
		edit: func(d *Document) error {
			d.Set("profile dev", "region", "eu-central-1")
			d.Set("profile dev", "mfa_serial", "arn:aws:iam::111111111111:mfa/alice")
			d.Unset("profile ci", "output")
			d.Set("profile ci", "duration_seconds", "3600")
			return nil
		},
		diff: []string{
			"-region = eu-west-1",
			"+region = eu-central-1",
			"+mfa_serial = arn:aws:iam::111111111111:mfa/alice",
			"-output    = text",
			"+duration_seconds    = 3600",
		},
		reads: map[[2]string]string{{"default", "output"}: "json", {"profile ci", "region"}: "us-west-2"},
	},
	{
		name: "02-credentials",
		edit: func(d *Document) error {
			d.Unset("work", "aws_access_key_id")
			d.Unset("work", "aws_secret_access_key")
			d.DeleteSection("old")
			return nil
		},
		diff: []string{
			"-aws_access_key_id=AKIAI44QH8DHBEXAMPLE",
			"-aws_secret_access_key=je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
			"-",
			"-[old]",
			"-aws_access_key_id = AKIAOLDOLDOLDEXAMPLE",
			"-aws_secret_access_key = oldoldoldoldoldoldoldoldoldoldEXAMPLEKEY",
		},
		reads: map[[2]string]string{{"work", "x_security_token_expires"}: "2024-01-01T00:00:00Z"},
	},
	{
		name: "03-url-fragments",
		edit: func(d *Document) error {
			d.Set("profile local", "region", "eu-west-1")
			d.Set("profile sso-dev", "endpoint_url", "http://proxy.internal/#sso")
			return nil
		},
		diff: []string{
			"-region = us-east-1",
			"+region = eu-west-1",
			"+endpoint_url = http://proxy.internal/#sso",
		},
		reads: map[[2]string]string{
			{"profile local", "endpoint_url"}:    "http://localhost:4566/#edge",
			{"profile sso-dev", "sso_start_url"}: "https://my-sso-portal.awsapps.com/start/#/",
			{"profile sso-dev", "endpoint_url"}:  "http://proxy.internal/#sso",
		},
	},
	{
		name: "04-tabs",
		edit: func(d *Document) error {
			d.Set("default", "cli_pager", "")
			d.Set("profile tabbed", "region", "us-east-2")
			return nil
		},
		diff: []string{
			"+\tcli_pager\t=",
			"+region\t=\tus-east-2",
		},
		reads: map[[2]string]string{{"default", "cli_pager"}: "", {"profile tabbed", "region"}: "us-east-2"},
	},
	{
		name: "05-crlf",
		edit: func(d *Document) error {
			d.Set("profile win", "mfa_serial", "arn:aws:iam::333333333333:mfa/win")
			d.Set("default", "region", "us-west-1")
			d.Set("profile added", "region", "sa-east-1")
			return nil
		},
		diff: []string{
			"-region = us-east-1",
			"+region = us-west-1",
			"+mfa_serial = arn:aws:iam::333333333333:mfa/win",
			"+",
			"+[profile added]",
			"+region = sa-east-1",
		},
	},
	{
		name: "06-no-final-newline",
		edit: func(d *Document) error {
			d.Set("profile last", "duration_seconds", "900")
			d.Set("default", "output", "yaml")
			return nil
		},
		diff: []string{
			"+output = yaml",
			"+duration_seconds = 900",
		},
	},
	{
		name: "07-duplicate-sections",
		edit: func(d *Document) error {
			sec := d.ProfileSection("dup") // the later section, the one the CLI reads
			d.Set(sec, "region", "eu-west-3")
			d.Set(sec, "output", "text") // the first section's output is not read
			d.Set(sec, "role_session_name", "me")
			d.DeleteSection("profile other")
			return nil
		},
		diff: []string{
			"-[profile other]",
			"-region = ap-south-1",
			"-",
			"-region = eu-west-2",
			"+region = eu-west-3",
			"+output = text",
			"+role_session_name = me",
		},
		reads: map[[2]string]string{{"profile  dup", "mfa_serial"}: "arn:aws:iam::555555555555:mfa/me", {"profile dup", "output"}: "json"},
	},
	{
		name: "08-services-sso",
		edit: func(d *Document) error {
			d.Set("profile app", "region", "us-east-1")
			if err := d.RenameSection("profile deploy", "profile deploy-prod"); err != nil {
				return err
			}
			d.Set("profile deploy-prod", "external_id", "abc#123")
			return nil
		},
		diff: []string{
			"+region = us-east-1",
			"-[profile deploy]",
			"+[profile deploy-prod]",
			"+external_id = abc#123",
		},
		reads: map[[2]string]string{
			{"sso-session corp", "sso_start_url"}: "https://corp.awsapps.com/start#/",
			{"services local-endpoints", "s3"}:    "",
		},
	},
	{
		name: "09-nested-s3",
		edit: func(d *Document) error {
			d.Set("default", "output", "json")
			d.Set("default", "cli_pager", "less")
			d.Set("profile fast", "s3", "") // replaces the whole value: the block goes
			d.Set("profile fast", "region", "us-east-1")
			return nil
		},
		diff: []string{
			"-cli_pager =",
			"+cli_pager = less",
			"+output = json",
			"-  max_bandwidth = 50MB/s",
			"+region = us-east-1",
		},
	},
	{
		name: "10-bare-and-profile-default",
		edit: func(d *Document) error {
			d.Set(ConfigSection("legacy"), "region", "us-west-1")
			d.Set("profile default", "output", "json")
			return nil
		},
		diff: []string{
			"+output = json",
			"+",
			"+[profile legacy]",
			"+region = us-west-1",
		},
		reads: map[[2]string]string{{"legacy", "region"}: "us-west-1", {"preview", "cloudfront"}: "true"},
	},
	{
		name: "11-other-tools",
		edit: func(d *Document) error {
			d.Set("profile vaulted", "mfa_serial", "arn:aws:iam::777777777777:mfa/other")
			d.Set("profile saml", "role_arn", "arn:aws:iam::777777777777:role/Saml")
			d.Set("profile granted-prod", "region", "us-east-1")
			return nil
		},
		diff: []string{
			"+region    = us-east-1",
			"-mfa_serial: arn:aws:iam::777777777777:mfa/user",
			"+mfa_serial: arn:aws:iam::777777777777:mfa/other",
			"+role_arn=arn:aws:iam::777777777777:role/Saml",
		},
		reads: map[[2]string]string{
			{"profile granted-prod", "credential_process"}: "granted credential-process --profile granted-prod",
			{"profile saml", "saml2aws_url"}:               "https://idp.example.com/saml?x=1&y=2",
		},
	},
	{
		name: "12-comments-only",
		edit: func(d *Document) error {
			d.Set("default", "region", "us-east-1")
			return nil
		},
		diff: []string{
			"+[default]",
			"+region = us-east-1",
		},
	},
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			inPath := filepath.Join("testdata", "golden", tc.name+".in")
			goldenPath := filepath.Join("testdata", "golden", tc.name+".golden")
			in, err := os.ReadFile(inPath)
			if err != nil {
				t.Fatal(err)
			}
			d, err := ParseDocument(in)
			if err != nil {
				t.Fatalf("parse %s: %v", inPath, err)
			}
			if !bytes.Equal(d.Bytes(), in) {
				t.Fatalf("parse/Bytes round trip changed %s", inPath)
			}
			if err := tc.edit(d); err != nil {
				t.Fatalf("edit: %v", err)
			}
			if err := d.Err(); err != nil {
				t.Fatalf("Err(): %v", err)
			}
			out := d.Bytes()
			if *update {
				if err := os.WriteFile(goldenPath, out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(goldenPath)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update to create it)", err)
			}
			if !bytes.Equal(out, want) {
				t.Errorf("result differs from %s:\n got: %q\nwant: %q", goldenPath, out, want)
			}
			if got := lineDiff(in, out); !reflect.DeepEqual(got, tc.diff) {
				t.Errorf("line diff:\n got: %q\nwant: %q", got, tc.diff)
			}
			checkTerminators(t, in, out)

			reread, err := ParseDocument(out)
			if err != nil {
				t.Fatalf("result does not parse: %v", err)
			}
			for sk, v := range tc.reads {
				if got, ok := reread.Get(sk[0], sk[1]); !ok || got != v {
					t.Errorf("after edit, Get(%q, %q) = %q, %v; want %q", sk[0], sk[1], got, ok, v)
				}
			}
		})
	}
}

// checkTerminators: a CRLF file stays all CRLF, an LF file gains no CR, and
// a file without a final newline still has none.
func checkTerminators(t *testing.T, in, out []byte) {
	t.Helper()
	crlf := bytes.Contains(in, []byte("\r\n"))
	for i, c := range out {
		if c == '\n' && (i > 0 && out[i-1] == '\r') != crlf {
			t.Errorf("line terminator at byte %d does not match the file's style (CRLF=%v)", i, crlf)
			break
		}
	}
	if endsNL := bytes.HasSuffix(in, []byte("\n")); len(in) > 0 && endsNL != bytes.HasSuffix(out, []byte("\n")) {
		t.Errorf("final newline: input %v, output %v", endsNL, !endsNL)
	}
}

// lineDiff returns the lines removed ("-") and added ("+") from a to b, in
// order, by a longest-common-subsequence diff over lines without their
// terminators.
func lineDiff(a, b []byte) []string {
	x, y := splitLines(a), splitLines(b)
	// lcs[i][j] = LCS length of x[i:] and y[j:]
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []string
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			i, j = i+1, j+1
		case i < len(x) && (j == len(y) || lcs[i+1][j] >= lcs[i][j+1]):
			out = append(out, "-"+x[i])
			i++
		default:
			out = append(out, "+"+y[j])
			j++
		}
	}
	return out
}

func splitLines(b []byte) []string {
	s := strings.TrimSuffix(string(b), "\n")
	if s == "" {
		return nil
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}
