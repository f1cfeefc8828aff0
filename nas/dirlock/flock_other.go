//go:build !unix

package dirlock

import "os"

// tryLock cannot lock on this system: the directory is not protected.
func tryLock(*os.File) (held bool, err error) { return false, nil }

// unlock does nothing where tryLock does not lock.
func unlock(*os.File) error { return nil }
