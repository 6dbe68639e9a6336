package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// onTerminal runs awskeep on a terminal (stdout to a file, as under
// credential_process) and answers the first prompt containing prompt with
// answer once the terminal stops echoing; it returns the terminal
// transcript and awskeep's stdout.
func (u *user) onTerminal(t *testing.T, env []string, prompt, answer string, args ...string) (terminal, stdout string, code int) {
	t.Helper()
	spec := ptySpec{Stdout: u.stdoutFile()}
	if prompt != "" {
		spec.Steps = []ptyStep{{Wait: prompt, Send: answer + "\n", Hidden: true}}
	}
	return u.onPTY(t, env, spec, args...)
}

// TestMFAPromptOnTerminalUnderCredentialProcess: the MFA code is asked on the
// controlling terminal, not on stdout, so credential_process works.
func TestMFAPromptOnTerminalUnderCredentialProcess(t *testing.T) {
	u := newUser(t, "file")
	kim, device := moto.CreateMFAUser(t, "kim")
	u.ok(kim.Key.AccessKeyID+"\n"+kim.Key.SecretAccessKey+"\n", "add", "kim")
	serial := device.Serial
	u.ok("", "profile", "set", "kim", "mfa_serial="+serial)

	moto.StartRecording(t)
	typed := device.Code()
	terminal, stdout, code := u.onTerminal(t, nil, "MFA code for", typed, "credential-process", "kim")
	if code != 0 {
		t.Fatalf("exit %d; terminal:\n%s", code, terminal)
	}
	contains(t, "terminal", terminal, "MFA code for "+serial)
	if strings.Contains(terminal, typed+"\r\n") {
		t.Errorf("the MFA code was echoed as it was typed:\n%s", terminal)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(stdout), &out); err != nil || out["Version"] != float64(1) {
		t.Fatalf("stdout is not just the JSON: %q", stdout)
	}
	if strings.Contains(stdout, "MFA") {
		t.Errorf("prompt on stdout: %q", stdout)
	}
	if got := moto.CallerARN(t, processCredentials(t, stdout)); got != kim.ARN {
		t.Errorf("the MFA session is %s, want kim %s", got, kim.ARN)
	}
	var sent []string
	for _, r := range moto.Recorded(t) {
		if r.Action == "GetSessionToken" {
			sent = append(sent, r.Params.Get("SerialNumber")+" "+r.Params.Get("TokenCode"))
		}
	}
	if strings.Join(sent, ",") != serial+" "+typed {
		t.Errorf("GetSessionToken sent %v, want one with the typed code", sent)
	}
}

// TestCredentialProcessReminderOnTerminalOncePerDay: a due key's reminder
// goes to the terminal, never to stdout, and only once a day.
func TestCredentialProcessReminderOnTerminalOncePerDay(t *testing.T) {
	u := newUser(t, "file")
	lee := moto.CreateUser(t, "lee")
	u.ok(lee.Key.AccessKeyID+"\n"+lee.Key.SecretAccessKey+"\n", "add", "lee")
	waitPastOneSecond()
	env := []string{"AWSKEEP_ROTATE_AFTER=1s"}
	terminal, stdout, code := u.onTerminal(t, env, "", "", "credential-process", "lee", "--no-session")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, terminal)
	}
	contains(t, "terminal", terminal, "reminder", "awskeep rotate lee")
	if strings.Contains(stdout, "rotate") {
		t.Errorf("reminder on stdout: %q", stdout)
	}
	terminal, _, _ = u.onTerminal(t, env, "", "", "credential-process", "lee", "--no-session")
	if strings.Contains(terminal, "reminder") {
		t.Errorf("second reminder the same day: %q", terminal)
	}
}
