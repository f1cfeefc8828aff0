package data

import (
	"math"
	"testing"
)

func TestChannelStatsAndNormalize(t *testing.T) {
	ds := &Dataset{Name: "n", Height: 1, Width: 2, Channels: 2, NumClasses: 1,
		Images: []float32{0, 10, 2, 10, 4, 10, 6, 14}, Labels: []int32{0, 0}}
	mean, std := ChannelStats(ds)
	if mean[0] != 3 || mean[1] != 11 || !near(std[0], float32(math.Sqrt(5)), 1e-6) || !near(std[1], float32(math.Sqrt(3)), 1e-6) {
		t.Fatalf("stats %v %v", mean, std)
	}
	if err := Normalize(ds, mean, std); err != nil {
		t.Fatal(err)
	}
	mean, std = ChannelStats(ds)
	for k := range mean {
		if !near(mean[k], 0, 1e-6) || !near(std[k], 1, 1e-6) {
			t.Errorf("after Normalize: channel %d mean %v std %v", k, mean[k], std[k])
		}
	}
	if err := Normalize(ds, CIFAR10Mean, CIFAR10Std); err == nil {
		t.Error("3 means for 2 channels: no error")
	}
	if err := Normalize(ds, []float32{0, 0}, []float32{1, 0}); err == nil {
		t.Error("zero std: no error")
	}
}

func TestNormalizeRandomImages(t *testing.T) {
	ds := rampDataset(64, 8, 8, 3, 2)
	rng := NewRand(5)
	for i := range ds.Images {
		ds.Images[i] = rng.Float32()*float32(i%3+1) + float32(i%3)
	}
	mean, std := ChannelStats(ds)
	if err := Normalize(ds, mean, std); err != nil {
		t.Fatal(err)
	}
	m2, s2 := ChannelStats(ds)
	for k := range m2 {
		if !near(m2[k], 0, 1e-4) || !near(s2[k], 1, 1e-4) {
			t.Errorf("channel %d: mean %v std %v", k, m2[k], s2[k])
		}
	}
}
