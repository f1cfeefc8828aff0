package enas

import (
	"bytes"
	"encoding/json"
)

// History is what a search saw, kept in its checkpoints and written, one JSON
// object per line, to history.jsonl: every controller update, every epoch, and
// every skipped child step.
type History struct {
	Updates []UpdateRecord `json:"updates"`
	Epochs  []EpochRecord  `json:"epochs"`
	Skips   []SkipRecord   `json:"skips,omitempty"`
}

// UpdateRecord is one REINFORCE update of the controller.
type UpdateRecord struct {
	Epoch      int     `json:"epoch"`  // 1-based
	Update     int     `json:"update"` // 1-based within the epoch; 0 for a skipped step's penalty
	RewardMean float64 `json:"reward_mean"`
	RewardMax  float64 `json:"reward_max"`
	Baseline   float64 `json:"baseline"`
	Entropy    float64 `json:"entropy"` // mean Σ_t H_t of the samples
	Loss       float64 `json:"loss"`
	GradNorm   float64 `json:"grad_norm"`
}

// EpochRecord summarises one epoch: child training, then the controller phase.
type EpochRecord struct {
	Epoch     int     `json:"epoch"` // 1-based
	TrainLoss float64 `json:"train_loss"`
	Steps     int     `json:"steps"`   // child steps taken
	Skipped   int     `json:"skipped"` // child steps skipped (non-finite loss)
	LR        float64 `json:"lr"`      // child learning rate at the epoch's end
	// ValidAcc (images) or ValidPPL (RNN): the mean over the controller phase of the
	// sampled architectures' validation minibatches, with the shared weights.
	ValidAcc   float64 `json:"valid_acc,omitempty"`
	ValidPPL   float64 `json:"valid_ppl,omitempty"`
	RewardMean float64 `json:"reward_mean"`
	Baseline   float64 `json:"baseline"`
	Entropy    float64 `json:"entropy"`
	BestArch   string  `json:"best_arch"` // the phase's best-rewarded architecture (JSON)
	BestReward float64 `json:"best_reward"`
	Seconds    float64 `json:"seconds"`
	GraphsHeld int     `json:"graphs_held"` // compiled graphs in the cache
	RSSMB      float64 `json:"rss_mb"`      // resident memory at the epoch's end
}

// SkipRecord is a child step skipped for a non-finite loss; its architecture got
// the worst reward (0).
type SkipRecord struct {
	Epoch int    `json:"epoch"` // 1-based
	Step  int    `json:"step"`  // 0-based within the epoch
	Arch  string `json:"arch"`
	Loss  string `json:"loss"` // "NaN", "+Inf" or "-Inf" (JSON has no such numbers)
}

// JSONL is the history as lines of {"kind": "update"|"epoch"|"skip", ...}, in the
// order the search made them (updates and skips of an epoch before the epoch).
func (h *History) JSONL() []byte {
	var b bytes.Buffer
	line := func(kind string, v any) {
		blob, _ := json.Marshal(v)
		b.WriteString(`{"kind":"` + kind + `",`)
		b.Write(blob[1:])
		b.WriteByte('\n')
	}
	u, s := 0, 0
	for _, e := range h.Epochs {
		for ; s < len(h.Skips) && h.Skips[s].Epoch <= e.Epoch; s++ {
			line("skip", h.Skips[s])
		}
		for ; u < len(h.Updates) && h.Updates[u].Epoch <= e.Epoch; u++ {
			line("update", h.Updates[u])
		}
		line("epoch", e)
	}
	for ; s < len(h.Skips); s++ {
		line("skip", h.Skips[s])
	}
	for ; u < len(h.Updates); u++ {
		line("update", h.Updates[u])
	}
	return b.Bytes()
}
