package enas

import (
	"strings"
	"testing"

	"github.com/gonas/gonas/nas/data"
)

func TestTinyImagesAreRefused(t *testing.T) {
	for _, hw := range [][2]int{{1, 1}, {4, 32}, {32, 7}} {
		ds := &data.Dataset{Name: "probe", Height: hw[0], Width: hw[1], Channels: 3, NumClasses: 10}
		err := checkImageSize(ds)
		if err == nil || !strings.Contains(err.Error(), "needs at least 8×8") {
			t.Errorf("%d×%d images: %v", hw[0], hw[1], err)
		}
	}
	if err := checkImageSize(&data.Dataset{Height: 28, Width: 28, Channels: 1}); err != nil {
		t.Errorf("28×28 images: %v", err)
	}
}
