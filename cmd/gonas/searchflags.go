package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/gonas/gonas/kernels"
	"github.com/pkg/errors"
)

// parseSearchFlags adds the flags every search command shares (--presets and
// --max-memory) to fs and parses args, refusing stray arguments. With --presets it
// prints presetTable and stop is true: the command has nothing more to do.
func parseSearchFlags(fs *flag.FlagSet, args []string, presetTable func() string) (stop bool, err error) {
	listPresets := fs.Bool("presets", false, "print the presets as a Markdown table and exit")
	fs.Func("max-memory", kernels.MaxMemoryUsage, kernels.SetMaxMemoryString)
	if err := fs.Parse(args); err != nil {
		return true, err
	}
	if fs.NArg() > 0 {
		return true, errors.Errorf("unexpected arguments %q", fs.Args())
	}
	if *listPresets {
		fmt.Print(presetTable())
		return true, nil
	}
	return false, nil
}

// settingsFlag is a --set flag of name=value pairs that may be given more than once:
// `--set a=1 --set b=2` means `--set a=1,b=2` (a plain string flag would keep only
// the last).
type settingsFlag []string

// String is the pairs of every --set given, comma-separated.
func (s *settingsFlag) String() string { return strings.Join(*s, ",") }

// Set adds one --set's pairs.
func (s *settingsFlag) Set(pairs string) error {
	*s = append(*s, pairs)
	return nil
}
