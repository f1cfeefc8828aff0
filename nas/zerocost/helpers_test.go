package zerocost

import (
	"testing"

	"github.com/gomlx/compute"
	"github.com/gonas/gonas/nas"
)

func testBackend(t *testing.T) compute.Backend {
	t.Helper()
	b, err := nas.DefaultBackend()
	if err != nil {
		t.Fatal(err)
	}
	return b
}
