package zerocost

import (
	"testing"

	"github.com/gomlx/compute"
	"github.com/gonas/gonas/nas/backends"
)

func testBackend(t *testing.T) compute.Backend {
	t.Helper()
	b, err := backends.Default()
	if err != nil {
		t.Fatal(err)
	}
	return b
}
