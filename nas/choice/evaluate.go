package choice

import (
	"github.com/gomlx/compute"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/data"
	"github.com/gonas/gonas/nas/train"
	"github.com/pkg/errors"
)

// ScratchEvaluator scores an architecture of s by training it from scratch on
// trainSet with cfg (train.Classifier) and measuring its accuracy on valid: the
// evaluator of a multi-trial search (Search without Shared). Called twice on one
// architecture with the same cfg, it returns the same accuracy; change cfg.Seed to
// see how much of an accuracy is the luck of the initial weights and the data order.
func ScratchEvaluator(backend compute.Backend, s *Space, trainSet, valid *data.Dataset, cfg train.Config) nas.Evaluator {
	return func(a nas.Arch) (float64, error) {
		m, err := s.ImageModel(a, trainSet.NumClasses)
		if err != nil {
			return 0, err
		}
		res, _, err := train.Classifier(backend, m, trainSet, valid, cfg)
		if err != nil {
			return 0, errors.WithMessagef(err, "training %s from scratch", a)
		}
		return res.TestAccuracy, nil
	}
}
