package nb201search

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas/zerocost"
	"github.com/pkg/errors"
)

// Config is everything that decides one search: the supernet and its training,
// how architectures are scored, the strategy and its settings, and the random
// control. Presets fill it (Preset).
type Config struct {
	Preset   string `json:"preset"`
	Strategy string `json:"strategy"` // a Strategies name: enas, oneshot, random
	Data     string `json:"data"`     // cifar10
	Seed     uint64 `json:"seed"`

	// The supernet: NB201's skeleton with C channels and N cells per stage (the
	// benchmark trains C = 16, N = 5).
	Channels      int `json:"channels"`
	CellsPerStage int `json:"cells_per_stage"`

	// TrainImages of the train half train the weights (0: all 25,000); Augment
	// adds CIFAR's pad-4 crop and flip.
	TrainImages int  `json:"train_images"`
	Augment     bool `json:"augment"`
	// Epochs of StepsPerEpoch single-path SGD steps on minibatches of BatchSize.
	Epochs        int     `json:"epochs"`
	StepsPerEpoch int     `json:"steps_per_epoch"`
	BatchSize     int     `json:"batch_size"`
	LRMax         float64 `json:"lr_max"` // cosine from LRMax to LRMin over the whole run
	LRMin         float64 `json:"lr_min"`
	Momentum      float64 `json:"momentum"` // Nesterov
	WeightDecay   float64 `json:"weight_decay"`
	ClipNorm      float64 `json:"clip_norm"`

	// An architecture's score is measured with the shared weights on ScoreImages
	// fixed random images of the valid half (the same images for every
	// architecture), in minibatches of ScoreBatch with batch-norm statistics of
	// each minibatch. ScoreBy says what is measured: "loss", the negative mean
	// cross-entropy (tiny and short: it ranks the table's cells better than the
	// accuracy, BENCHMARKS.md), "accuracy" (ties broken by the mean loss; also what
	// an empty ScoreBy means, as in the result.json files of runs from before the
	// setting existed), or "loss+zero-cost" (scaled): the fraction of the rank
	// cells whose loss is higher, plus the zero-cost strategy's score (Proxies)
	// divided by the number of proxies — the shared weights and the proxies at
	// initialisation with equal weights.
	ScoreImages int    `json:"score_images"`
	ScoreBatch  int    `json:"score_batch"`
	ScoreBy     string `json:"score_by,omitempty"`
	// RankCells fixed random cells (the same for every run of a seed) are scored
	// after every epoch and compared with the table (Kendall τ, Spearman ρ).
	RankCells int `json:"rank_cells"`
	// Candidates is the number of distinct architectures scored to choose the pick
	// (the random search's budget, evolution's, ENAS's derive samples).
	Candidates int `json:"candidates"`
	// Controls is K, the random searches (Candidates random cells each, best score
	// kept) run on the final supernet as the control.
	Controls int `json:"controls"`
	// ControlCandidates is the number of random cells each control search scores
	// (0: Candidates). The zero-cost strategy sets 1, so its control is K random
	// cells: a search with the same evaluator and budget would be the pick's own
	// procedure.
	ControlCandidates int `json:"control_candidates,omitempty"`

	// enas: the controller (a controllers.LSTMPresets name) starts after
	// WarmupEpochs of uniform paths; then every epoch ends with ControllerSteps
	// REINFORCE updates of Aggregate architectures, each rewarded on one
	// validation minibatch; UniformMix of the child steps keep uniform paths.
	// RewardBy says what the reward is: "accuracy" on the minibatch (ENAS's; also
	// what an empty RewardBy means) or "score", the search's own score (ScoreBy)
	// measured on the minibatch, so that the controller learns what the pick is
	// chosen by.
	RewardBy        string  `json:"reward_by,omitempty"`
	Controller      string  `json:"controller"`
	EntropyWeight   float64 `json:"entropy_weight"`
	WarmupEpochs    int     `json:"warmup_epochs"`
	ControllerSteps int     `json:"controller_steps"`
	Aggregate       int     `json:"aggregate"`
	UniformMix      float64 `json:"uniform_mix"`

	// oneshot: regularized evolution with population P and tournaments of S.
	Population int `json:"population"`
	Tournament int `json:"tournament"`

	// zero-cost (and score_by loss+zero-cost): the proxies whose scores are combined, joined by "+" (e.g.
	// "naswot+zico", as `--set proxies=naswot+zico` takes it; names as
	// zerocost.ParseProxy reads them); empty: zerocost.DefaultProxies, naswot+synflow.
	// The zero-cost strategy's presets set ZeroCostPresetProxies.
	Proxies string `json:"proxies"`
	// zero-cost: ThenBy, a proxy whose order a leading "-" reverses (e.g. "-ntk"),
	// orders the cells whose combined score is in the top ThenTop (0: 0.1) of the
	// rank cells' combined scores; every such cell scores above every other. Empty:
	// the combined score alone.
	ThenBy  string  `json:"then_by,omitempty"`
	ThenTop float64 `json:"then_top,omitempty"`
	// zero-cost (and score_by loss+zero-cost): ProxyImages random training images
	// make the proxies' minibatch (0: 64, what runs from before the setting used).
	// The zero-cost strategy's presets set ZeroCostPresetImages.
	ProxyImages int `json:"proxy_images,omitempty"`
}

// defaultProxyImages is the proxies' minibatch when Config.ProxyImages is 0: 64
// images, as measured in BENCHMARKS.md "Zero-cost evaluators on NAS-Bench-201".
const defaultProxyImages = 64

// ProxyBatch is the number of images in the zero-cost proxies' minibatch.
func (c *Config) ProxyBatch() int {
	if c.ProxyImages == 0 {
		return defaultProxyImages
	}
	return c.ProxyImages
}

// Network is the supernet's skeleton for 32×32 RGB images.
func (c *Config) Network() cells.NB201Network {
	return cells.NB201Network{Channels: c.Channels, CellsPerStage: c.CellsPerStage, ImageSize: 32, ImageChannels: 3}
}

// TotalSteps is the number of supernet training steps of the run.
func (c *Config) TotalSteps() int { return c.Epochs * c.StepsPerEpoch }

// Validate reports the first unusable setting.
func (c *Config) Validate() error {
	if _, ok := strategies[c.Strategy]; !ok {
		return errors.Errorf("nb201search: unknown strategy %q (have %s)", c.Strategy, strings.Join(StrategyNames(), ", "))
	}
	switch {
	case c.Data != "cifar10":
		return errors.Errorf("nb201search: the NB201 table is scored on cifar10 here, not %q", c.Data)
	case c.Channels < 1 || c.CellsPerStage < 1:
		return errors.Errorf("nb201search: channels (%d) and cells per stage (%d) must be positive", c.Channels, c.CellsPerStage)
	case c.Epochs < 1 || c.StepsPerEpoch < 1 || c.BatchSize < 1:
		return errors.Errorf("nb201search: epochs (%d), steps per epoch (%d) and batch size (%d) must be positive", c.Epochs, c.StepsPerEpoch, c.BatchSize)
	case c.LRMax <= 0 || c.LRMin < 0 || c.LRMin > c.LRMax:
		return errors.Errorf("nb201search: learning rate needs 0 <= min (%g) <= max (%g), max > 0", c.LRMin, c.LRMax)
	case c.ScoreBatch < 1 || c.ScoreImages < c.ScoreBatch || c.ScoreImages%c.ScoreBatch != 0:
		return errors.Errorf("nb201search: score images (%d) must be a positive multiple of the score batch (%d)", c.ScoreImages, c.ScoreBatch)
	case c.RankCells < 2 || c.Candidates < 1 || c.Controls < 0:
		return errors.Errorf("nb201search: rank cells (%d) must be at least 2, candidates (%d) positive, controls (%d) not negative", c.RankCells, c.Candidates, c.Controls)
	case c.ScoreBy != "" && c.ScoreBy != ScoreByLoss && c.ScoreBy != ScoreByAccuracy && c.ScoreBy != ScoreByLossAndZeroCost:
		return errors.Errorf("nb201search: score_by %q: want %q, %q or %q", c.ScoreBy, ScoreByLoss, ScoreByAccuracy, ScoreByLossAndZeroCost)
	case c.ScoreBy == ScoreByLossAndZeroCost && c.Strategy == zeroCost:
		return errors.Errorf("nb201search: score_by %q mixes shared weights in; the zero-cost strategy trains none", c.ScoreBy)
	case c.RewardBy != "" && c.RewardBy != RewardByAccuracy && c.RewardBy != RewardByScore:
		return errors.Errorf("nb201search: reward_by %q: want %q or %q", c.RewardBy, RewardByAccuracy, RewardByScore)
	case c.UniformMix < 0 || c.UniformMix > 1:
		return errors.Errorf("nb201search: uniform mix must be in [0, 1], got %g", c.UniformMix)
	}
	switch c.Strategy {
	case "enas":
		if c.ControllerSteps < 1 || c.Aggregate < 1 || c.WarmupEpochs < 0 || c.WarmupEpochs >= c.Epochs {
			return errors.Errorf("nb201search: enas needs positive controller steps (%d) and aggregate (%d), and warm-up epochs (%d) in [0, epochs %d)",
				c.ControllerSteps, c.Aggregate, c.WarmupEpochs, c.Epochs)
		}
	case "oneshot":
		if c.Population < 1 || c.Tournament < 1 || c.Tournament > c.Population {
			return errors.Errorf("nb201search: oneshot needs 1 <= tournament (%d) <= population (%d)", c.Tournament, c.Population)
		}
	}
	if _, err := c.ZeroCostProxies(); err != nil {
		return err
	}
	if _, _, err := c.ThenProxy(); err != nil {
		return err
	}
	switch {
	case c.ProxyImages == 0:
	case c.Strategy != zeroCost && c.ScoreBy != ScoreByLossAndZeroCost:
		return errors.Errorf("nb201search: proxy_images %d is a setting of the zero-cost strategy or of score_by=%s, not of %s", c.ProxyImages, ScoreByLossAndZeroCost, c.Strategy)
	case c.ProxyImages < 2:
		return errors.Errorf("nb201search: proxy_images %d: the proxies compare images with each other; give at least 2", c.ProxyImages)
	}
	return nil
}

// ThenProxy is ThenBy parsed: the proxy and its sign (-1 when a leading "-"
// reverses its order); "" when there is none.
func (c *Config) ThenProxy() (zerocost.Proxy, float64, error) {
	switch {
	case c.ThenBy == "":
		if c.ThenTop != 0 {
			return "", 0, errors.Errorf("nb201search: then_top %g without then_by", c.ThenTop)
		}
		return "", 0, nil
	case c.Strategy != zeroCost:
		return "", 0, errors.Errorf("nb201search: then_by %q is a setting of the zero-cost strategy, not of %s", c.ThenBy, c.Strategy)
	case c.ThenTop < 0 || c.ThenTop >= 1:
		return "", 0, errors.Errorf("nb201search: then_top %g: want a fraction in (0, 1), or 0 for 0.1", c.ThenTop)
	}
	name, sign := c.ThenBy, 1.0
	if rest, ok := strings.CutPrefix(name, "-"); ok {
		name, sign = rest, -1
	}
	p, err := zerocost.ParseProxy(name)
	if err != nil {
		return "", 0, errors.WithMessage(err, "nb201search: then_by")
	}
	return p, sign, nil
}

// ZeroCostProxies are the proxies the zero-cost strategy combines: Proxies parsed,
// or zerocost.DefaultProxies when it is empty.
func (c *Config) ZeroCostProxies() ([]zerocost.Proxy, error) {
	if c.Proxies == "" {
		return zerocost.DefaultProxies, nil
	}
	p, err := zerocost.ParseProxies(strings.ReplaceAll(c.Proxies, "+", ","))
	if err != nil {
		return nil, errors.WithMessage(err, "nb201search: proxies")
	}
	if c.Strategy != zeroCost && c.ScoreBy != ScoreByLossAndZeroCost {
		return nil, errors.Errorf("nb201search: proxies %q are a setting of the zero-cost strategy or of score_by=%s, not of %s", c.Proxies, ScoreByLossAndZeroCost, c.Strategy)
	}
	return p, nil
}

// The values of Config.ScoreBy.
const (
	ScoreByLoss     = "loss"
	ScoreByAccuracy = "accuracy"
	// ScoreByLossAndZeroCost adds the zero-cost proxies' ranks to the loss's.
	ScoreByLossAndZeroCost = "loss+zero-cost"
)

// The values of Config.RewardBy.
const (
	RewardByAccuracy = "accuracy"
	RewardByScore    = "score"
)

// canonical is the configuration's JSON.
func (c *Config) canonical() string {
	blob, _ := json.Marshal(c)
	return string(blob)
}

// presets are the named settings. Every strategy shares a preset's supernet,
// scoring and budget; only the strategy's own fields differ. They were chosen on
// the table's cifar10-val column and the valid half's images, never on test
// accuracies (see BENCHMARKS.md, "NAS-Bench-201 weight-sharing search").
var presets = map[string]Config{
	// tiny: a CI check of the whole pipeline (well under a minute); not a search
	// that ranks anything.
	"tiny": {
		Channels: 4, CellsPerStage: 1, TrainImages: 512, Epochs: 2, StepsPerEpoch: 6, BatchSize: 32,
		ScoreImages: 32, ScoreBatch: 32, RankCells: 100, Candidates: 12, Controls: 2,
		WarmupEpochs: 1, ControllerSteps: 2, Aggregate: 4, UniformMix: 0.5,
		Population: 6, Tournament: 3,
	},
	// short: the candidate for the README's main job (see BENCHMARKS.md for its
	// time and what it finds).
	"short": {
		Channels: 8, CellsPerStage: 1, TrainImages: 0, Augment: false, Epochs: 4, StepsPerEpoch: 300, BatchSize: 64,
		ScoreImages: 256, ScoreBatch: 128, RankCells: 100, Candidates: 100, Controls: 3,
		WarmupEpochs: 2, ControllerSteps: 15, Aggregate: 10, UniformMix: 0.5,
		Population: 20, Tournament: 5,
	},
	// scaled: 37-40 minutes for oneshot on 2 cores shared with other jobs
	// (BENCHMARKS.md, "The scaled preset, first runs end to end"). It scores by
	// the loss and the zero-cost proxies together (SupernetPresetProxies): τ against
	// cifar10-val higher than by the loss alone at every epoch of its runs
	// (BENCHMARKS.md, "Scoring by the loss, and by the loss with the zero-cost
	// proxies").
	"scaled": {
		Channels: 16, CellsPerStage: 2, TrainImages: 0, Augment: true, Epochs: 20, StepsPerEpoch: 250, BatchSize: 64,
		ScoreImages: 256, ScoreBatch: 128, ScoreBy: ScoreByLossAndZeroCost, Proxies: SupernetPresetProxies, RankCells: 100, Candidates: 200, Controls: 5,
		WarmupEpochs: 5, ControllerSteps: 20, Aggregate: 10, UniformMix: 0.5,
		Population: 30, Tournament: 10,
	},
}

// presetDefaults are the settings every preset shares: scores by the loss unless
// the preset says otherwise (chosen
// on τ against cifar10-val: higher than by accuracy in 75 of the 96 epochs of nine
// runs, all 20 epochs of scaled seed 1 and 18 of seed 2), the optimizer of NB201's
// weight-sharing baselines [1] (Nesterov momentum 0.9, weight decay 5e-4, clipping
// at 5, cosine schedule) but a learning rate of 0.1 instead of 0.025 (their runs
// take 250 epochs, ours a few hundred to a few thousand steps: 0.1 trains the
// supernet faster, chosen on its training loss), and the NB201 controller
// (controllers.NB201Tuned) with an entropy bonus of 1e-3.
func presetDefaults(c Config) Config {
	c.Data = "cifar10"
	if c.ScoreBy == "" {
		c.ScoreBy = ScoreByLoss
	}
	c.LRMax, c.LRMin, c.Momentum, c.WeightDecay, c.ClipNorm = 0.1, 0, 0.9, 5e-4, 5
	c.Controller, c.EntropyWeight = "nb201", 1e-3
	return c
}

// ZeroCostPresetProxies are the proxies of the zero-cost strategy's presets: NASWOT,
// which grows with the network's size and how differently it codes the images, and
// stem-grad, which is low where batch norm makes the gradient explode on its way to
// the input and a residual path does not temper it. Chosen on cifar10-val only
// (BENCHMARKS.md, "Gradient explosion at the stem"); the supernets' score_by=loss+zero-cost
// of the scaled preset has its own, SupernetPresetProxies.
const ZeroCostPresetProxies = "naswot+stem_grad"

// SupernetPresetProxies is what the scaled preset's score (score_by=loss+zero-cost)
// adds to the shared-weight loss: NASWOT and synflow (zerocost.DefaultProxies).
// NASWOT alone orders the 100 rank cells better (oneshot, seeds 1-5: τ against
// cifar10-val 0.51-0.58 at the end, against 0.46-0.58), but its picks were worse on
// cifar10-val: lower on 1 of 5 oneshot seeds (77.02 against 84.23) and on 2 of 3
// enas seeds, higher on 2 oneshot seeds by at most 1.06 points. The pick is the
// one cell at the top of the score, which a τ over all the rank cells does not
// measure. Chosen on cifar10-val only (BENCHMARKS.md, "The shared-weight loss with
// NASWOT alone, end to end"); --set proxies=naswot gives NASWOT alone.
const SupernetPresetProxies = "naswot+synflow"

// ZeroCostPresetImages is the zero-cost strategy's presets' proxy minibatch: 32
// images. stem-grad's backward pass holds the activations of every image, and in
// the simulation on cifar10-val 32 images pick at least as well as 64
// (BENCHMARKS.md, "The proxies on 32 images: the main job's memory").
const ZeroCostPresetImages = 32

// Preset returns the named preset for strategy, with seed.
func Preset(name, strategy string, seed uint64) (Config, error) {
	p, ok := presets[name]
	if !ok {
		return Config{}, errors.Errorf("nb201search: unknown preset %q (have %s)", name, strings.Join(PresetNames(), ", "))
	}
	c := presetDefaults(p)
	c.Preset, c.Strategy, c.Seed = name, strategy, seed
	if strategy == zeroCost {
		// Nothing to train: one pass of the rank agreement, and random cells as the control.
		c.Epochs, c.Controls, c.ControlCandidates, c.ScoreBy = 1, 10, 1, ScoreByLoss
		c.Proxies, c.ProxyImages = ZeroCostPresetProxies, ZeroCostPresetImages
	}
	return c, c.Validate()
}

// PresetNames lists the presets, smallest first.
func PresetNames() []string { return []string{"tiny", "short", "scaled"} }

// PresetTable prints the presets as a Markdown table.
func PresetTable() string {
	var b strings.Builder
	b.WriteString("| preset | C | N | train images | epochs × steps | batch | score images | score by | rank cells | candidates | controls | enas warm-up, updates × m, uniform mix | oneshot P, S |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, name := range PresetNames() {
		c := presetDefaults(presets[name])
		train := "25,000"
		if c.TrainImages > 0 {
			train = fmt.Sprint(c.TrainImages)
		}
		scoreBy := c.ScoreBy
		if c.ScoreBy == ScoreByLossAndZeroCost {
			scoreBy += " (" + proxyNames(c) + ")"
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %s | %d × %d | %d | %d | %s | %d | %d | %d | %d, %d × %d, %g | %d, %d |\n", name, c.Channels, c.CellsPerStage, train,
			c.Epochs, c.StepsPerEpoch, c.BatchSize, c.ScoreImages, scoreBy, c.RankCells, c.Candidates, c.Controls,
			c.WarmupEpochs, c.ControllerSteps, c.Aggregate, c.UniformMix, c.Population, c.Tournament)
	}
	return b.String()
}

// StrategyNames lists the strategies, sorted.
func StrategyNames() []string {
	var names []string
	for n := range strategies {
		names = append(names, n)
	}
	sort.Strings(names)
	return slices.Clip(names)
}

// settingNames are the JSON names of Config's fields, those left out of its JSON
// when empty included.
func settingNames() []string {
	t := reflect.TypeFor[Config]()
	names := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		names = append(names, name)
	}
	return names
}

// Override sets fields of c by their JSON names from "name=value" pairs separated
// by commas (e.g. "lr_max=0.1,epochs=8"), then validates c.
func (c *Config) Override(pairs string) error {
	if strings.TrimSpace(pairs) == "" {
		return nil
	}
	var m map[string]any
	blob, _ := json.Marshal(c)
	if err := json.Unmarshal(blob, &m); err != nil {
		return err
	}
	set := map[string]bool{}
	for _, kv := range strings.Split(pairs, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok || !slices.Contains(settingNames(), k) {
			return errors.Errorf("nb201search: override %q: expected name=value with a setting's JSON name (e.g. lr_max=0.1)", kv)
		}
		var val any
		if err := json.Unmarshal([]byte(v), &val); err != nil {
			val = v // a bare string
		}
		m[k], set[k] = val, true
	}
	// A preset's proxies go with its score: a score_by that uses none drops them,
	// unless proxies is set too (then Validate says it is not used).
	if set["score_by"] && !set["proxies"] && m["score_by"] != ScoreByLossAndZeroCost && c.Strategy != zeroCost {
		m["proxies"] = ""
	}
	blob, _ = json.Marshal(m)
	var out Config
	if err := json.Unmarshal(blob, &out); err != nil {
		return errors.Wrapf(err, "nb201search: override %q", pairs)
	}
	if err := out.Validate(); err != nil {
		return err // c is left as it was
	}
	*c = out
	return nil
}
