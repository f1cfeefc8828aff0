package enas

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomlx/compute"
	"github.com/gonas/gonas/controllers"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/backends"
	"github.com/gonas/gonas/nas/checkpoint"
	"github.com/pkg/errors"
)

// ErrInterrupted is returned by Run when its context is cancelled (SIGINT,
// SIGTERM): the search saved a checkpoint of where it stopped first.
var ErrInterrupted = errors.New("enas: search interrupted; its checkpoint is saved")

// checkpointsDir is the sub-directory of the output holding the checkpoints, of
// which the newest keepCheckpoints are kept.
const (
	checkpointsDir  = "checkpoints"
	keepCheckpoints = 3
)

// Options are where a search writes, not what it computes.
type Options struct {
	Out      string          // output directory: checkpoints/, history.jsonl, result.json, report.html
	Backend  compute.Backend // runs the child networks; nil: backends.New()
	Progress io.Writer       // progress bars (stderr); nil: none
	Metrics  io.Writer       // name=value lines (stdout); nil: none
	Log      io.Writer       // warnings and notes (stderr); nil: none
	Data     *Data           // the data, when already loaded; nil: LoadData
}

// Search is one ENAS search [1]: a shared-weights child network, an LSTM
// controller, and where they stand. The loop (Run) alternates, every epoch, a child
// phase — one SGD step per child step, each on a newly sampled architecture — and a
// controller phase of TrainSteps REINFORCE updates on Aggregate architectures each,
// rewarded on validation minibatches with the weights fixed [3].
type Search struct {
	cfg   Config
	opts  Options
	data  *Data
	space nas.Space
	child child
	ctrl  *controllers.LSTM
	rec   *recorder
	st    searchState
	ckpt  checkpoint.Dir
}

// New starts a search of cfg writing into opts.Out, which must not already hold a
// search's checkpoints (resume those with Resume).
func New(cfg Config, opts Options) (*Search, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(opts.Out, checkpointsDir, "LATEST")); err == nil {
		return nil, errors.Errorf("enas: %s already holds a search; resume it (--resume %s) or choose another output directory", opts.Out, opts.Out)
	}
	return build(cfg, opts)
}

// SavedConfig is the configuration of the search whose checkpoints are in out, as
// its newest checkpoint holds it.
func SavedConfig(out string) (Config, error) {
	_, cfg, err := latestCheckpoint(out)
	return cfg, err
}

// configDifferences says how want differs from saved: the named settings that
// differ ("seed 9 was asked, the search has 1"), or that other settings do.
func configDifferences(saved, want Config) string {
	var diffs []string
	for _, f := range []struct {
		name        string
		saved, want any
	}{{"space", saved.Space, want.Space}, {"preset", saved.Preset, want.Preset}, {"data", saved.Data, want.Data},
		{"seed", saved.Seed, want.Seed}, {"epochs", saved.Child.Epochs, want.Child.Epochs}} {
		if f.saved != f.want {
			diffs = append(diffs, fmt.Sprintf("%s %v was asked, the search has %v", f.name, f.want, f.saved))
		}
	}
	if len(diffs) == 0 {
		return "the settings asked for differ from its own"
	}
	return strings.Join(diffs, ", ")
}

// SameSearch checks that want, the settings a resume asks for, are those of the
// search saved in out; the error names the settings that differ.
func SameSearch(out string, saved, want Config) error {
	if want.canonical() == saved.canonical() {
		return nil
	}
	return errors.Errorf("enas: %s holds a search of %s (preset %q, data %s, seed %d); %s. A resumed search keeps its settings: "+
		"resume it without those flags, or start another search in another output directory",
		out, saved.Space, saved.Preset, saved.Data, saved.Seed, configDifferences(saved, want))
}

// Resume continues the search whose checkpoints are in opts.Out from the newest
// one. When want is not nil it must be the checkpoint's configuration. A corrupt
// checkpoint or a different configuration is an error, and nothing is written.
func Resume(opts Options, want *Config) (*Search, error) {
	dir, cfg, err := latestCheckpoint(opts.Out)
	if err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil { // a hand-edited checkpoint is not trusted
		return nil, errors.WithMessagef(err, "enas: the configuration saved in %s is not usable", dir)
	}
	if want != nil {
		if err := SameSearch(opts.Out, cfg, *want); err != nil {
			return nil, err
		}
	}
	s, err := build(cfg, opts)
	if err != nil {
		return nil, err
	}
	if err := s.loadCheckpoint(dir); err != nil {
		s.Close()
		return nil, err
	}
	s.logf("resumed from %s: epoch %d, step %d, update %d; shared weights and controller verified against the checkpoint\n",
		dir, s.st.Pos.Epoch+1, s.st.Pos.Step, s.st.Pos.Update)
	return s, nil
}

// build assembles the data, the child and the controller of cfg.
func build(cfg Config, opts Options) (*Search, error) {
	var err error
	if opts.Backend == nil {
		if opts.Backend, err = backends.New(); err != nil {
			return nil, err
		}
	}
	d := opts.Data
	if d == nil {
		if d, err = LoadData(&cfg); err != nil {
			return nil, err
		}
	}
	s := &Search{cfg: cfg, opts: opts, data: d, ckpt: checkpoint.Dir{Path: filepath.Join(opts.Out, checkpointsDir), Keep: keepCheckpoints}}
	if s.space, err = searchSpace(&cfg, d, false); err != nil {
		return nil, err
	}
	if s.child, err = newChild(opts.Backend, &cfg, d); err != nil {
		return nil, err
	}
	if s.ctrl, err = newController(s.space, &cfg); err != nil {
		s.child.close()
		return nil, err
	}
	s.rec = &recorder{ctrl: s.ctrl}
	return s, nil
}

// Config returns the search's configuration.
func (s *Search) Config() Config { return s.cfg }

// Space returns the searched space (as sized for the search).
func (s *Search) Space() nas.Space { return s.space }

// Data returns the search's data.
func (s *Search) Data() *Data { return s.data }

// History returns what the search saw so far.
func (s *Search) History() *History { return &s.st.History }

// Done reports whether every epoch has run.
func (s *Search) Done() bool { return s.st.Pos.Done }

// Seconds is the time spent searching, over every resume.
func (s *Search) Seconds() float64 { return s.st.Seconds }

// Close frees the compiled graphs.
func (s *Search) Close() {
	s.child.close()
	s.ctrl.Close()
}
