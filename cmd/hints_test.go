package cmd

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/awskeep/awskeep/profiles"
	"github.com/awskeep/awskeep/sts"
	"github.com/awskeep/awskeep/vault"
	"github.com/spf13/cobra"
)

// hintCase is an error as a command meets it, and the commands that can
// print it (nil: any command, since keyring, config and AWS errors reach
// every command that opens them).
type hintCase struct {
	name string
	err  error
	cmds []string
}

var sessionCommands = []string{"exec", "export", "credential-process", "login"}

func hintCases() []hintCase {
	rejected := &sts.RejectedKeyError{KeyID: "AKIAEXAMPLEEXAMPLE01", Code: "InvalidClientTokenId", Operation: "sts:GetCallerIdentity", Endpoint: "https://sts.amazonaws.com"}
	wrongSecret := &sts.RejectedKeyError{KeyID: "AKIAEXAMPLEEXAMPLE01", Code: "SignatureDoesNotMatch", Operation: "sts:GetCallerIdentity"}
	session := &sts.RejectedKeyError{KeyID: "ASIAEXAMPLEEXAMPLE01", Code: "InvalidClientTokenId", Operation: "sts:AssumeRole", WithSessionToken: true}
	expired := &sts.ExpiredTokenError{Operation: "sts:AssumeRole", Message: "The security token included in the request is expired"}
	unreachable := &sts.UnreachableError{Operation: "sts:GetCallerIdentity", Endpoint: "https://sts.amazonaws.com", Err: errors.New("dial tcp: connection refused")}
	denied := &sts.AccessDeniedError{Operation: "iam:ListAccessKeys", Message: "User: arn:aws:iam::111111111111:user/alice is not authorized"}
	used := func(err error, kind profiles.SourceKind) error {
		return &sts.CredentialsError{Profile: "prod", Owner: "base", Kind: kind, Command: "op-aws base", MaskedKeyID: "AKIA…LE01", AddedAt: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), Err: err}
	}
	cases := []hintCase{
		{name: "rejected key, bare", err: rejected},
		{name: "rejected key, used", err: used(rejected, profiles.SourceStoredKey)},
		{name: "rejected process credentials", err: used(rejected, profiles.SourceProcess)},
		{name: "rejected session", err: used(session, profiles.SourceStoredKey)},
		{name: "rejected session, bare", err: session},
		{name: "wrong secret", err: used(wrongSecret, profiles.SourceStoredKey)},
		{name: "rejected, not stored", err: &keyNotStoredError{profile: "work", err: rejected}, cmds: []string{"add", "profile import"}},
		{name: "wrong secret, not stored", err: &keyNotStoredError{profile: "work", err: wrongSecret}, cmds: []string{"add", "profile import"}},
		{name: "unreachable, not stored", err: &keyNotStoredError{profile: "work", err: unreachable}, cmds: []string{"add", "profile import"}},
		{name: "unreachable", err: used(unreachable, profiles.SourceStoredKey)},
		{name: "unreachable, bare", err: unreachable},
		{name: "expired token", err: used(expired, profiles.SourceStoredKey)},
		{name: "expired token, bare", err: expired},
		{name: "denied", err: denied},
		{name: "denied with MFA", err: &sts.AccessDeniedError{Operation: "sts:GetSessionToken", Message: "MultiFactorAuthentication failed", MFASent: true}},
		{name: "clock skew", err: &sts.ClockSkewError{Operation: "sts:GetCallerIdentity", Code: "RequestExpired"}},
		{name: "AWS error", err: used(&sts.APIError{Code: "ValidationError", Message: "1 validation error", Operation: "sts:AssumeRole", HTTPStatus: 400, RequestID: "r-1"}, profiles.SourceStoredKey)},
		{name: "AWS error, not stored", err: &keyNotStoredError{profile: "work", err: &sts.APIError{Code: "InternalFailure", Operation: "sts:GetCallerIdentity", HTTPStatus: 500}}, cmds: []string{"add", "profile import"}},
		{name: "not an AWS answer", err: used(&sts.BadAnswerError{Operation: "sts:AssumeRole", Endpoint: "http://127.0.0.1:9", HTTPStatus: 502, Attempts: 3}, profiles.SourceStoredKey)},
		{name: "not an AWS answer, not stored", err: &keyNotStoredError{profile: "work", err: &sts.BadAnswerError{Operation: "sts:GetCallerIdentity", Endpoint: "http://127.0.0.1:9", HTTPStatus: 404}}, cmds: []string{"add", "profile import"}},
		{name: "throttled", err: &sts.ThrottledError{Operation: "sts:AssumeRole", Code: "Throttling", Attempts: 5}},

		{name: "rotation refused", err: &sts.RotateError{Profile: "work", StoredKeyID: "AKIAEXAMPLEEXAMPLE01", Err: denied}, cmds: []string{"rotate"}},
		{name: "rotation rejected", err: &sts.RotateError{Profile: "work", StoredKeyID: "AKIAEXAMPLEEXAMPLE01", Err: rejected}, cmds: []string{"rotate"}},
		{name: "rotation expired", err: &sts.RotateError{Profile: "work", StoredKeyID: "AKIAEXAMPLEEXAMPLE01", Err: expired}, cmds: []string{"rotate"}},
		{name: "rotation stopped", err: &sts.RotateError{Profile: "work", Step: sts.RotateStored, StoredKeyID: "AKIAEXAMPLEEXAMPLE01", Err: unreachable}, cmds: []string{"rotate"}},
		{name: "key slots full", err: &sts.KeySlotsFullError{Profile: "work", UserName: "alice", StoredKeyID: "AKIAEXAMPLEEXAMPLE01",
			Others: []sts.AccessKeyUse{{KeyID: "AKIAEXAMPLEEXAMPLE02", Status: "Active"}}}, cmds: []string{"rotate"}},
		{name: "not a user key", err: &sts.NotAUserKeyError{Profile: "work", ARN: "arn:aws:sts::1:assumed-role/r/s"}, cmds: []string{"rotate"}},
		{name: "rotate the source", err: &rotateSourceError{profile: "prod", source: "base"}, cmds: []string{"rotate"}},

		{name: "sso login needed", err: &sts.SSOLoginRequiredError{Session: "corp", Profile: "dev", Reason: sts.SSONoToken}},
		{name: "sso legacy expired", err: &sts.SSOLoginRequiredError{StartURL: "https://corp.awsapps.com/start", Profile: "dev", Reason: sts.SSOTokenExpired, Legacy: true}},
		{name: "sso login denied", err: &sts.SSOLoginError{Session: "corp", Reason: sts.SSOLoginDenied}},
		{name: "sso login timed out", err: &sts.SSOLoginError{Session: "corp", Reason: sts.SSOLoginTimedOut}},
		{name: "sso state mismatch", err: &sts.SSOLoginError{Session: "corp", Reason: sts.SSOLoginStateMismatch}},
		{name: "sso unauthorized", err: &sts.SSOUnauthorizedError{Session: "corp", Err: errors.New("401")}},
		{name: "sso no role", err: &sts.SSORoleError{Profile: "dev", AccountID: "111111111111", RoleName: "Admin", Err: errors.New("403")}},
		{name: "sso service", err: &sts.SSOServiceError{Operation: "GetRoleCredentials", Endpoint: "https://portal.sso.eu-west-1.amazonaws.com", Err: errors.New("dial tcp")}},
		{name: "sso token file", err: &sts.TokenFileError{Path: "/home/u/.aws/sso/cache/x.json", Err: errors.New("no accessToken")}},

		{name: "console refused", err: &sts.ConsoleRefusedError{Profile: "prod", Reason: "--duration 13h is outside the console's 15m to 12h", Fix: "--duration between 15m and 12h"}, cmds: []string{"login"}},
		{name: "signin failed", err: &sts.SigninFailedError{Endpoint: "https://signin.aws.amazon.com/federation", Status: 400, Message: "bad"}, cmds: []string{"login"}},

		{name: "web identity expired", err: &sts.WebIdentityError{Profile: "ci", TokenFile: "/var/run/token", RoleARN: "arn:aws:iam::1:role/ci", Err: expired}},
		{name: "web identity rejected", err: &sts.WebIdentityError{Profile: "ci", TokenFile: "/var/run/token", RoleARN: "arn:aws:iam::1:role/ci", Err: &sts.APIError{Code: "InvalidIdentityToken", Message: "bad"}}},
		{name: "web identity without role", err: &sts.NoSourceRoleError{Profile: "ci", TokenFile: "/var/run/token"}},
		{name: "credential_source env", err: &sts.CredentialSourceError{Profile: "ci", Source: sts.CredentialSourceEnvironment, Reason: "no variables"}},
		{name: "credential_source other", err: &sts.CredentialSourceError{Profile: "ci", Source: "Nowhere", File: "/home/u/.aws/config", Line: 3, Reason: "unknown"}},

		{name: "need passphrase", err: &needPassphraseError{dir: "/home/u/.awskeep/keys"}},
		{name: "passphrase mismatch", err: &passphraseMismatchError{dir: "/home/u/.awskeep/keys"}},
		{name: "unlock unavailable", err: &vault.UnlockUnavailableError{Err: errors.New("EPERM")}},
		{name: "damaged store", err: &vault.DamagedStoreError{Dir: "/home/u/.awskeep/keys", Err: errors.New("bad header")}},
		{name: "damaged key", err: &vault.DamagedItemError{Name: "awskeep.key.work", Kind: "key", Profile: "work", Err: errors.New("authentication failed")}},
		{name: "damaged journal", err: &vault.DamagedItemError{Name: "awskeep.rotation.work", Kind: "rotation journal", Profile: "work", Err: errors.New("authentication failed")}, cmds: []string{"rotate", "doctor", "remove"}},
		{name: "damaged session", err: &vault.DamagedItemError{Name: "awskeep.session.x", Kind: "session", Profile: "work", Err: errors.New("authentication failed")}},
		{name: "damaged item", err: &vault.DamagedItemError{Name: "awskeep.x", Err: errors.New("authentication failed")}},
		{name: "not the file backend", err: &vault.BackendError{Backend: "secret-service", Err: vault.ErrNotFileBackend}, cmds: []string{"unlock", "lock", "keyring passwd"}},
		{name: "no file store", err: vault.ErrNoFileStore, cmds: []string{"unlock", "lock", "keyring passwd"}},

		{name: "credential_process loop", err: &sts.CredentialProcessLoopError{Profile: "prod-cli", Command: "awskeep credential-process prod"}},
		{name: "aws-vault passphrase", err: &vault.AWSVaultPassphraseError{Dir: "/home/u/.awsvault/keys", Item: "work"}, cmds: []string{"profile import"}},
		{name: "aws-vault backend", err: &vault.AWSVaultBackendError{Backend: "kwallet", Err: errors.New("no")}, cmds: []string{"profile import"}},
		{name: "aws-vault missing", err: &vault.AWSVaultNotFoundError{Profile: "work", Backend: "file", Where: "/home/u/.awsvault/keys"}, cmds: []string{"profile import"}},
		{name: "credential_process failed", err: &sts.CredentialProcessError{Profile: "base", Command: "op-aws base", Reason: "failed: exit status 1"}},
		{name: "no stored key", err: &sts.NoStoredKeyError{Profile: "prod", Owner: "base", Backend: "file"}},
		{name: "awskeep's own credential_process", err: &sts.NoStoredKeyError{Profile: "prod-cli", Owner: "prod-cli", Backend: "file", AwskeepProcess: "awskeep credential-process prod"}},
		{name: "built on awskeep's own credential_process", err: &sts.NoStoredKeyError{Profile: "deploy", Owner: "prod-cli", Backend: "file", AwskeepProcess: "awskeep credential-process prod"}},
		{name: "awskeep's own credential_process, for itself", err: &sts.NoStoredKeyError{Profile: "prod-cli", Owner: "prod-cli", Backend: "file", AwskeepProcess: "awskeep credential-process"}},
		{name: "plain-text key", err: &sts.PlainTextKeyError{Profile: "prod", Owner: "base", File: "/home/u/.aws/credentials", Line: 2}},
		{name: "no MFA code", err: &mfaCodeError{profile: "base", serial: "arn:aws:iam::1:mfa/alice", reason: "there is no terminal to ask on"}},
		{name: "wrong passphrase", err: &vault.WrongPassphraseError{Dir: "/home/u/.awskeep/keys"}},
		{name: "no collection", err: &vault.CollectionNotFoundError{Name: "login", Available: []string{"default"}}},
		{name: "locked keyring", err: &vault.LockedError{Backend: "secret-service", Name: "login"}},
		{name: "backend", err: &vault.BackendError{Backend: "secret-service", Err: vault.ErrNoSessionBus}},

		{name: "sso config", err: &profiles.SSOConfigError{Profile: "dev", File: "/home/u/.aws/config", Line: 3, Msg: "sso_region is missing", Fix: "add sso_region to [sso-session corp]"}},
		{name: "not sso", err: &profiles.NotSSOError{Profile: "work"}, cmds: []string{"sso login", "sso logout", "sso populate"}},
		{name: "unknown profile", err: &profiles.UnknownProfileError{Name: "wrok", Suggestions: []string{"work"}}},
		{name: "unknown profile, unread", err: &profiles.UnknownProfileError{Name: "dev", Unread: " profile dev ", UnreadFile: "/home/u/.aws/config", UnreadLine: 1}},
		{name: "cycle", err: &profiles.CycleError{Path: []string{"a", "b", "a"}}},
		{name: "missing source", err: &profiles.MissingSourceError{Profile: "prod", Source: "base"}},
		{name: "parse", err: &profiles.ParseError{File: "/home/u/.aws/config", Line: 4, Msg: "duplicate key"}},
		{name: "no source", err: &profiles.NoSourceError{Profile: "prod", RoleARN: "arn:aws:iam::1:role/r"}},
		{name: "invalid value", err: &profiles.InvalidValueError{Profile: "prod", Key: "duration_seconds", Value: "x", File: "/home/u/.aws/config", Line: 5, Msg: "is not a number"}},

		{name: "command not found", err: &commandStartError{name: "terrafrom", err: fmt.Errorf("exec: %w", fs.ErrNotExist)}, cmds: []string{"exec"}},
		{name: "command not executable", err: &commandStartError{name: "./run.sh", err: fs.ErrPermission}, cmds: []string{"exec"}},
	}
	return cases
}

// placeholders are words that stand for a value the user must fill in.
// A hint says the real value (the profile's name) or none.
var placeholders = regexp.MustCompile(`\b(PROFILE|NAME|OTHER|ACCOUNT|CODE|DURATION|BACKEND|CMD|KEY|VALUE|ROLE|SERIAL|ID|PROFILE_NAME)\b|<[^>]*>`)

// TestHintsApplyToTheCommand renders every error for every command that
// can print it and checks each hint against that command: a flag offered
// as the printing command's own ("run it again with --refresh") is one it
// has; a command line it quotes ('awskeep clear work') is a real command
// with real flags; and no hint or message leaves a placeholder for the user
// to fill.
func TestHintsApplyToTheCommand(t *testing.T) {
	te := newTestEnv(t)
	root := newRootCmd(te.f)
	var all []*cobra.Command
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Runnable() && c != root {
			all = append(all, c)
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
	for _, tc := range hintCases() {
		cmds := all
		if tc.cmds != nil {
			cmds = nil
			for _, path := range tc.cmds {
				c, _, err := root.Find(strings.Fields(path))
				if err != nil || c == root {
					t.Fatalf("%s: no command %q", tc.name, path)
				}
				cmds = append(cmds, c)
			}
		}
		for _, c := range cmds {
			e := explainFor(tc.err, hintsFor(c))
			if e.message == "" {
				t.Errorf("%s, %s: no message", tc.name, c.CommandPath())
			}
			if m := placeholders.FindString(e.message); m != "" {
				t.Errorf("%s, printed by %s: placeholder %q in the message: %s", tc.name, c.CommandPath(), m, e.message)
			}
			for _, h := range e.hints {
				for _, problem := range hintProblems(root, c, h) {
					t.Errorf("%s, printed by %s: %s\n  hint: %s", tc.name, c.CommandPath(), problem, h)
				}
			}
		}
	}
}

var (
	flagPattern   = regexp.MustCompile(`(^|[\s('"])(--[a-z][a-z0-9-]*)`)
	invokePattern = regexp.MustCompile(`(^|[\s('":])(awskeep|aws|ykman|op|timedatectl|chmod) `)
)

// hintProblems lists what is wrong with hint h printed by command c.
func hintProblems(root, c *cobra.Command, h string) []string {
	var problems []string
	if m := placeholders.FindString(h); m != "" {
		problems = append(problems, fmt.Sprintf("placeholder %q", m))
	}
	rest := h // h without the command lines it quotes
	for _, loc := range invokePattern.FindAllStringSubmatchIndex(h, -1) {
		start := loc[4]
		quoted := start > 0 && (h[start-1] == '\'' || h[start-1] == '"')
		words, end := commandWords(h[start:], quoted)
		if words[0] == "awskeep" && !isAwskeepCommand(root, words) {
			continue // prose: "awskeep uses it because ..."
		}
		rest = strings.Replace(rest, h[start:start+end], strings.Repeat(" ", end), 1)
		if words[0] != "awskeep" {
			continue // another program's flags
		}
		problems = append(problems, invocationProblems(root, words)...)
	}
	for _, m := range flagPattern.FindAllStringSubmatch(rest, -1) {
		flag := strings.TrimPrefix(m[2], "--")
		if c.Flag(flag) == nil && flag != "help" {
			problems = append(problems, fmt.Sprintf("names --%s, which %s does not have", flag, c.CommandPath()))
		}
	}
	return problems
}

// commandWords reads a command line at the start of s: to the closing quote
// when it is quoted, else to the end of its clause (a comma, semicolon,
// closing parenthesis or full stop, or a word in parentheses). Single
// quotes inside it group an argument. It returns the words and how many
// bytes of s they took.
func commandWords(s string, quoted bool) ([]string, int) {
	var words []string
	var word strings.Builder
	inQuote := false
	i := 0
	flush := func() {
		if word.Len() > 0 {
			words = append(words, word.String())
			word.Reset()
		}
	}
	for ; i < len(s); i++ {
		ch := s[i]
		switch {
		case quoted && ch == '\'':
			flush()
			return words, i
		case ch == '\'' && !quoted:
			inQuote = !inQuote
		case inQuote:
			word.WriteByte(ch)
		case ch == ' ':
			flush()
			if !quoted && i+1 < len(s) && s[i+1] == '(' {
				return words, i
			}
		case !quoted && strings.IndexByte(",;)", ch) >= 0:
			flush()
			return words, i
		case !quoted && ch == '.' && (i+1 == len(s) || s[i+1] == ' '):
			flush()
			return words, i
		default:
			word.WriteByte(ch)
		}
	}
	flush()
	return words, i
}

// isAwskeepCommand tells a command line from prose that names awskeep.
func isAwskeepCommand(root *cobra.Command, words []string) bool {
	if len(words) < 2 || strings.HasPrefix(words[1], "-") {
		return true
	}
	c, _, err := root.Find(words[1:2])
	return err == nil && c != root
}

// invocationProblems checks an awskeep command line: a real command, and
// flags it has.
func invocationProblems(root *cobra.Command, words []string) []string {
	var problems []string
	var path []string
	for _, w := range words[1:] {
		if strings.HasPrefix(w, "-") {
			break
		}
		path = append(path, w)
	}
	target, _, err := root.Find(path)
	if err != nil || (target == root && len(path) > 0) {
		return []string{fmt.Sprintf("quotes %q, which is no awskeep command", strings.Join(words, " "))}
	}
	for _, w := range words[1:] {
		if !strings.HasPrefix(w, "--") {
			continue
		}
		flag, _, _ := strings.Cut(strings.TrimPrefix(w, "--"), "=")
		if target.Flag(flag) == nil && flag != "help" {
			problems = append(problems, fmt.Sprintf("quotes %q with --%s, which %s does not have", strings.Join(words, " "), flag, target.CommandPath()))
		}
	}
	return problems
}

// A profile whose credential_process runs awskeep for another profile is
// for other tools: asked for it, awskeep says which profile to ask for, in
// the words of the command that was run, whatever form the command takes.
func TestAwskeepProcessProfileNamesItsTarget(t *testing.T) {
	for _, process := range []string{
		"awskeep credential-process prod",
		"env AWSKEEP_BACKEND=file /usr/local/bin/awskeep credential-process --region eu-west-1 prod",
		"sh -c 'awskeep credential-process prod'",
	} {
		te := newTestEnv(t)
		te.writeFile(t, ".aws/config", "[profile prod]\nregion = eu-west-1\n[profile prod-cli]\ncredential_process = "+process+"\n"+
			"[profile deploy]\nsource_profile = prod-cli\nrole_arn = arn:aws:iam::111111111111:role/deploy\n")
		for _, tc := range []struct {
			args []string
			want string
		}{
			{[]string{"exec", "prod-cli", "--", "true"}, "awskeep exec prod"},
			{[]string{"export", "prod-cli"}, "awskeep export prod"},
			{[]string{"export", "deploy"}, "awskeep profile set deploy source_profile=prod"},
		} {
			if code := te.run(tc.args...); code != exitFailure {
				t.Errorf("%q: %v: exit %d\n%s", process, tc.args, code, te.stderr)
			}
			got := te.stderr.String()
			mustContain(t, fmt.Sprintf("%q: %v", process, tc.args), got, "is how other tools reach awskeep", tc.want)
			if strings.Contains(got, "awskeep add prod-cli") {
				t.Errorf("%q: %v: suggests storing a key for prod-cli:\n%s", process, tc.args, got)
			}
		}
	}
}
