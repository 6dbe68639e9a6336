package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// terraform is a real client of credential_process and of exec's
// environment: the hashicorp/aws provider reads the shared config through
// the Go SDK. Both come from this machine (terraform on PATH, the provider
// in a filesystem mirror); the test fails, never skips, when either is
// missing, so CI cannot pass without them.

// tfMirrorCandidates are where a filesystem mirror of the provider is
// looked for, after $TEST_TF_PROVIDER_MIRROR.
var tfMirrorCandidates = []string{
	"/opt/tf-plugins",
	"/usr/share/terraform/plugins",
	"/usr/local/share/terraform/plugins",
	"$HOME/.terraform.d/plugins",
	"$HOME/.local/share/terraform/plugins",
}

const tfProvider = "registry.terraform.io/hashicorp/aws"

// terraformSetup finds terraform and the provider mirror, or fails.
func terraformSetup(t *testing.T) (bin, mirror string) {
	t.Helper()
	bin, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatalf("terraform is NOT INSTALLED (not on PATH): the terraform e2e test needs terraform >= 1.5 and the " +
			"hashicorp/aws provider in a filesystem mirror; it never skips")
	}
	candidates := tfMirrorCandidates
	if env := os.Getenv("TEST_TF_PROVIDER_MIRROR"); env != "" {
		candidates = []string{env}
	}
	for _, c := range candidates {
		c = os.ExpandEnv(c)
		if matches, _ := filepath.Glob(filepath.Join(c, tfProvider, "*", "*", "terraform-provider-aws*")); len(matches) > 0 {
			return bin, c
		}
	}
	t.Fatalf("no filesystem mirror of %s found in %v (set TEST_TF_PROVIDER_MIRROR to the directory holding %s/VERSION/OS_ARCH/); "+
		"the terraform e2e test never skips", tfProvider, candidates, tfProvider)
	return "", ""
}

const tfConfig = `
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

provider "aws" {
  region                      = "us-east-1"
  skip_region_validation      = true
  skip_metadata_api_check     = true
  skip_credentials_validation = false
  skip_requesting_account_id  = false
  max_retries                 = 1
  endpoints {
    sts = %q
    iam = %q
  }
}

data "aws_caller_identity" "me" {}

output "caller_arn" {
  value = data.aws_caller_identity.me.arn
}
`

// TestTerraformPlanThroughAwskeep: terraform plan reads aws_caller_identity
// as the assumed role, once through credential_process = awskeep
// credential-process deploy (AWS_PROFILE=deploy-cli) and once under
// awskeep exec deploy -- terraform plan. The second plan is served from the
// session the first cached: no AssumeRole.
func TestTerraformPlanThroughAwskeep(t *testing.T) {
	bin, mirror := terraformSetup(t)
	s := newRoleSetup(t, "file")
	s.u.writeFile(".aws/config", s.u.readFile(".aws/config")+
		fmt.Sprintf("\n[profile deploy-cli]\ncredential_process = %s credential-process deploy\n", awskeepBin))

	work := filepath.Join(s.u.home, "tf")
	cliConfig := filepath.Join(s.u.home, "terraform.tfrc")
	// The mirror doubles as the plugin cache, so init links the 700 MB
	// provider instead of copying it.
	s.u.writeFile("terraform.tfrc", fmt.Sprintf(`plugin_cache_dir = %q
plugin_cache_may_break_dependency_lock_file = true
provider_installation {
  filesystem_mirror {
    path    = %q
    include = [%q]
  }
}
`, mirror, mirror, tfProvider))
	s.u.writeFile("tf/main.tf", fmt.Sprintf(tfConfig, moto.Endpoint, moto.Endpoint))
	tfEnv := []string{"TF_CLI_CONFIG_FILE=" + cliConfig, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "TF_INPUT=0"}

	terraform := func(env []string, args ...string) (string, error) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, args[0], args[1:]...)
		cmd.Dir = work
		cmd.Env = append(append(append([]string{}, s.u.env...), tfEnv...), env...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := terraform(nil, bin, "init", "-input=false", "-no-color"); err != nil {
		t.Fatalf("terraform init from the mirror %s: %v\n%s", mirror, err, out)
	}

	wantARN := "arn:aws:sts::123456789012:assumed-role/" + roleName(s.roleARN) + "/"
	moto.StartRecording(t)
	out, err := terraform([]string{"AWS_PROFILE=deploy-cli"}, bin, "plan", "-input=false", "-no-color", "-refresh=true")
	if err != nil {
		t.Fatalf("terraform plan with credential_process: %v\n%s", err, out)
	}
	contains(t, "plan through credential_process", out, `caller_arn = "`+wantARN)

	out, err = terraform(nil, awskeepBin, "exec", "deploy", "--", bin, "plan", "-input=false", "-no-color", "-refresh=true")
	if err != nil {
		t.Fatalf("awskeep exec deploy -- terraform plan: %v\n%s", err, out)
	}
	contains(t, "plan under exec", out, `caller_arn = "`+wantARN)

	reqs := moto.Recorded(t)
	if n := stsCalls(reqs, "AssumeRole"); n != 1 {
		t.Errorf("AssumeRole called %d times for two plans, want 1 (the second from the cache)", n)
	}
	var asRole int
	for _, r := range reqs {
		if r.Action == "GetCallerIdentity" && strings.HasPrefix(r.AccessKeyID, "ASIA") {
			asRole++
		}
	}
	if asRole < 2 {
		t.Errorf("terraform's GetCallerIdentity signed by the role session %d times, want at least one per plan", asRole)
	}
}
