//go:build !(((linux && (amd64 || arm64)) || (darwin && arm64) || (windows && amd64)) && !noxla)

package backends

// xlaCompiledIn tells that this binary holds the XLA backend: not this one (built
// with the noxla tag, or for a platform go-xla does not support).
const xlaCompiledIn = false

// setXLAAutoInstall does nothing without XLA; it returns false.
func setXLAAutoInstall() bool { return false }

// xlaPluginAvailable is false: this binary was built without XLA.
func xlaPluginAvailable() bool { return false }
