package profiles

import (
	"fmt"
	"slices"
	"strings"
)

// Difference is a line that the AWS CLI (botocore, whose reading awskeep
// follows) and the Go SDK (and so terraform and most Go tools) read
// differently.
type Difference struct {
	File  string
	Line  int // 1-based
	CLI   string
	GoSDK string
	Fix   string
}

// SDKDifferences lists the lines of both files that the AWS CLI and the Go
// SDK read differently, in file order, each with what each of them reads
// and how to write it so that both agree.
func (s *Set) SDKDifferences() []Difference {
	out := s.config.sdkDifferences(s.paths.Config, true)
	return append(out, s.credentials.sdkDifferences(s.paths.Credentials, false)...)
}

// The Go SDK's rules (config/internal/ini and shared_config.go, read and
// run at v1.33): a line ends at "\n" only; a header is a line that, cut at
// its first # and then ;, trimmed, is "[...]", its name trimmed with the
// blanks after the first word made one space; a key line is cut at the
// first " #", " ;", "\t#" or "\t;", and a value in matching quotes loses
// them; an indented "k = v" after a key with a value is a key of its own;
// [DEFAULT] is a profile of that name; sections that read as one name merge, and
// [profile default] wins over [default].

// goHeader is the section name the Go SDK reads from a line, if it reads a
// header there.
func goHeader(text string) (string, bool) {
	t, _, _ := strings.Cut(text, "#")
	t, _, _ = strings.Cut(t, ";")
	t = strings.TrimSpace(t)
	if len(t) < 2 || t[0] != '[' || t[len(t)-1] != ']' {
		return "", false
	}
	inner := strings.TrimSpace(t[1 : len(t)-1])
	if i := strings.IndexAny(inner, " \t"); i >= 0 {
		return inner[:i] + " " + strings.TrimLeft(inner[i:], " \t"), true
	}
	return inner, true
}

// goConfigProfile maps a Go SDK config section name to its profile.
func goConfigProfile(section string) (string, bool) {
	if name, ok := strings.CutPrefix(section, "profile "); ok {
		return name, true
	}
	if strings.EqualFold(section, "default") {
		return section, true // [DEFAULT] is a profile named DEFAULT
	}
	return "", false
}

// goValue is the value the Go SDK reads from a key line.
func goValue(text string) string {
	for _, c := range []string{" #", " ;", "\t#", "\t;"} {
		text, _, _ = strings.Cut(text, c)
	}
	i := strings.IndexAny(text, "=:")
	if i < 0 {
		return ""
	}
	v := strings.TrimSpace(text[i+1:])
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		v = v[1 : len(v)-1]
	}
	return v
}

func describeProfile(name string, ok bool) string {
	if !ok {
		return "no profile"
	}
	return "profile " + quote(name)
}

func (d *Document) sdkDifferences(file string, config bool) []Difference {
	var out []Difference
	add := func(i int, cli, goSDK, fix string) {
		out = append(out, Difference{File: file, Line: i + 1, CLI: cli, GoSDK: goSDK, Fix: fix})
	}
	cliProfile := func(section string) (string, bool) {
		if config {
			return configProfileName(section)
		}
		return section, section != defaultSection
	}
	goProfile := func(section string) (string, bool) {
		if config {
			return goConfigProfile(section)
		}
		return section, !strings.HasPrefix(section, "profile ")
	}
	loneCR := false
	var owner *line // the key line continuation lines belong to
	t := d.lineTable()
	for i := range t {
		l := &t[i]
		text := l.text(d.src)
		if l.eol(d.src) == "\r" && !loneCR {
			loneCR = true
			add(i, "a lone carriage return ends this line", "the line goes on past it (it splits at \\n only)",
				"save the file with \\n (or \\r\\n) line ends")
		}
		switch l.kind {
		case kindHeader:
			owner = nil
			section := text[l.start:l.end]
			cliName, cliOK := cliProfile(section)
			goSec, isHeader := goHeader(text)
			if !isHeader {
				add(i, fmt.Sprintf("section [%s], %s", section, describeProfile(cliName, cliOK)),
					"no section header (what follows counts for the section above)",
					"leave nothing but a # comment after the ], and no # or ; inside the brackets")
				continue
			}
			goName, goOK := goProfile(goSec)
			if section == defaultSection {
				add(i, "no profile; its keys count for every section of the file", describeProfile(goName, goOK)+", inherited by none",
					"copy its keys into the profiles that need them and delete [DEFAULT]")
				continue
			}
			if cliOK != goOK || cliName != goName {
				name := cliName
				if !cliOK {
					name = goName
				}
				fix := "write [" + ConfigSection(name) + "]"
				if !config {
					fix = "write [" + name + "]"
				}
				if CheckProfileName(name) != nil {
					fix = "use a profile name without blanks or quotes, as [profile NAME]"
				}
				add(i, describeProfile(cliName, cliOK), describeProfile(goName, goOK), fix)
			}
		case kindKey:
			owner = l
			cli := text[l.start:l.end]
			if g := goValue(text); g != cli {
				fix := "put the comment on a line of its own"
				if strings.Trim(cli, `"'`) == g {
					fix = "remove the quotes"
				}
				key := lineKey(*l, d.src)
				add(i, fmt.Sprintf("%s = %s", key, quote(cli)), fmt.Sprintf("%s = %s", key, quote(g)), fix)
			}
		case kindContinuation:
			if _, isHeader := goHeader(text); isHeader {
				add(i, "part of the value of "+lineKey(*owner, d.src)+" (an indented line)", "a section header",
					"remove the indentation")
				continue
			}
			if owner != nil && owner.start != owner.end && strings.ContainsAny(text, "=:") {
				add(i, "part of the value of "+lineKey(*owner, d.src)+" (an indented line)", "a key of its own",
					"remove the indentation if it is a key, or put the value on one line")
			}
		}
	}
	if config {
		// Sections the CLI reads as one profile: it uses the last, the Go
		// SDK merges them ([profile default] winning over [default]).
		seen := map[string][]string{}
		for sec := range d.sectionNames() {
			if name, ok := configProfileName(sec); ok {
				seen[name] = append(seen[name], sec)
			}
		}
		for name, secs := range seen {
			if len(secs) < 2 {
				continue
			}
			last := secs[len(secs)-1]
			for _, sec := range secs[:len(secs)-1] {
				add(d.headerLine(sec)-1, fmt.Sprintf("ignored: [%s] at line %d is profile %s", last, d.headerLine(last), name),
					"merged with the other sections of profile "+name, "merge the sections of profile "+name+" into one")
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Difference) int { return a.Line - b.Line })
	return out
}
