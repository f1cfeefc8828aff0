package enas

import (
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

func TestStoreRoundTrip(t *testing.T) {
	src := model.NewStore()
	if err := src.SetRNGStateFromSeed(42); err != nil {
		t.Fatal(err)
	}
	mustCreate := func(s *model.Store, path string, v *tensors.Tensor, trainable bool) {
		t.Helper()
		x, err := s.CreateVariable(path, v)
		if err != nil {
			t.Fatal(err)
		}
		x.SetTrainable(trainable)
	}
	mustCreate(src, "/cell0/node2/x/sep3x3/weights", tensors.FromFlatDataAndDimensions([]float32{1.5, -2, 3e-9, 7}, 2, 2), true)
	mustCreate(src, "/global_step", tensors.FromValue(int64(17)), false)
	mustCreate(src, "/optimizers/sgd_momentum/w_momentum", tensors.FromFlatDataAndDimensions([]float64{0.25}, 1), false)
	dir := t.TempDir()
	if err := saveStore(src, dir); err != nil {
		t.Fatal(err)
	}
	want, _ := storeSHA256(src)
	if got, _ := fileSHA256(dir + "/" + storeDataName); got != want {
		t.Fatalf("store.bin hash %s, storeSHA256 %s", got, want)
	}

	dst := model.NewStore()
	if err := dst.SetRNGStateFromSeed(1); err != nil { // overwritten by the load
		t.Fatal(err)
	}
	if err := loadStore(dst, dir); err != nil {
		t.Fatal(err)
	}
	if got, _ := storeSHA256(dst); got != want {
		t.Fatalf("loaded store hash %s, want %s", got, want)
	}
	var paths []string
	for v := range dst.IterVariables() {
		paths = append(paths, v.Path())
	}
	var srcPaths []string
	for v := range src.IterVariables() {
		srcPaths = append(srcPaths, v.Path())
	}
	if len(paths) != len(srcPaths) {
		t.Fatalf("variables %v, want %v", paths, srcPaths)
	}
	for i := range paths {
		if paths[i] != srcPaths[i] {
			t.Fatalf("variable order %v, want %v", paths, srcPaths)
		}
	}
	if dst.GetVariable("/global_step").Trainable || !dst.GetVariable("/cell0/node2/x/sep3x3/weights").Trainable {
		t.Error("trainable flags not restored")
	}
}
