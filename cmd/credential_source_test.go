package cmd

import (
	"os"
	"testing"
)

func TestRunsAwskeep(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]bool{
		"awskeep credential-process prod":                   true,
		"/usr/local/bin/awskeep credential-process prod":    true,
		`"C:\Tools\awskeep.exe" credential-process prod`:    true,
		self + " credential-process prod":                   true,
		"aws-vault export --format=json prod":               false,
		"op plugin run -- aws configure export-credentials": false,
		"": false,
	}
	for cmd, want := range cases {
		if got := runsAwskeep(cmd); got != want {
			t.Errorf("runsAwskeep(%q) = %v, want %v", cmd, got, want)
		}
	}
}
