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

type buildStamp struct{ Version, Commit, Date, Go string }

func currentBuild() buildStamp {
	b := buildStamp{Version: version, Commit: commit, Date: date, Go: runtime.Version()}
	if info, ok := debug.ReadBuildInfo(); ok {
		if b.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			b.Version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision" && b.Commit == "":
				b.Commit = s.Value
			case s.Key == "vcs.time" && b.Date == "":
				b.Date = s.Value
			}
		}
	}
	if b.Version == "" {
		b.Version = "dev"
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	if b.Date == "" {
		b.Date = "unknown"
	}
	return b
}

// text is what 'awskeep version' and 'awskeep --version' print.
func (b buildStamp) text() string {
	return fmt.Sprintf("awskeep %s\ncommit: %s\nbuilt: %s\ngo: %s\n", b.Version, b.Commit, b.Date, b.Go)
}

func newVersionCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Show awskeep's version, commit and build date",
		Args:    cobra.NoArgs,
		Example: "  awskeep version",
		RunE: func(c *cobra.Command, _ []string) error {
			_, err := fmt.Fprint(f.IO.Out, currentBuild().text())
			return err
		},
	}
}
