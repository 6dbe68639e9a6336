// Command gendocs writes awskeep's command reference from the real command
// tree: Markdown pages to docs/cli and man pages to docs/man (or to the
// directories given). It is run by scripts/gendocs; the output is
// deterministic (no dates), so CI can regenerate it and diff.
//
// It must not touch anything but the two output directories.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/awskeep/awskeep/cmd"
	"github.com/spf13/cobra/doc"
)

func main() {
	mdDir := flag.String("md", "docs/cli", "directory for the Markdown reference")
	manDir := flag.String("man", "docs/man", "directory for the man pages")
	flag.Parse()
	if err := generate(*mdDir, *manDir); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

func generate(mdDir, manDir string) error {
	for _, dir := range []string{mdDir, manDir} {
		if err := emptyDir(dir); err != nil {
			return err
		}
	}
	if err := doc.GenMarkdownTree(cmd.NewRootForDocs(), mdDir); err != nil {
		return fmt.Errorf("markdown reference: %w", err)
	}
	// cobra needs a date for the man header; any fixed one will do, as
	// blankManDates removes it again.
	date := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	header := &doc.GenManHeader{Section: "1", Date: &date, Source: "awskeep", Manual: "awskeep manual"}
	if err := doc.GenManTree(cmd.NewRootForDocs(), header, manDir); err != nil {
		return fmt.Errorf("man pages: %w", err)
	}
	if err := addManSections(manDir); err != nil {
		return err
	}
	return blankManDates(manDir)
}

// emptyDir creates dir, or removes the pages of an earlier run from it so a
// command that no longer exists loses its page.
func emptyDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, pattern := range []string{"*.md", "*.1"} {
		old, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			return err
		}
		for _, f := range old {
			if err := os.Remove(f); err != nil {
				return err
			}
		}
	}
	return nil
}

// thDate is the date field of a man page's .TH line.
var thDate = regexp.MustCompile(`(?m)^(\.TH "[^"]*" "[^"]*" )"[^"]*"`)

// blankManDates empties the date of every page's .TH line: a generation
// date would make every run differ, and a fixed one would soon be wrong.
func blankManDates(dir string) error {
	pages, err := filepath.Glob(filepath.Join(dir, "*.1"))
	if err != nil {
		return err
	}
	for _, p := range pages {
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out := thDate.ReplaceAll(b, []byte(`$1""`))
		if bytes.Equal(out, b) {
			return fmt.Errorf("%s: no .TH line with a date found", p)
		}
		if err := os.WriteFile(p, out, 0o644); err != nil {
			return err
		}
	}
	return nil
}
