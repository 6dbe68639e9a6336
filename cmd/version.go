package cmd

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Stamped by the release build (-ldflags "-X ..."); build info fills the gaps.
var (
	version = ""
	commit  = ""
	date    = ""
)

type buildStamp struct {
	Version, Commit, Date, Go string
	// Modified: the working tree had uncommitted changes when it was built
	// (build info's vcs.modified; only said of a commit from build info).
	Modified bool
}

func currentBuild() buildStamp {
	info, _ := debug.ReadBuildInfo()
	return stampOf(buildStamp{Version: version, Commit: commit, Date: date, Go: runtime.Version()}, info)
}

// stampOf fills what the release's -ldflags left empty from info: a plain
// `go build` in a clone stamps the module's version and the VCS revision,
// time and modified flag (unless built with -buildvcs=false).
func stampOf(b buildStamp, info *debug.BuildInfo) buildStamp {
	if info != nil {
		if b.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			b.Version = info.Main.Version
		}
		fromVCS := b.Commit == ""
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision" && fromVCS:
				b.Commit = s.Value
			case s.Key == "vcs.time" && b.Date == "":
				b.Date = s.Value
			case s.Key == "vcs.modified" && fromVCS:
				b.Modified = s.Value == "true"
			}
		}
	}
	if b.Version == "" {
		b.Version = "dev"
	}
	if b.Commit == "" {
		b.Commit = "unknown"
		b.Modified = false
	}
	if b.Date == "" {
		b.Date = "unknown"
	}
	return b
}

// text is what 'awskeep version' prints ('awskeep --version' prints the
// first line's version only).
func (b buildStamp) text() string {
	c := b.Commit
	if b.Modified {
		c += " (with uncommitted changes)"
	}
	return fmt.Sprintf("awskeep %s\ncommit: %s\nbuilt: %s\ngo: %s\n", b.Version, c, b.Date, b.Go)
}

func newVersionCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Show awskeep's version, commit and build date",
		Long: `Show awskeep's version, the commit it was built from and when, and the Go version. A
release says what its build stamped; a plain 'go build' in a clone says the commit
checked out (and whether the tree had uncommitted changes) from Go's build info.`,
		Args:    cobra.NoArgs,
		Example: "  awskeep version",
		RunE: func(c *cobra.Command, _ []string) error {
			_, err := fmt.Fprint(f.IO.Out, currentBuild().text())
			return err
		},
	}
}
