package optim

import (
	"fmt"
	"os"
	"testing"

	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend" // Registers the pure-Go backend "go".
)

// backend is the pure-Go backend used by all tests: never the default (XLA), which may try to download plugins.
var backend compute.Backend

func TestMain(m *testing.M) {
	var err error
	backend, err = compute.NewWithConfig("go")
	if err != nil {
		fmt.Fprintf(os.Stderr, "failed to create the \"go\" backend: %+v\n", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}
