package awstest

import (
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
)

func TestUniqueName(t *testing.T) {
	valid := regexp.MustCompile(`^[A-Za-z0-9+=,.@_-]{1,64}$`)
	seen := map[string]bool{}
	for _, prefix := range []string{"", "TestX/sub case", strings.Repeat("long", 30), "ok+=,.@_-"} {
		for range 3 {
			n := UniqueName(prefix)
			if !valid.MatchString(n) {
				t.Errorf("UniqueName(%q) = %q: not a valid IAM name", prefix, n)
			}
			if seen[n] {
				t.Errorf("UniqueName(%q) repeated %q", prefix, n)
			}
			seen[n] = true
		}
	}
}

func TestPrincipalOf(t *testing.T) {
	tests := []struct{ arn, kind, name string }{
		{"arn:aws:iam::123456789012:user/alice", "user", "alice"},
		{"arn:aws:iam::123456789012:user/team/a/alice", "user", "alice"},
		{"arn:aws:iam::123456789012:role/r1", "role", "r1"},
		{"arn:aws:sts::123456789012:assumed-role/r1/sess", "assumed-role", "r1"},
		{"arn:aws:iam::123456789012:root", "root", ""},
		{"*", "", ""},
	}
	for _, tt := range tests {
		kind, name := principalOf(tt.arn)
		if kind != tt.kind || name != tt.name {
			t.Errorf("principalOf(%q) = %q, %q; want %q, %q", tt.arn, kind, name, tt.kind, tt.name)
		}
	}
}

func TestParseRecording(t *testing.T) {
	encoded := base64.StdEncoding.EncodeToString([]byte("Action=GetSessionToken&TokenCode=123456&Version=2011-06-15"))
	data := `{"headers": {"authorization": "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20240101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=x"}, "method": "POST", "url": "http://127.0.0.1:1/", "body": "` + encoded + `", "body_encoded": true}
{"headers": {}, "method": "POST", "url": "http://127.0.0.1:1/?Action=ListUsers", "body": "Version=2010-05-08", "body_encoded": false}

{"headers": {}, "method": "GET", "url": "http://127.0.0.1:1/moto-api/data.json", "body": null, "body_encoded": false}
`
	reqs, err := parseRecording([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 3 {
		t.Fatalf("got %d requests, want 3", len(reqs))
	}
	if r := reqs[0]; r.Action != "GetSessionToken" || r.Params.Get("TokenCode") != "123456" || r.AccessKeyID != "AKIAEXAMPLE" {
		t.Errorf("first = %+v", r)
	}
	if r := reqs[1]; r.Action != "ListUsers" || r.Params.Get("Version") != "2010-05-08" || r.AccessKeyID != "" {
		t.Errorf("second = %+v", r)
	}
	if r := reqs[2]; r.Action != "" || r.Method != "GET" {
		t.Errorf("third = %+v", r)
	}
	if _, err := parseRecording([]byte("{not json\n")); err == nil {
		t.Error("malformed line: want an error")
	}
}
