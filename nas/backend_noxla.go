//go:build !(((linux && (amd64 || arm64)) || (darwin && arm64) || (windows && amd64)) && !noxla)

package nas

// xlaPluginAvailable is false: this binary was built without XLA (tag noxla).
func xlaPluginAvailable() bool { return false }
