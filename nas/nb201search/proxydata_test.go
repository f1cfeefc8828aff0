package nb201search

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonas/gonas/nas/data"
)

// writeIDFolder writes a CIFAR-10-shaped image folder of perClass 32×32 PNG
// training images per class (each a colour of its own) and one test image per
// class, and returns its directory.
func writeIDFolder(t *testing.T, perClass int) string {
	t.Helper()
	dir := t.TempDir()
	for c, class := range data.CIFAR10ClassNames {
		for i := range perClass + 1 {
			img := image.NewNRGBA(image.Rect(0, 0, 32, 32))
			for p := 0; p < 32*32; p++ {
				img.SetNRGBA(p%32, p/32, color.NRGBA{uint8(c * 25), uint8(i), uint8(p), 255})
			}
			var buf bytes.Buffer
			if err := png.Encode(&buf, img); err != nil {
				t.Fatal(err)
			}
			split, name := "train", fmt.Sprintf("%03d.png", i)
			if i == perClass {
				split = "test"
			}
			p := filepath.Join(dir, split, class, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

// loadProxyData gives, for every seed and train sample size, the same proxy
// minibatch, bit for bit, as LoadData followed by zerocost.SampleBatch of Train,
// and refuses the same too small splits.
func TestLoadProxyDataMatchesLoadData(t *testing.T) {
	dir := writeIDFolder(t, 20) // 200 training images: halves of 100
	for _, trainImages := range []int{0, 80} {
		for seed := uint64(1); seed <= 4; seed++ {
			proxyImages := []int{0, 32, 0, 17}[seed-1] // 0: the default, 64
			cfg := Config{Data: "cifar10", Seed: seed, TrainImages: trainImages, ScoreImages: 32, BatchSize: 32, ProxyImages: proxyImages}
			eager, err := LoadData(&cfg, dir)
			if err != nil {
				t.Fatal(err)
			}
			lazy, err := loadProxyData(&cfg, dir)
			if err != nil {
				t.Fatal(err)
			}
			if lazy.Train != nil || lazy.Valid != nil || lazy.Score != nil || lazy.Proxy.Len() != cfg.ProxyBatch() {
				t.Fatalf("loadProxyData: %+v, want only a proxy minibatch of %d", lazy, cfg.ProxyBatch())
			}
			if want := map[int]int{0: 64, 32: 32, 17: 17}[proxyImages]; cfg.ProxyBatch() != want {
				t.Fatalf("proxy_images %d: a minibatch of %d, want %d", proxyImages, cfg.ProxyBatch(), want)
			}
			want, err := eager.proxyBatch(&cfg)
			if err != nil {
				t.Fatal(err)
			}
			got, err := lazy.proxyBatch(&cfg)
			if err != nil {
				t.Fatal(err)
			}
			what := fmt.Sprintf("train images %d, seed %d, proxy images %d", trainImages, seed, proxyImages)
			if fmt.Sprint(got.Labels) != fmt.Sprint(want.Labels) || len(got.Images) != len(want.Images) {
				t.Fatalf("%s: labels %v, want %v", what, got.Labels, want.Labels)
			}
			for i := range got.Images {
				if math.Float32bits(got.Images[i]) != math.Float32bits(want.Images[i]) {
					t.Fatalf("%s: pixel value %d is %v, want %v", what, i, got.Images[i], want.Images[i])
				}
			}
			if lazy.NumClasses() != 10 || eager.NumClasses() != 10 {
				t.Errorf("%s: %d and %d classes, want 10", what, lazy.NumClasses(), eager.NumClasses())
			}
		}
	}
	cfg := Config{Data: "cifar10", Seed: 1, ScoreImages: 32, BatchSize: 101} // the halves have 100
	_, eagerErr := LoadData(&cfg, dir)
	_, lazyErr := loadProxyData(&cfg, dir)
	if eagerErr == nil || lazyErr == nil || !strings.Contains(lazyErr.Error(), eagerErr.Error()) {
		t.Errorf("batches of 101 from halves of 100: LoadData says %v, loadProxyData %v", eagerErr, lazyErr)
	}
}
