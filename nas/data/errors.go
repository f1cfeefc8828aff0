package data

import (
	"errors"
	"fmt"
	"io/fs"
)

// FileError reports a problem with a data file: which file (and which entry,
// for a file inside an archive) and what is wrong with it.
//
// Err is the underlying cause; errors.Is(err, fs.ErrNotExist) works for
// missing files.
type FileError struct {
	Path  string // file on disk
	Entry string // entry inside an archive (.tar.gz, .zip); empty otherwise
	Err   error  // what is wrong
}

// Error implements error: "data: PATH[ENTRY]: message".
func (e *FileError) Error() string {
	if e.Entry != "" {
		return fmt.Sprintf("data: %s[%s]: %v", e.Path, e.Entry, e.Err)
	}
	return fmt.Sprintf("data: %s: %v", e.Path, e.Err)
}

// Unwrap returns the underlying cause.
func (e *FileError) Unwrap() error { return e.Err }

// fileErrorf builds a *FileError for path (and archive entry, may be "").
func fileErrorf(path, entry, format string, args ...any) *FileError {
	return &FileError{Path: path, Entry: entry, Err: fmt.Errorf(format, args...)}
}

// wrapFileError wraps err as a *FileError for path, dropping the path that
// *fs.PathError already carries so the file is not named twice.
func wrapFileError(path, entry string, err error) error {
	if err == nil {
		return nil
	}
	var fe *FileError
	if errors.As(err, &fe) {
		return err
	}
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == path {
		err = pe.Err
	}
	return &FileError{Path: path, Entry: entry, Err: err}
}
