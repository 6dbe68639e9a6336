package cmd

import (
	"slices"
	"strings"
	"testing"

	"github.com/awskeep/awskeep/profiles"
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

func TestConfiguredRegion(t *testing.T) {
	te := newTestEnv(t)
	if r := configuredRegion(te.f, ""); r != "" {
		t.Errorf("nothing configured gave %q; STS's fallback must not reach the child", r)
	}
	if r := configuredRegion(te.f, "eu-west-1"); r != "eu-west-1" {
		t.Errorf("profile region gave %q", r)
	}
	te.env["AWS_DEFAULT_REGION"] = "ap-south-1"
	if r := configuredRegion(te.f, "eu-west-1"); r != "ap-south-1" {
		t.Errorf("env over profile gave %q", r)
	}
	te.env["AWS_REGION"] = "us-east-2"
	if r := configuredRegion(te.f, "eu-west-1"); r != "us-east-2" {
		t.Errorf("AWS_REGION first gave %q", r)
	}
}

func TestHopSettingsFirstHopThatSetsEach(t *testing.T) {
	target := profiles.Hop{Region: "eu-west-1"}
	source := profiles.Hop{Region: "us-west-2", EndpointURL: "http://127.0.0.1:5000"}
	if r, e := hopSettings(target, source); r != "eu-west-1" || e != "http://127.0.0.1:5000" {
		t.Errorf("hopSettings = %q, %q", r, e)
	}
	if r, e := hopSettings(); r != "" || e != "" {
		t.Errorf("no hops gave %q, %q", r, e)
	}
}
