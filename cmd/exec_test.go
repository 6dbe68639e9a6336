package cmd

import (
	"slices"
	"strings"
	"testing"
)

func TestChildEnv(t *testing.T) {
	parent := []string{
		"PATH=/bin", "HOME=/h", "AWS_PROFILE=other", "AWS_DEFAULT_PROFILE=x", "AWS_ACCESS_KEY_ID=AKIAOLD",
		"AWS_SECRET_ACCESS_KEY=old", "AWS_SESSION_TOKEN=old", "AWS_SECURITY_TOKEN=old", "AWSKEEP_FILE_PASSPHRASE=pw",
		"AWSKEEP_BACKEND=file", "AWS_REGION=us-west-1", "AWS_CONTAINER_CREDENTIALS_FULL_URI=http://x",
	}
	cases := []struct {
		name, region string
		want         []string
	}{
		{"region known", "eu-west-1", []string{"PATH=/bin", "HOME=/h", "AWSKEEP_BACKEND=file", "AWS_REGION=eu-west-1", "AWS_DEFAULT_REGION=eu-west-1", "AWSKEEP=prod"}},
		{"no region configured", "", []string{"PATH=/bin", "HOME=/h", "AWSKEEP_BACKEND=file", "AWS_REGION=us-west-1", "AWSKEEP=prod"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := childEnv(parent, "prod", tc.region)
			if !slices.Equal(got, tc.want) {
				t.Errorf("childEnv =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
