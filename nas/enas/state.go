package enas

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/gonas/gonas/nas/checkpoint"
	"github.com/pkg/errors"
)

// What a checkpoint of a search holds (package nas/checkpoint writes it atomically,
// with a checksummed MANIFEST, every epoch and on SIGINT/SIGTERM):
//
//	config.json   the Config (a resume refuses another one)
//	state.json    searchState: position, epoch accumulators, history, the
//	              controller's call log and probe (see controller.go)
//	store.json, store.bin   the shared weights with the child optimizer's momentum,
//	              global step and learning rate, and the store's random state
//	child.bin     the RNN's carried hidden state (enas-rnn only)
//
// The data order and augmentation need no state: they are drawn from generators
// seeded by the run's seed and the position (streams.go).

const (
	configName   = "config.json"
	stateName    = "state.json"
	childName    = "child.bin"
	stateVersion = 1
)

// position is where a search stands: an epoch is its child steps, then its
// controller updates.
type position struct {
	Epoch  int  `json:"epoch"`  // 0-based epoch in progress (== Epochs when done)
	Step   int  `json:"step"`   // child steps done in this epoch
	Update int  `json:"update"` // controller updates done in this epoch
	Done   bool `json:"done"`   // every epoch finished
}

// check refuses a position no search reaches (a hand-edited state.json): it must
// lie within epochs epochs of stepsPerEpoch child steps and updates controller
// updates each.
func (p position) check(epochs, stepsPerEpoch, updates int) error {
	switch {
	case p.Epoch < 0 || p.Epoch > epochs || p.Step < 0 || p.Step > stepsPerEpoch || p.Update < 0 || p.Update > updates:
		return errors.Errorf("position epoch %d, step %d, update %d is outside the search's %d epochs of %d steps and %d updates",
			p.Epoch, p.Step, p.Update, epochs, stepsPerEpoch, updates)
	case p.Done != (p.Epoch == epochs):
		return errors.Errorf("position epoch %d of %d says done=%v", p.Epoch, epochs, p.Done)
	}
	return nil
}

// epochAcc accumulates the current epoch's statistics.
type epochAcc struct {
	LossSum    float64 `json:"loss_sum"`
	Steps      int     `json:"steps"`
	Skipped    int     `json:"skipped"`
	RewardSum  float64 `json:"reward_sum"`
	ValidLoss  float64 `json:"valid_loss_sum"`
	Rewards    int     `json:"rewards"`
	EntropySum float64 `json:"entropy_sum"`
	BestArch   string  `json:"best_arch"`
	BestReward float64 `json:"best_reward"`
	Seconds    float64 `json:"seconds"`
}

// searchState is state.json.
type searchState struct {
	Version    int        `json:"version"`
	Pos        position   `json:"position"`
	Acc        epochAcc   `json:"epoch_acc"`
	History    History    `json:"history"`
	Controller []ctrlCall `json:"controller_calls"`
	Probe      ctrlProbe  `json:"controller_probe"`
	Seconds    float64    `json:"seconds"` // search time so far
	StoreHash  string     `json:"store_sha256"`
}

// units is the amount of work done, the checkpoint's step number.
func (st *searchState) units(stepsPerEpoch, updatesPerEpoch int) int {
	return st.Pos.Epoch*(stepsPerEpoch+updatesPerEpoch) + st.Pos.Step + st.Pos.Update
}

// saveCheckpoint writes the search's checkpoint and returns its directory.
func (s *Search) saveCheckpoint() (string, error) {
	p, err := probe(s.ctrl, s.space)
	if err != nil {
		return "", err
	}
	s.st.Probe, s.st.Controller, s.st.Version = p, s.rec.log, stateVersion
	units := s.st.units(s.child.stepsPerEpoch(), s.cfg.Controller.TrainSteps)
	return s.ckpt.Save(units, func(dir string) error {
		if err := writeJSON(filepath.Join(dir, configName), s.cfg); err != nil {
			return err
		}
		if err := saveStore(s.child.store(), dir); err != nil {
			return err
		}
		hash, err := fileSHA256(filepath.Join(dir, storeDataName))
		if err != nil {
			return err
		}
		s.st.StoreHash = hash
		if err := writeJSON(filepath.Join(dir, stateName), s.st); err != nil {
			return err
		}
		blob, err := s.child.state()
		if err != nil || blob == nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, childName), blob, 0o644)
	})
}

// latestCheckpoint verifies and returns the newest checkpoint under out, with its
// configuration.
func latestCheckpoint(out string) (dir string, cfg Config, err error) {
	d := checkpoint.Dir{Path: filepath.Join(out, checkpointsDir)}
	_, dir, ok, err := d.Latest()
	if err != nil {
		return "", cfg, errors.WithMessagef(err, "enas: cannot resume from %s (the checkpoint is left as it is)", out)
	}
	if !ok {
		return "", cfg, errors.Errorf("enas: %s holds no checkpoint to resume", out)
	}
	if err := readJSON(filepath.Join(dir, configName), &cfg); err != nil {
		return "", cfg, err
	}
	return dir, cfg, nil
}

// loadCheckpoint restores the search from dir: the shared weights (checked against
// the saved hash), the RNN state, the position and history, and the controller by
// replay, checked against the saved probe.
func (s *Search) loadCheckpoint(dir string) error {
	if err := readJSON(filepath.Join(dir, stateName), &s.st); err != nil {
		return err
	}
	if s.st.Version != stateVersion {
		return errors.Errorf("enas: checkpoint %s has state version %d, this GoNAS reads %d", dir, s.st.Version, stateVersion)
	}
	if err := s.st.Pos.check(s.cfg.Child.Epochs, s.child.stepsPerEpoch(), s.cfg.Controller.TrainSteps); err != nil {
		return errors.WithMessagef(err, "enas: checkpoint %s", dir)
	}
	if err := loadStore(s.child.store(), dir); err != nil {
		return err
	}
	hash, err := storeSHA256(s.child.store())
	if err != nil {
		return err
	}
	if hash != s.st.StoreHash {
		return errors.Errorf("enas: the shared weights loaded from %s differ from those saved (sha256 %s, saved %s)", dir, hash[:12], s.st.StoreHash[:min(12, len(s.st.StoreHash))])
	}
	blob, err := os.ReadFile(filepath.Join(dir, childName))
	if err != nil && !os.IsNotExist(err) {
		return errors.Wrap(err, "enas")
	}
	if err := s.child.setState(blob); err != nil {
		return err
	}
	if err := s.rec.replay(s.st.Controller); err != nil {
		return err
	}
	p, err := probe(s.ctrl, s.space)
	if err != nil {
		return err
	}
	if !equalProbes(p, s.st.Probe) {
		return errors.Errorf("enas: the controller rebuilt from %s's call log differs from the one saved (baseline %v, saved %v): "+
			"the controller is not deterministic, or the checkpoint comes from another version", dir, p.Baseline, s.st.Probe.Baseline)
	}
	return nil
}

func writeJSON(path string, v any) error {
	blob, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return errors.Wrapf(err, "enas: encoding %s", filepath.Base(path))
	}
	return errors.Wrap(os.WriteFile(path, append(blob, '\n'), 0o644), "enas")
}

func readJSON(path string, v any) error {
	blob, err := os.ReadFile(path)
	if err != nil {
		return errors.Wrap(err, "enas")
	}
	return errors.Wrapf(json.Unmarshal(blob, v), "enas: reading %s", path)
}

func fileSHA256(path string) (string, error) {
	blob, err := os.ReadFile(path)
	if err != nil {
		return "", errors.Wrap(err, "enas")
	}
	sum := sha256.Sum256(blob)
	return hex.EncodeToString(sum[:]), nil
}
