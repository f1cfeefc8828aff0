package enas

import (
	"context"
	"reflect"
	"strings"
	"testing"
)

// The loop written out with ChildStep, ControllerStep and EndEpoch is Run: the same
// updates and epochs, bit for bit (times and memory aside); the steps refuse to run
// out of order.
func TestStepsAreRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two tiny ENAS searches on MNIST")
	}
	cfg, err := Preset("enas-micro", "tiny")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Child.Epochs = 2
	byRun, err := New(cfg, Options{Out: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer byRun.Close()
	if err := byRun.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	byHand, err := New(cfg, Options{Out: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer byHand.Close()
	if err := byHand.ControllerStep(); err == nil || !strings.Contains(err.Error(), "child steps left") {
		t.Errorf("ControllerStep before the child phase: %v", err)
	}
	if err := byHand.EndEpoch(); err == nil || !strings.Contains(err.Error(), "not finished") {
		t.Errorf("EndEpoch before the epoch's steps: %v", err)
	}
	for !byHand.Done() {
		for !byHand.ChildPhaseDone() {
			if err := byHand.ChildStep(); err != nil {
				t.Fatal(err)
			}
		}
		if err := byHand.ChildStep(); err == nil || !strings.Contains(err.Error(), "child phase of epoch") {
			t.Errorf("ChildStep after the child phase: %v", err)
		}
		for !byHand.ControllerPhaseDone() {
			if err := byHand.ControllerStep(); err != nil {
				t.Fatal(err)
			}
		}
		if err := byHand.EndEpoch(); err != nil {
			t.Fatal(err)
		}
	}
	a, b := byRun.History(), byHand.History()
	if !reflect.DeepEqual(a.Updates, b.Updates) || len(a.Updates) != cfg.Child.Epochs*cfg.Controller.TrainSteps {
		t.Errorf("controller updates differ:\nRun:  %+v\nhand: %+v", a.Updates, b.Updates)
	}
	if len(a.Epochs) != cfg.Child.Epochs || len(b.Epochs) != cfg.Child.Epochs {
		t.Fatalf("%d and %d epochs recorded, want %d", len(a.Epochs), len(b.Epochs), cfg.Child.Epochs)
	}
	for i := range a.Epochs {
		x, y := a.Epochs[i], b.Epochs[i]
		x.Seconds, y.Seconds, x.RSSMB, y.RSSMB = 0, 0, 0, 0
		if !reflect.DeepEqual(x, y) {
			t.Errorf("epoch %d differs:\nRun:  %+v\nhand: %+v", i+1, x, y)
		}
	}
}
