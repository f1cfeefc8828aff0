package train

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gonas/gonas/nas/backends"
	"github.com/gonas/gonas/nas/data"
)

// cancelOnWrite cancels a context the first time it is written to: the progress bar
// writes after the first training step.
type cancelOnWrite struct{ cancel context.CancelFunc }

func (c cancelOnWrite) Write(p []byte) (int, error) {
	c.cancel()
	return len(p), nil
}

// tinyImages is n 4×4×1 images of two classes (bright or dark).
func tinyImages(n int) *data.Dataset {
	ds := &data.Dataset{Height: 4, Width: 4, Channels: 1, NumClasses: 2,
		Images: make([]float32, n*16), Labels: make([]int32, n)}
	for i := range n {
		ds.Labels[i] = int32(i % 2)
		for k := range 16 {
			ds.Images[i*16+k] = float32(i%2) - 0.5
		}
	}
	return ds
}

// A context cancelled during training stops it at the next step, with the
// cancellation as the error, instead of finishing the run.
func TestTrainClassifierContextStopsWhenCancelled(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "gonas")
	backend, err := backends.New()
	if err != nil {
		t.Fatal(err)
	}
	ds := tinyImages(64)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := Config{Epochs: 50, BatchSize: 8, LearningRate: 0.01, Seed: 1, Progress: cancelOnWrite{cancel}}
	res, _, err := ClassifierContext(ctx, backend, SimpleCNN(2, 2, 2), ds, ds, cfg)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("ClassifierContext after cancel: result %+v, error %v; want context.Canceled", res, err)
	}
	// The progress writes its first line after the first step on a terminal, at the
	// end of the first epoch elsewhere (as here): either way training stops long
	// before its 50 epochs.
	var epoch, step int
	if _, serr := fmt.Sscanf(err.Error()[strings.Index(err.Error(), "epoch"):], "epoch %d step %d", &epoch, &step); serr != nil {
		t.Fatalf("error %q names no epoch and step: %v", err, serr)
	}
	if epoch > 2 || (epoch == 2 && step > 0) {
		t.Errorf("error %q: want training stopped at the first progress line (epoch 1, or epoch 2 step 0)", err)
	}

	cancelled, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if _, err := AccuracyContext(cancelled, backend, nil, SimpleCNN(2, 2, 2), ds, 8); !errors.Is(err, context.Canceled) {
		t.Errorf("AccuracyContext with a cancelled context: %v, want context.Canceled", err)
	}
}
