package backends

import (
	"testing"

	"github.com/gonas/gonas/kernels"
)

func TestBackendNameEnvWins(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	if got := Name(); got != "go" {
		t.Errorf("Name() = %q with GOMLX_BACKEND=go", got)
	}
}

func TestBackendDefaultsToEmbeddedWithoutPlugin(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "")
	t.Setenv("PJRT_PLUGIN_LIBRARY_PATH", t.TempDir())
	if xlaPluginAvailable() {
		t.Skip("an XLA PJRT plugin is installed on this machine")
	}
	if got := Name(); got != kernels.BackendName {
		t.Errorf("Name() = %q, want %q", got, kernels.BackendName)
	}
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != kernels.BackendName {
		t.Errorf("New() gave %q", b.String())
	}
}

func TestUnknownBackendIsAnError(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "nosuchbackend")
	if _, err := New(); err == nil {
		t.Fatal("want an error for GOMLX_BACKEND=nosuchbackend")
	}
}
