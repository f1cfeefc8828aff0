package main

import (
	"os"

	"github.com/gonas/gonas/nas/dirlock"
)

// lockDir makes this process the only writer of dir (package nas/dirlock) until the
// lock is released or the process ends; what names the command in the lock file.
// A directory to resume that does not exist is not created: the lock is nil, and
// the resume reports the missing search itself.
func lockDir(dir, what string, resume bool) (*dirlock.Lock, error) {
	if resume {
		if _, err := os.Stat(dir); os.IsNotExist(err) {
			return nil, nil
		}
	}
	return dirlock.Acquire(dir, what)
}
