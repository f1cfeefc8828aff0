package main

import (
	"flag"
	"fmt"

	"github.com/gonas/gonas/kernels"
	"github.com/gonas/gonas/nas/backends"
	"github.com/pkg/errors"
)

// runBackend prints the backend GoNAS would use, why, and how many goroutines its
// kernels split their work over.
//
//	gonas backend
func runBackend(args []string) error {
	fs := flag.NewFlagSet("backend", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: gonas backend\n\nPrints the backend GoNAS uses: GOMLX_BACKEND when set, else XLA when a PJRT plugin is\n"+
			"installed (never downloaded unless "+backends.XLAAutoInstallEnv+"=1), else the embedded gonas backend.")
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.Errorf("unexpected arguments %q", fs.Args())
	}
	b, err := backends.New()
	if err != nil {
		return err
	}
	fmt.Printf("backend=%s\ndescription=%s\n", b.String(), backends.Description(b))
	if b.String() == kernels.BackendName {
		fmt.Printf("parallelism=%d\n", backends.KernelParallelism())
	}
	return nil
}
