package data

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadNormalizedNamesBadInput(t *testing.T) {
	if _, _, err := LoadNormalized("svhn", ""); err == nil || !strings.Contains(err.Error(), `"svhn"`) {
		t.Errorf("unknown data set: got %v", err)
	}
	missing := filepath.Join(t.TempDir(), "nothing-here")
	for _, name := range []string{"cifar10", "mnist"} {
		if _, _, err := LoadNormalized(name, missing); err == nil || !strings.Contains(err.Error(), "nothing-here") {
			t.Errorf("%s from a missing path: got %v, want an error naming it", name, err)
		}
	}
}

func TestFirst(t *testing.T) {
	ds := &Dataset{Name: "d", Images: []float32{0, 1, 2, 3}, Labels: []int32{0, 1, 0, 1}, Height: 1, Width: 1, Channels: 1, NumClasses: 2}
	for _, tc := range []struct{ n, want int }{{0, 4}, {9, 4}, {2, 2}} {
		got, err := First(ds, tc.n)
		if err != nil || got.Len() != tc.want || got.Images[got.Len()-1] != float32(tc.want-1) {
			t.Errorf("First(%d): %v images, %v", tc.n, got.Len(), err)
		}
	}
}
