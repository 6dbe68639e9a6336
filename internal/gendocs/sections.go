package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Sections cobra does not write: awskeep(1) gets ENVIRONMENT, EXIT STATUS
// and FILES in full; every other page gets EXIT STATUS and points to
// awskeep(1) for the rest. The facts are those of docs/configuration.md and
// docs/troubleshooting.md.

type manItem struct{ term, text string }

var environment = []manItem{
	{"AWSKEEP_BACKEND", "Keyring backend: secret-service, keychain, wincred, pass, keyctl or file. --backend overrides it. Default: chosen for the system."},
	{"AWSKEEP_FILE_DIR", "Directory of the file backend. Default: ~/.awskeep/keys."},
	{"AWSKEEP_FILE_PASSPHRASE", "Passphrase of the file backend, for machines without a terminal."},
	{"AWSKEEP_PASS_DIR, AWSKEEP_PASS_CMD", "Password store and program of the pass backend. Defaults: PASSWORD_STORE_DIR or ~/.password-store; pass."},
	{"AWSKEEP_SECRET_SERVICE_COLLECTION", "Secret Service collection (alias, object-path name or label). Default: login."},
	{"AWSKEEP_KEYCTL_SCOPE, AWSKEEP_KEYCTL_KEYRING", "Kernel keyring scope and name of the keyctl backend. Defaults: user; awskeep."},
	{"AWSKEEP_LOCK_DIR", "Directory of lock files. Default: $XDG_RUNTIME_DIR/awskeep when that directory exists and takes a file, else ~/.awskeep/locks. A leading ~ in AWSKEEP_LOCK_DIR, AWSKEEP_FILE_DIR and AWSKEEP_PASS_DIR means the home directory."},
	{"AWSKEEP_SSO_TOKENS", "keyring keeps IAM Identity Center tokens in the keyring only; file (the default) uses ~/.aws/sso/cache."},
	{"AWSKEEP_ROTATE_AFTER", "Default key age for rotation reminders, such as 90d (the default)."},
	{"AWSKEEP", "Set by exec in its child to the profile name; exec refuses to run while it is set."},
	{"AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE", "The AWS config and credentials files. Defaults: ~/.aws/config, ~/.aws/credentials."},
	{"AWS_PROFILE", "The profile of exec and export when none is given."},
	{"AWS_REGION, AWS_DEFAULT_REGION", "Region, over the profile's region."},
	{"AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_IAM", "Endpoints, over the profile's endpoint_url."},
	{"AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY", "Read only by add --env."},
	{"HTTPS_PROXY, HTTP_PROXY, NO_PROXY", "Proxy for calls to AWS."},
	{"SHELL", "The command exec runs when none is given (/bin/sh if unset)."},
}

var exitStatus = []manItem{
	{"0", "Success."},
	{"1", "Failure: the message says what went wrong and what to do."},
	{"2", "Usage error: an unknown command or flag, or wrong arguments."},
	{"3", "AWS rejected a stored long-term key (revoked, deleted, or a wrong secret)."},
	{"126", "exec found the command but could not execute it."},
	{"127", "exec could not find the command."},
	{"other", "exec exits with its command's code; a command killed by a signal gives 128 + the signal number."},
}

var files = []manItem{
	{"~/.aws/config", "Profiles; add, profile set, profile delete and profile import edit it, line by line."},
	{"~/.aws/credentials", "Profiles; profile import removes the key lines it moved into the keyring."},
	{"~/.awskeep/keys", "The file backend's encrypted store."},
	{"$XDG_RUNTIME_DIR/awskeep, ~/.awskeep/locks", "Lock files that keep parallel runs to one STS call and one prompt."},
	{"~/.awskeep/reminded", "Stamps that limit rotation reminders to one a day."},
	{"~/.aws/sso/cache", "IAM Identity Center tokens, shared with the AWS CLI."},
}

func roffEscape(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}

func roffSection(title string, items []manItem) string {
	var b strings.Builder
	fmt.Fprintf(&b, ".SH %s\n", title)
	for _, it := range items {
		fmt.Fprintf(&b, ".TP\n\\fB%s\\fP\n%s\n", roffEscape(it.term), roffEscape(it.text))
	}
	return b.String() + "\n"
}

// addManSections puts the sections before SEE ALSO of every page in dir.
func addManSections(dir string) error {
	pages, err := filepath.Glob(filepath.Join(dir, "*.1"))
	if err != nil {
		return err
	}
	full := roffSection("ENVIRONMENT", environment) + roffSection("EXIT STATUS", exitStatus) + roffSection("FILES", files)
	short := roffSection("EXIT STATUS", exitStatus) + ".SH ENVIRONMENT AND FILES\nSee \\fBawskeep(1)\\fP.\n\n"
	for _, p := range pages {
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		add := short
		if filepath.Base(p) == "awskeep.1" {
			add = full
		}
		at := bytes.Index(b, []byte(".SH SEE ALSO"))
		if at < 0 {
			return fmt.Errorf("%s: no SEE ALSO section", p)
		}
		out := append(append(append([]byte{}, b[:at]...), add...), b[at:]...)
		if err := os.WriteFile(p, out, 0o644); err != nil {
			return err
		}
	}
	return nil
}
