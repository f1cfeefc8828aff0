package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"strings"
	"testing"
)

// TestHelpExitsZero asks every registered command for help, as -h and --help,
// and gonas itself (-h, --help, help): exit status 0 and a usage text, nothing run.
func TestHelpExitsZero(t *testing.T) {
	for name := range commands {
		for _, h := range []string{"-h", "--help"} {
			stderr := captureStderr(t, func() {
				var out, errw bytes.Buffer
				if code := gonas([]string{name, h}, &out, &errw); code != 0 {
					t.Errorf("gonas %s %s: exit status %d, want 0 (%s)", name, h, code, errw.String())
				}
			})
			if !strings.Contains(strings.ToLower(stderr), "usage") {
				t.Errorf("gonas %s %s printed no usage: %q", name, h, stderr)
			}
		}
		err := commands[name].run([]string{"-h"})
		if !errors.Is(err, flag.ErrHelp) {
			t.Errorf("gonas %s -h returned %v, want flag.ErrHelp", name, err)
		}
	}
	for _, h := range []string{"-h", "--help", "help"} {
		var out, errw bytes.Buffer
		if code := gonas([]string{h}, &out, &errw); code != 0 || !strings.Contains(out.String(), "search") {
			t.Errorf("gonas %s: exit status %d, output %q", h, code, out.String())
		}
	}
	var out, errw bytes.Buffer
	if code := gonas(nil, &out, &errw); code != 2 {
		t.Errorf("gonas without a command: exit status %d, want 2", code)
	}
	if code := gonas([]string{"nosuch"}, &out, &errw); code != 2 || !strings.Contains(errw.String(), `unknown command "nosuch"`) {
		t.Errorf("gonas nosuch: exit status %d, stderr %q", code, errw.String())
	}
}

// captureStderr runs f with os.Stderr sent to a pipe and returns what f wrote there.
func captureStderr(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stderr
	os.Stderr = w
	done := make(chan string)
	go func() {
		var b bytes.Buffer
		b.ReadFrom(r)
		done <- b.String()
	}()
	defer func() { os.Stderr = saved }()
	f()
	w.Close()
	os.Stderr = saved
	return <-done
}
