package enas

import (
	"runtime"
	"testing"

	"github.com/gonas/gonas/controllers"
	"github.com/gonas/gonas/kernels"
	"github.com/gonas/gonas/nas/rng"
	"github.com/gonas/gonas/nas/train"
)

// releaseIdleMemory frees what the kernels backend keeps idle after a child's
// steps (the live heap falls), and a step after it computes what the same step
// computes without it.
func TestReleaseIdleMemoryFreesAndChangesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two tiny children two steps each on MNIST (~2 s)")
	}
	cfg, err := Preset("enas-micro", "tiny")
	if err != nil {
		t.Fatal(err)
	}
	d, err := LoadData(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	backend, err := kernels.New("")
	if err != nil {
		t.Fatal(err)
	}
	sp, err := searchSpace(&cfg, d, false)
	if err != nil {
		t.Fatal(err)
	}
	samples, err := controllers.NewRandom(sp, rng.SplitMix(3)).Sample(2)
	if err != nil {
		t.Fatal(err)
	}
	twoSteps := func(release bool) float64 {
		t.Helper()
		c, err := newChild(backend, &cfg, d)
		if err != nil {
			t.Fatal(err)
		}
		defer c.close()
		if _, err := c.trainStep(samples[0].Arch, 0, 0); err != nil {
			t.Fatal(err)
		}
		if release {
			runtime.GC()
			before := liveHeapBytes()
			train.ReleaseIdleMemory(backend)
			after := liveHeapBytes()
			t.Logf("live heap %.1f MB before releasing, %.1f MB after", float64(before)/1e6, float64(after)/1e6)
			if after > before-(1<<20) {
				t.Errorf("releasing the idle kernel outputs freed %d bytes, want at least 1 MiB", before-after)
			}
		}
		loss, err := c.trainStep(samples[1].Arch, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		return loss
	}
	kept, released := twoSteps(false), twoSteps(true)
	if kept != released {
		t.Errorf("the second step's loss is %v after releasing, %v without", released, kept)
	}
}
