package cmd

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/awskeep/awskeep/vault"
)

// When what answers at the endpoint is not AWS (a proxy's page, a server
// that is not STS), or AWS answers with an error awskeep has no words of its
// own for, the message says what awskeep was doing and for which profile;
// the SDK's error chain ("operation error STS: ..., https response error
// ...") never stands alone.
func TestAWSFailuresSayWhatAndForWhom(t *testing.T) {
	for _, srv := range []struct {
		name string
		h    http.HandlerFunc
		want string
	}{
		{"a page that is no AWS reply", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("<html>hello</html>")) }, "is not one AWS gives"},
		{"a 404 page", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte("<html>not found</html>"))
		}, "(HTTP 404) is not one AWS gives"},
		{"an AWS error", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>1 validation error detected</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`))
		}, "with ValidationError: 1 validation error detected"},
	} {
		s := httptest.NewServer(srv.h)
		te := newTestEnv(t)
		te.env["AWS_ENDPOINT_URL"] = s.URL
		te.env["AWS_ACCESS_KEY_ID"] = "AKIAEXAMPLEEXAMPLE01"
		te.env["AWS_SECRET_ACCESS_KEY"] = "secretsecretsecretsecretsecretsecret0001"
		te.writeFile(t, ".aws/config", "[profile work]\nregion = us-east-1\n[profile role]\nsource_profile = work\nrole_arn = arn:aws:iam::111111111111:role/r\n")
		now := te.f.Now()
		storeKey(t, te, vault.Key{Profile: "work", AccessKeyID: "AKIAEXAMPLEEXAMPLE01", SecretAccessKey: "secretsecretsecretsecretsecretsecret0001", CreatedAt: now, AddedAt: now})
		te.f.resetVault()
		for _, tc := range []struct {
			args  []string
			doing string
		}{
			{[]string{"add", "new", "--env"}, "awskeep: checking the key for profile new with AWS: "},
			{[]string{"export", "work"}, "awskeep: getting credentials for profile work: "},
			{[]string{"export", "role"}, "awskeep: getting credentials for profile role (through work): "},
			{[]string{"login", "role", "--stdout"}, "awskeep: getting credentials for profile role (through work): "},
			{[]string{"rotate", "work"}, "awskeep: cannot rotate the key of work: "},
			{[]string{"doctor", "work"}, "FAIL  AWS accepts the key: checking the key of profile work: "},
		} {
			if code := te.run(tc.args...); code != exitFailure {
				t.Errorf("%s: %v: exit %d", srv.name, tc.args, code)
			}
			out := te.stderr.String() + te.stdout.String()
			mustContain(t, srv.name+": "+strings.Join(tc.args, " "), out, tc.doing, srv.want)
			if strings.Contains(out, "operation error") || strings.Contains(out, "https response error") {
				t.Errorf("%s: %v: the SDK's error chain reaches the user:\n%s", srv.name, tc.args, out)
			}
		}
		s.Close()
	}
}
