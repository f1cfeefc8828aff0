package multitrial

import (
	"context"
	"testing"

	"github.com/gonas/gonas/kernels"
)

// A trial leaves no idle kernel outputs behind for the next one (another
// architecture, whose shapes would not reuse them): the runner releases them when
// the trial ends, and releasing changes no metric.
func TestTrialReleasesIdleMemoryWhenItEnds(t *testing.T) {
	trial := smallTrial(t, "release")
	b, err := kernels.New("")
	if err != nil {
		t.Fatal(err)
	}
	backend, ok := b.(*kernels.Backend)
	if !ok {
		t.Fatalf("kernels.New gave a %T", b)
	}
	run := NewRunner(backend)
	first, err := run(context.Background(), trial)
	if err != nil {
		t.Fatal(err)
	}
	if n := backend.IdleMemory(); n != 0 {
		t.Errorf("after a trial the backend keeps %d bytes of idle kernel outputs, want 0", n)
	}
	second, err := run(context.Background(), trial)
	if err != nil {
		t.Fatal(err)
	}
	if first[MetricValidAccuracy] != second[MetricValidAccuracy] || first[MetricTrainLoss] != second[MetricTrainLoss] {
		t.Errorf("metrics %v, then %v on the released backend", first, second)
	}
}
