//go:build ((linux && (amd64 || arm64)) || (darwin && arm64) || (windows && amd64)) && !noxla

package nas

import (
	"os"

	"github.com/gomlx/go-xla/compute/xla"
)

// xlaPluginAvailable tells whether a PJRT plugin is installed. No download is tried
// unless GONAS_XLA_AUTO_INSTALL=1: auto-install is switched off before the first
// look-up (package init order cannot be relied on for that).
func xlaPluginAvailable() bool {
	xla.EnableAutoInstall(os.Getenv(XLAAutoInstallEnv) == "1")
	return len(xla.GetAvailablePlugins()) > 0
}
