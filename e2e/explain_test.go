package e2e

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

// TestRevokedKeyExplained deletes a stored key in IAM (as the admin) and
// checks that exec, export, credential-process (through the aws CLI) and
// doctor all say in words what happened, name the profile that owns the key,
// show the key masked, and give the fix.
func TestRevokedKeyExplained(t *testing.T) {
	s := newRoleSetup(t, "file")
	u, owner, keyID := s.u, "alice", s.alice.Key.AccessKeyID
	u.writeFile(".aws/config", u.readFile(".aws/config")+
		fmt.Sprintf("\n[profile deploy-cli]\ncredential_process = %s credential-process deploy\n", awskeepBin))
	// A session cached before the revocation, to be purged afterwards.
	u.ok("", "exec", "deploy", "--", "true")
	moto.DeleteAccessKey(t, s.alice, keyID)

	wantAll := []string{"profile " + owner, "…" + masked(keyID), "revoked", "deleted", "awskeep add " + owner, "awskeep remove " + owner}
	for _, args := range [][]string{
		{"exec", owner, "--", "true"},
		{"export", owner},
		{"exec", "deploy", "--refresh", "--", "true"},
		{"credential-process", "deploy", "--refresh"},
	} {
		r := u.run("", nil, args...)
		if r.code != 3 {
			t.Errorf("awskeep %v: exit %d, want 3 (AWS rejected the stored key)\n%s", args, r.code, r.stderr)
		}
		contains(t, fmt.Sprintf("awskeep %v stderr", args), r.stderr, wantAll...)
		if strings.Contains(r.stderr, keyID) {
			t.Errorf("awskeep %v printed the whole key id", args)
		}
		if args[1] == "deploy" {
			contains(t, "role profile explanation", r.stderr, "Profile deploy gets its key from alice")
		}
		if r.stdout != "" {
			t.Errorf("awskeep %v printed on stdout: %q", args, r.stdout)
		}
	}

	// The aws CLI shows credential_process's explanation to its user.
	cmd := exec.Command("aws", "sts", "get-caller-identity", "--profile", "deploy-cli")
	cmd.Env = append(u.env, "AWS_PROFILE=")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("aws CLI succeeded with a deleted key: %s", out)
	}
	contains(t, "aws CLI output", string(out), "revoked", "awskeep add alice")

	// Doctor says the same and exits 3.
	r := u.run("", nil, "doctor")
	if r.code != 3 {
		t.Errorf("doctor: exit %d, want 3\n%s%s", r.code, r.stdout, r.stderr)
	}
	contains(t, "doctor", r.stdout, "FAIL", "revoked", "awskeep add alice")

	// No cached session of the revoked key is left.
	if rows := listJSON(t, u); len(rows["deploy"].Sessions) != 0 {
		t.Errorf("sessions of the revoked key remain: %+v", rows["deploy"])
	}
}

// TestRotationReminders: with AWSKEEP_ROTATE_AFTER=1s a key soon becomes due,
// and exec, export and list remind on stderr, naming the profile and the fix.
func TestRotationReminders(t *testing.T) {
	u := newUser(t, "file")
	gina := moto.CreateUser(t, "gina")
	u.ok(gina.Key.AccessKeyID+"\n"+gina.Key.SecretAccessKey+"\n", "add", "gina")
	env := []string{"AWSKEEP_ROTATE_AFTER=1s"}
	waitPastOneSecond()
	for _, args := range [][]string{{"exec", "gina", "--no-session", "--", "true"}, {"export", "gina", "--no-session"}, {"list"}} {
		r := u.run("", env, args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d %s", args, r.code, r.stderr)
		}
		contains(t, fmt.Sprintf("%v stderr", args), r.stderr, "gina", "awskeep rotate gina")
		if strings.Contains(r.stdout, "rotate") {
			t.Errorf("%v put the reminder on stdout", args)
		}
	}
	// Without the short limit there is no reminder.
	if r := u.ok("", "export", "gina", "--no-session"); strings.Contains(r.stderr, "rotate") {
		t.Errorf("reminder for a new key: %s", r.stderr)
	}
	// credential-process never writes it to stdout or stderr (no terminal here).
	r := u.run("", env, "credential-process", "gina", "--no-session")
	if r.code != 0 || strings.Contains(r.stdout+r.stderr, "rotate") {
		t.Errorf("credential-process: %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

// TestExecNoSessionExplainsRejectedKeyAfterChild: a child using the
// long-term key fails; awskeep checks the key and explains after the child's
// own output, keeping the child's exit code.
func TestExecNoSessionExplainsRejectedKeyAfterChild(t *testing.T) {
	u := newUser(t, "file")
	hank := moto.CreateUser(t, "hank")
	u.ok(hank.Key.AccessKeyID+"\n"+hank.Key.SecretAccessKey+"\n", "add", "hank")
	moto.DeleteAccessKey(t, hank, hank.Key.AccessKeyID)

	r := u.run("", nil, "exec", "hank", "--no-session", "--", "aws", "sts", "get-caller-identity")
	if r.code == 0 || r.code == 3 {
		t.Fatalf("exit %d, want the aws CLI's own failure code\n%s", r.code, r.stderr)
	}
	child := strings.Index(r.stderr, "InvalidClientTokenId")
	ours := strings.Index(r.stderr, "awskeep: AWS rejected the key of profile hank")
	if child < 0 || ours < child {
		t.Errorf("want the aws CLI's error, then awskeep's explanation:\n%s", r.stderr)
	}
	contains(t, "stderr", r.stderr, "revoked", "awskeep add hank")

	// A child failing for its own reasons gets no explanation.
	u2 := newUser(t, "file")
	ivy := moto.CreateUser(t, "ivy")
	u2.ok(ivy.Key.AccessKeyID+"\n"+ivy.Key.SecretAccessKey+"\n", "add", "ivy")
	r = u2.run("", nil, "exec", "ivy", "--no-session", "--", "sh", "-c", "exit 4")
	if r.code != 4 || strings.Contains(r.stderr, "awskeep:") {
		t.Errorf("exit %d stderr %q", r.code, r.stderr)
	}
}

// TestDoctorFindsDeactivatedKeyAndPlainText: AWS refuses an inactive key like
// a deleted one (the harness's moto does too); doctor says the key was
// deleted or deactivated, exits 3, and still reports a plain-text key left
// in ~/.aws/credentials.
func TestDoctorFindsDeactivatedKeyAndPlainText(t *testing.T) {
	u := newUser(t, "file")
	mia := moto.CreateUser(t, "mia")
	moto.AllowUser(t, mia, "iam:ListAccessKeys", "iam:GetAccessKeyLastUsed")
	u.ok(mia.Key.AccessKeyID+"\n"+mia.Key.SecretAccessKey+"\n", "add", "mia")
	if r := u.run("", nil, "doctor", "mia"); r.code != 0 {
		t.Fatalf("doctor on a healthy key: exit %d\n%s", r.code, r.stdout)
	}
	moto.SetAccessKeyStatus(t, mia, mia.Key.AccessKeyID, "Inactive")
	u.writeFile(".aws/credentials", "[old]\naws_access_key_id = AKIAOLDOLDOLDOLDOLD1\naws_secret_access_key = "+strings.Repeat("o", 40)+"\n")

	r := u.run("", nil, "doctor", "--json")
	if r.code != 3 {
		t.Fatalf("doctor: exit %d, want 3 (AWS rejected the stored key)\n%s%s", r.code, r.stdout, r.stderr)
	}
	var report struct {
		Problems int
		Profiles []struct {
			Profile string
			Checks  []struct{ Check, Status, Message string }
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
		t.Fatalf("doctor --json printed %q", r.stdout)
	}
	found := map[string]string{}
	for _, p := range report.Profiles {
		for _, c := range p.Checks {
			if c.Status != "ok" {
				found[p.Profile+"/"+c.Check] = c.Message
			}
		}
	}
	if msg := found["mia/AWS accepts the key"]; !strings.Contains(msg, "deactivated") || !strings.Contains(msg, "InvalidClientTokenId") {
		t.Errorf("inactive key not reported: %v", found)
	}
	if !strings.Contains(found["old/plain-text key"], ".aws/credentials line 2") {
		t.Errorf("plain-text key not reported: %v", found)
	}
	if strings.Contains(r.stdout, strings.Repeat("o", 40)) {
		t.Error("doctor printed a plain-text secret")
	}
}
