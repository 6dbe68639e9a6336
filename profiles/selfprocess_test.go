package profiles

import "testing"

func TestAwskeepProfile(t *testing.T) {
	for _, tc := range []struct {
		command string
		profile string
		runs    bool
	}{
		{"awskeep credential-process prod", "prod", true},
		{"/usr/local/bin/awskeep credential-process prod", "prod", true},
		{`"C:\Program Files\awskeep\awskeep.exe" credential-process prod`, "prod", true},
		{"env AWSKEEP_BACKEND=file awskeep credential-process prod", "prod", true},
		{"env -i HOME=/home/u /opt/awskeep credential-process --refresh prod", "prod", true},
		{"/opt/awskeep-wrapper prod", "", false}, // another tool (it may run awskeep: the marker catches that)
		{"AWSKEEP_BACKEND=file ~/bin/awskeep credential-process prod", "prod", true},
		{"awskeep --backend file --debug credential-process --duration 1h prod --region eu-west-1", "prod", true},
		{"awskeep credential-process -t 123456 -n prod", "prod", true},
		{"awskeep credential-process --duration=2h prod", "prod", true},
		{"AWS_PROFILE=prod awskeep credential-process", "prod", true},
		{"awskeep credential-process", "", true},
		{"awskeep export prod --format json", "", true},
		{"sh -c 'awskeep credential-process prod'", "prod", true},
		{"/bin/bash -lc \"env X=1 awskeep credential-process 'my prod'\"", "my prod", true},
		{"aws-vault exec prod --json", "", false},
		{"/usr/bin/op-aws prod", "", false},
		{"sh ./wrapper.sh prod", "", false},
		{"", "", false},
	} {
		profile, runs := AwskeepProfile(tc.command)
		if profile != tc.profile || runs != tc.runs {
			t.Errorf("AwskeepProfile(%q) = %q, %v; want %q, %v", tc.command, profile, runs, tc.profile, tc.runs)
		}
		if RunsAwskeep(tc.command) != tc.runs {
			t.Errorf("RunsAwskeep(%q) = %v", tc.command, !tc.runs)
		}
	}
}
