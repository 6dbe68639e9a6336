package profiles

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// AwskeepProfile reads a credential_process command the way a shell would
// run it and reports whether it runs awskeep itself and, when it asks awskeep
// for a profile's credentials ("awskeep credential-process prod"), which
// profile (empty when that cannot be told). It sees through a path to the
// binary, an env prefix or VAR=value assignments ("env AWS_REGION=x
// /usr/local/bin/awskeep credential-process prod"), global flags, and
// "sh -c '…'". Such a profile is how other tools reach awskeep; awskeep
// itself asks for the profile the command names.
func AwskeepProfile(command string) (profile string, runs bool) {
	return awskeepProfile(command, 0)
}

var assignment = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

// Flags of awskeep (global and credential-process's) that take a value.
var awskeepValueFlags = map[string]bool{
	"--backend": true, "--duration": true, "-d": true, "--mfa-token": true, "-t": true, "--region": true,
}

func awskeepProfile(command string, depth int) (string, bool) {
	words, ok := shlexSplit(command)
	if !ok {
		words = strings.Fields(command)
	}
	env := map[string]string{}
	i := 0
	// env and its options, VAR=value assignments, in any order.
prefix:
	for i < len(words) {
		w := words[i]
		switch {
		case assignment.MatchString(w):
			name, value, _ := strings.Cut(w, "=")
			env[name] = value
			i++
		case programName(w) == "env":
			i++
			for i < len(words) && strings.HasPrefix(words[i], "-") {
				if words[i] == "-u" || words[i] == "--unset" || words[i] == "-C" || words[i] == "--chdir" {
					i++
				}
				i++
			}
		default:
			break prefix
		}
	}
	if i >= len(words) {
		return "", false
	}
	prog := words[i]
	args := words[i+1:]
	switch programName(prog) {
	case "sh", "bash", "dash", "zsh", "ksh":
		// sh -c 'awskeep credential-process prod'
		for j, a := range args {
			if strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && strings.Contains(a, "c") {
				if j+1 < len(args) && depth < 3 {
					return awskeepProfile(args[j+1], depth+1)
				}
				return "", false
			}
			if !strings.HasPrefix(a, "-") {
				break
			}
		}
		return "", false
	case "awskeep":
	default:
		self, err := os.Executable()
		if err != nil || filepath.Clean(strings.Trim(prog, `"'`)) != self {
			return "", false
		}
	}
	// awskeep [global flags] credential-process [flags] PROFILE [flags]
	sub := ""
	positional := []string{}
	for j := 0; j < len(args); j++ {
		a := args[j]
		switch {
		case a == "--":
			positional = append(positional, args[j+1:]...)
			j = len(args)
		case strings.HasPrefix(a, "-"):
			if awskeepValueFlags[a] {
				j++ // its value
			}
		case sub == "":
			sub = a
		default:
			positional = append(positional, a)
		}
	}
	if sub != "credential-process" {
		return "", true
	}
	if len(positional) > 0 {
		return positional[0], true
	}
	for _, v := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE"} {
		if p := env[v]; p != "" {
			return p, true
		}
	}
	return "", true
}

// programName is a command word's program: its base name, either path
// separator (a config file may come from Windows), without .exe.
func programName(word string) string {
	w := strings.Trim(word, `"'`)
	return strings.TrimSuffix(w[strings.LastIndexAny(w, `/\`)+1:], ".exe")
}
