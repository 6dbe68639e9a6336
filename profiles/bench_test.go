package profiles

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// manyProfiles writes a config of n role profiles on one key profile, with
// the key in the credentials file, as a large organisation's file looks.
func manyProfiles(tb testing.TB, n int) Paths {
	tb.Helper()
	var config, creds strings.Builder
	config.WriteString("[default]\nregion = eu-west-1\noutput = json\n\n[profile base]\nregion = eu-west-1\n\n")
	creds.WriteString("[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = x\n")
	for i := range n {
		fmt.Fprintf(&config, "# account %d\n[profile acct-%d]\nsource_profile = base\nrole_arn = arn:aws:iam::%012d:role/admin\nregion = us-east-1\nmfa_serial = arn:aws:iam::000000000000:mfa/me\ns3 =\n  max_concurrent_requests = 20\n\n", i, i, i)
	}
	dir := tb.TempDir()
	p := Paths{Config: filepath.Join(dir, "config"), Credentials: filepath.Join(dir, "credentials")}
	if err := os.WriteFile(p.Config, []byte(config.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(p.Credentials, []byte(creds.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
	return p
}

// BenchmarkResolve is what every command pays before it does anything: read
// both files and resolve one profile. The work must grow with the file, not
// with its square: ns/profile stays flat from 400 to 45,000 profiles (a
// 9.4 MB config), which is well under 1 s.
//
//	go test -run '^$' -bench Resolve -benchtime 5x ./profiles/
func BenchmarkResolve(b *testing.B) {
	for _, n := range []int{400, 10_000, 45_000} {
		paths := manyProfiles(b, n)
		info, _ := os.Stat(paths.Config)
		b.Run(fmt.Sprintf("profiles=%d", n), func(b *testing.B) {
			for range b.N {
				set, err := Load(paths)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := set.Resolve(fmt.Sprintf("acct-%d", n/2)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(info.Size())/1e6, "MB")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/profile")
		})
	}
}
