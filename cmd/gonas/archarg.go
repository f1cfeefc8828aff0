package main

import (
	"io"
	"os"
	"strings"

	"github.com/pkg/errors"
)

// maxArchFile bounds an --arch @file: the largest architecture of any space is a
// few kilobytes, and parsing a huge file would take memory in proportion.
const maxArchFile = 1 << 20

// archArg is the text of an --arch flag: the flag itself, or the file it names
// after '@' (at most maxArchFile bytes).
func archArg(flagValue string) (string, error) {
	name, ok := strings.CutPrefix(flagValue, "@")
	if !ok {
		return flagValue, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return "", errors.Wrap(err, "--arch")
	}
	defer f.Close()
	blob, err := io.ReadAll(io.LimitReader(f, maxArchFile+1))
	if err != nil {
		return "", errors.Wrap(err, "--arch")
	}
	if len(blob) > maxArchFile {
		return "", errors.Errorf("--arch @%s: over %d bytes, too large for an architecture", name, maxArchFile)
	}
	return string(blob), nil
}
