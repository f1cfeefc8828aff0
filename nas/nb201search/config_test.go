package nb201search

import (
	"math"
	"os"
	"strings"
	"testing"

	"github.com/gonas/gonas/nas/zerocost"
)

func TestPresetsValidForEveryStrategy(t *testing.T) {
	for _, p := range PresetNames() {
		for _, s := range StrategyNames() {
			c, err := Preset(p, s, 7)
			if err != nil {
				t.Fatalf("%s/%s: %v", p, s, err)
			}
			if c.RankCells < 100 || c.Seed != 7 || c.Strategy != s {
				t.Errorf("%s/%s: %d rank cells (want ≥ 100), seed %d, strategy %q", p, s, c.RankCells, c.Seed, c.Strategy)
			}
		}
		if !strings.Contains(PresetTable(), "| "+p+" |") {
			t.Errorf("PresetTable lacks %s", p)
		}
	}
	doc, err := os.ReadFile("../../BENCHMARKS.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), PresetTable()) {
		t.Error("BENCHMARKS.md does not hold the current PresetTable(); regenerate it with `go run ./cmd/gonas search --space nb201 --presets`")
	}
	if _, err := Preset("huge", "enas", 1); err == nil {
		t.Error("unknown preset: no error")
	}
	if _, err := Preset("tiny", "bogus", 1); err == nil || !strings.Contains(err.Error(), "enas, oneshot, random") {
		t.Errorf("unknown strategy: %v", err)
	}
}

func TestOverride(t *testing.T) {
	c, _ := Preset("short", "enas", 1)
	if err := c.Override("lr_max=0.1, epochs=3,controller=nb201"); err != nil {
		t.Fatal(err)
	}
	if c.LRMax != 0.1 || c.Epochs != 3 || c.Controller != "nb201" || c.Channels != 8 {
		t.Errorf("after override: %+v", c)
	}
	if c.ScoreBy != ScoreByLoss {
		t.Errorf("preset score_by %q, want %q", c.ScoreBy, ScoreByLoss)
	}
	if err := c.Override("score_by=accuracy"); err != nil || c.ScoreBy != ScoreByAccuracy {
		t.Errorf("score_by=accuracy: %v, %q", err, c.ScoreBy)
	}
	for _, bad := range []string{"lr_maxx=1", "epochs", "epochs=0", "score_images=100", "score_by=acc"} {
		d := c
		if err := d.Override(bad); err == nil {
			t.Errorf("override %q: no error", bad)
		}
	}
}

func TestZeroCostProxiesSetting(t *testing.T) {
	c, _ := Preset("short", "zero-cost", 1)
	if p, err := c.ZeroCostProxies(); err != nil || len(p) != 2 || p[0] != zerocost.NASWOT || p[1] != zerocost.StemGrad {
		t.Errorf("the preset's proxies %v, %v; want naswot, stem_grad", p, err)
	}
	// The scaled preset's score_by=loss+zero-cost adds SupernetPresetProxies to the
	// loss: zerocost.DefaultProxies, as an empty proxies (the result.json files of
	// runs from before SupernetPresetProxies) reads.
	o, _ := Preset("scaled", "oneshot", 1)
	for _, set := range []string{"", `proxies=""`} {
		if err := o.Override(set); err != nil {
			t.Fatal(err)
		}
		if p, err := o.ZeroCostProxies(); err != nil || len(p) != 2 || p[0] != zerocost.NASWOT || p[1] != zerocost.Synflow {
			t.Errorf("scaled oneshot with %q: proxies %v, %v; want naswot, synflow", set, p, err)
		}
	}
	if err := o.Override("proxies=naswot"); err != nil {
		t.Fatal(err)
	}
	if p, err := o.ZeroCostProxies(); err != nil || len(p) != 1 || p[0] != zerocost.NASWOT {
		t.Errorf("proxies=naswot gave %v, %v; want naswot", p, err)
	}
	// Another score drops the preset's proxies, which it would not use; naming
	// proxies beside it is still an error.
	for _, by := range []string{ScoreByLoss, ScoreByAccuracy} {
		d, _ := Preset("scaled", "enas", 1)
		if err := d.Override("score_by=" + by); err != nil || d.Proxies != "" {
			t.Errorf("scaled with score_by=%s: %v, proxies %q", by, err, d.Proxies)
		}
		if err := d.Override("score_by=" + by + ",proxies=naswot"); err == nil || !strings.Contains(err.Error(), "proxies") {
			t.Errorf("score_by=%s,proxies=naswot: %v, want an error naming the proxies", by, err)
		}
	}
	if err := c.Override("proxies=naswot+zico"); err != nil {
		t.Fatal(err)
	}
	if p, err := c.ZeroCostProxies(); err != nil || len(p) != 2 || p[1] != zerocost.ZiCo {
		t.Errorf("proxies=naswot+zico gave %v, %v", p, err)
	}
	for _, bad := range []string{"proxies=naswot+bogus", "proxies=naswot+naswot"} {
		d := c
		if err := d.Override(bad); err == nil || !strings.Contains(err.Error(), "proxies") {
			t.Errorf("override %q: %v, want an error naming the proxies", bad, err)
		}
	}
	h, _ := Preset("short", "oneshot", 1)
	if err := h.Override("score_by=loss+zero-cost,proxies=naswot"); err != nil {
		t.Errorf("proxies with score_by=loss+zero-cost: %v", err)
	}
	if err := c.Override("score_by=loss+zero-cost"); err == nil {
		t.Error("score_by=loss+zero-cost on the zero-cost strategy: no error")
	}
	e, _ := Preset("short", "oneshot", 1)
	if err := e.Override("proxies=naswot"); err == nil || !strings.Contains(err.Error(), "zero-cost strategy") {
		t.Errorf("proxies on oneshot: %v, want an error saying they belong to zero-cost", err)
	}
}

func TestRankOf(t *testing.T) {
	all := []float64{90, 85, 85, 70, 93}
	for _, c := range []struct {
		v    float64
		want int
	}{{93, 1}, {90, 2}, {85, 3}, {80, 5}, {10, 6}, {99, 1}} {
		if got := RankOf(c.v, all); got != c.want {
			t.Errorf("RankOf(%v) = %d, want %d", c.v, got, c.want)
		}
	}
}

func TestScoreBy(t *testing.T) {
	m := measure{accuracy: 0.5, loss: 2}
	for _, c := range []struct {
		by   string
		want float64
	}{{ScoreByLoss, -2}, {ScoreByAccuracy, 0.5 - 2e-4}, {"", 0.5 - 2e-4}} {
		s := &Search{cfg: Config{ScoreBy: c.by}}
		if got := s.score(m); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("score_by %q: %v, want %v", c.by, got, c.want)
		}
	}
	// By accuracy, the loss only breaks ties: 1 image more right on 999 beats any loss.
	s := &Search{cfg: Config{ScoreBy: ScoreByAccuracy}}
	if s.score(measure{accuracy: 0.5 + 1.0/999, loss: 10}) <= s.score(measure{accuracy: 0.5, loss: 0}) {
		t.Error("by accuracy, a lower loss outranked a higher accuracy")
	}
}

func TestScaledPresetScoresWithTheProxies(t *testing.T) {
	for _, strategy := range []string{"oneshot", "enas", "random"} {
		c, err := Preset("scaled", strategy, 1)
		if err != nil || c.ScoreBy != ScoreByLossAndZeroCost {
			t.Errorf("scaled %s: score_by %q, %v; want %q", strategy, c.ScoreBy, err, ScoreByLossAndZeroCost)
		}
	}
	// The zero-cost strategy trains no weights to take a loss from.
	if c, err := Preset("scaled", "zero-cost", 1); err != nil || c.ScoreBy != ScoreByLoss {
		t.Errorf("scaled zero-cost: score_by %q, %v; want %q", c.ScoreBy, err, ScoreByLoss)
	}
	if c, _ := Preset("short", "oneshot", 1); c.ScoreBy != ScoreByLoss {
		t.Errorf("short: score_by %q, want %q", c.ScoreBy, ScoreByLoss)
	}
}

// Settings left out of the JSON when empty (reward_by, then_by) can still be set.
func TestOverrideSetsSettingsOmittedWhenEmpty(t *testing.T) {
	e, _ := Preset("short", "enas", 1)
	if err := e.Override("reward_by=score"); err != nil || e.RewardBy != RewardByScore {
		t.Errorf("reward_by=score: %v, %q", err, e.RewardBy)
	}
	if err := e.Override("reward_by=loss"); err == nil || !strings.Contains(err.Error(), "reward_by") {
		t.Errorf("reward_by=loss: %v, want an error naming reward_by", err)
	}
	z, _ := Preset("short", "zero-cost", 1)
	if err := z.Override("then_by=-ntk,then_top=0.2"); err != nil {
		t.Fatal(err)
	}
	if p, sign, err := z.ThenProxy(); err != nil || p != zerocost.NTK || sign != -1 || z.ThenTop != 0.2 {
		t.Errorf("then_by=-ntk: %v %v %v, then_top %v", p, sign, err, z.ThenTop)
	}
	for _, bad := range []string{"then_by=bogus", "then_top=1", "then_by=,then_top=0.2"} {
		d := z
		if err := d.Override(bad); err == nil || !strings.Contains(err.Error(), "then_") {
			t.Errorf("override %q: %v, want an error naming then_by or then_top", bad, err)
		}
	}
	o, _ := Preset("short", "oneshot", 1)
	if err := o.Override("then_by=ntk"); err == nil || !strings.Contains(err.Error(), "zero-cost") {
		t.Errorf("then_by on oneshot: %v, want an error naming the zero-cost strategy", err)
	}
}

// The zero-cost presets score on 32 images; proxy_images sets the minibatch where
// proxies are computed and is refused elsewhere.
func TestProxyImagesSetting(t *testing.T) {
	z, _ := Preset("short", "zero-cost", 1)
	if z.ProxyBatch() != ZeroCostPresetImages || ZeroCostPresetImages != 32 {
		t.Errorf("the zero-cost preset's proxy minibatch is %d, want 32", z.ProxyBatch())
	}
	if err := z.Override("proxy_images=64"); err != nil || z.ProxyBatch() != 64 {
		t.Errorf("proxy_images=64: %v, minibatch %d", err, z.ProxyBatch())
	}
	for _, bad := range []string{"proxy_images=1", "proxy_images=-3"} {
		d := z
		if err := d.Override(bad); err == nil || !strings.Contains(err.Error(), "proxy_images") {
			t.Errorf("override %q: %v, want an error naming proxy_images", bad, err)
		}
	}
	o, _ := Preset("scaled", "oneshot", 1) // score_by=loss+zero-cost: its proxies keep 64 images
	if o.ProxyBatch() != 64 {
		t.Errorf("scaled oneshot's proxy minibatch is %d, want 64", o.ProxyBatch())
	}
	if err := o.Override("proxy_images=32"); err != nil || o.ProxyBatch() != 32 {
		t.Errorf("proxy_images=32 with score_by=loss+zero-cost: %v, minibatch %d", err, o.ProxyBatch())
	}
	e, _ := Preset("short", "enas", 1)
	if err := e.Override("proxy_images=32"); err == nil || !strings.Contains(err.Error(), "proxy_images") {
		t.Errorf("proxy_images on short enas (scored by the loss): %v, want an error naming proxy_images", err)
	}
}
