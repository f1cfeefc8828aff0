//go:build ((linux && (amd64 || arm64)) || (darwin && arm64) || (windows && amd64)) && !noxla

package nas

import (
	"os"

	"github.com/gomlx/go-xla/compute/xla"
)

func init() {
	xla.EnableAutoInstall(os.Getenv(XLAAutoInstallEnv) == "1")
}

// xlaPluginAvailable tells whether a PJRT plugin is installed (no download is tried
// unless GONAS_XLA_AUTO_INSTALL=1).
func xlaPluginAvailable() bool {
	return len(xla.GetAvailablePlugins()) > 0
}
