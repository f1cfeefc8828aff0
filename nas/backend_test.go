package nas

import (
	"testing"

	"github.com/gonas/gonas/kernels"
)

func TestBackendNameEnvWins(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	if got := BackendName(); got != "go" {
		t.Errorf("BackendName() = %q with GOMLX_BACKEND=go", got)
	}
}

func TestBackendDefaultsToEmbeddedWithoutPlugin(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "")
	t.Setenv("PJRT_PLUGIN_LIBRARY_PATH", t.TempDir())
	if xlaPluginAvailable() {
		t.Skip("an XLA PJRT plugin is installed on this machine")
	}
	if got := BackendName(); got != kernels.BackendName {
		t.Errorf("BackendName() = %q, want %q", got, kernels.BackendName)
	}
	b, err := NewBackend()
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != kernels.BackendName {
		t.Errorf("NewBackend() gave %q", b.String())
	}
}

func TestUnknownBackendIsAnError(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "nosuchbackend")
	if _, err := NewBackend(); err == nil {
		t.Fatal("want an error for GOMLX_BACKEND=nosuchbackend")
	}
}
