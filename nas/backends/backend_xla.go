//go:build ((linux && (amd64 || arm64)) || (darwin && arm64) || (windows && amd64)) && !noxla

package backends

import (
	"os"

	"github.com/gomlx/go-xla/compute/xla"
)

// xlaCompiledIn tells that this binary holds the XLA backend.
const xlaCompiledIn = true

// xlaAutoInstallSet switches XLA's plugin auto-install (on by default in go-xla,
// which downloads a PJRT plugin from the network on the first xla.New or
// xla.GetAvailablePlugins) off, unless GONAS_XLA_AUTO_INSTALL=1. It runs as this
// package's first variable initialisation: after go-xla's own init (an imported
// package is initialised first) and before any init function or caller of this
// package can create a backend, whatever GOMLX_BACKEND says.
var xlaAutoInstallSet = setXLAAutoInstall()

// setXLAAutoInstall applies GONAS_XLA_AUTO_INSTALL to go-xla and returns whether
// auto-install is on.
func setXLAAutoInstall() bool {
	on := os.Getenv(XLAAutoInstallEnv) == "1"
	xla.EnableAutoInstall(on)
	return on
}

// xlaPluginAvailable tells whether a PJRT plugin is installed; no download is tried
// unless GONAS_XLA_AUTO_INSTALL=1.
func xlaPluginAvailable() bool {
	setXLAAutoInstall()
	return len(xla.GetAvailablePlugins()) > 0
}
