package backends

import (
	"fmt"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/gomlx/compute"
	"github.com/gonas/gonas/kernels"
	"github.com/pkg/errors"
)

// Backend choice, in one place:
//
//  1. GOMLX_BACKEND, when set, wins (e.g. "gonas", "go", "xla:cuda").
//  2. Otherwise XLA, when it is compiled in (builds without the `noxla` tag) and a
//     PJRT plugin is already installed (PJRT_PLUGIN_LIBRARY_PATH, /usr/local/lib/go-xla,
//     ~/.local/lib/go-xla, or the system library paths).
//  3. Otherwise the embedded pure-Go backend "gonas" (package kernels).
//
// GoNAS never downloads a plugin unasked: XLA's auto-install is switched off unless
// GONAS_XLA_AUTO_INSTALL=1 is set. Build with `-tags noxla` to leave XLA (and cgo) out.

// XLAAutoInstallEnv, set to "1", lets the XLA backend download its PJRT plugin.
const XLAAutoInstallEnv = "GONAS_XLA_AUTO_INSTALL"

// Name returns the configuration that New uses, following the rules above.
func Name() string {
	if config, ok := os.LookupEnv(compute.ConfigEnvVar); ok && config != "" {
		return config
	}
	if xlaPluginAvailable() {
		return "xla"
	}
	return kernels.BackendName
}

// New creates the backend chosen by Name.
func New() (compute.Backend, error) {
	config := Name()
	name, _, _ := strings.Cut(config, ":")
	if !slices.Contains(compute.List(), name) {
		return nil, errors.Errorf("backend %q (from %s=%q) is not compiled into this binary; available: %v",
			name, compute.ConfigEnvVar, config, compute.List())
	}
	autoInstall := setXLAAutoInstall() // again: GONAS_XLA_AUTO_INSTALL may have changed since start-up
	b, err := compute.NewWithConfig(config)
	if err != nil {
		if isXLA(name) && !autoInstall {
			return nil, errors.WithMessagef(err, "creating backend %q (GoNAS looks only for PJRT plugins already installed: "+
				"set PJRT_PLUGIN_LIBRARY_PATH to the directory of one, or %s=1 to let XLA download one)", config, XLAAutoInstallEnv)
		}
		return nil, errors.WithMessagef(err, "creating backend %q", config)
	}
	return b, nil
}

// Description is b's description, with the parallelism of the embedded
// backend stated as its kernels use it: each kernel call splits its work over at
// most GOMAXPROCS goroutines (kernels.Backend), while the wrapped Go backend's own
// description reports its worker pool (twice GOMAXPROCS), which is not that.
func Description(b compute.Backend) string {
	d := b.Description()
	if b.String() != kernels.BackendName {
		return d
	}
	d = innerParallelism.ReplaceAllString(d, "")
	return fmt.Sprintf("%s; parallelism=%d (goroutines per kernel call: GOMAXPROCS, on %d CPUs)",
		strings.TrimSpace(d), KernelParallelism(), runtime.NumCPU())
}

// KernelParallelism is the number of goroutines a kernel call of the embedded
// backend uses at most: runtime.GOMAXPROCS.
func KernelParallelism() int { return runtime.GOMAXPROCS(0) }

// innerParallelism matches the wrapped Go backend's report of its worker pool.
var innerParallelism = regexp.MustCompile(`\s*\(parallelism=\d+\)`)

// isXLA tells whether a backend name (before the ':') is go-xla's: it registers
// itself under several names.
func isXLA(name string) bool {
	return xlaCompiledIn && slices.Contains([]string{"xla", "stablehlo", "hlo", "shlo"}, name)
}

// Default returns a process-wide backend created by New on first use.
var Default = sync.OnceValues(New)

func init() {
	// Anything that calls compute.New() without GOMLX_BACKEND set gets our choice
	// instead of GoMLX's default (XLA with a download attempt).
	compute.DefaultConfig = Name()
}
