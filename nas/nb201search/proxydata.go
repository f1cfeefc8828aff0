package nb201search

import (
	"github.com/gonas/gonas/nas/data"
	"github.com/gonas/gonas/nas/zerocost"
)

// proxyStream names the run seed's use that draws the zero-cost proxies'
// minibatch from Train.
const proxyStream = 0x2e60

// loadProxyData reads, of the data set at path (see LoadData), only the zero-cost
// proxies' minibatch of cfg's seed: the images LoadData followed by proxyBatch
// would give, through the same chain of indices (NB201's train half, the sample
// of cfg.TrainImages, cfg.ProxyBatch() random images of it), and with the same
// checks of the split's sizes; the other images are never decoded.
func loadProxyData(cfg *Config, path string) (*Data, error) {
	proxy, err := data.LoadNormalizedTrainSubset(cfg.Data, path, func(n int) ([]int, error) {
		half, valid, err := data.SplitIndices(n, n/2, nb201SplitSeed)
		if err != nil {
			return nil, err
		}
		train := pickFrom(half, sampleIndices(len(half), cfg.TrainImages, nb201SplitSeed+1))
		score := pickFrom(valid, sampleIndices(len(valid), cfg.ScoreImages, nb201SplitSeed+2))
		if err := checkSizes(cfg, len(train), len(valid), len(score)); err != nil {
			return nil, err
		}
		idx, err := zerocost.SampleIndices(len(train), cfg.ProxyBatch(), subSeed(cfg.Seed, proxyStream))
		if err != nil {
			return nil, err
		}
		return pickFrom(train, idx), nil
	})
	if err != nil {
		return nil, err
	}
	return &Data{Proxy: proxy}, nil
}

// pickFrom is positions[idx[0]], positions[idx[1]]…: positions itself when idx
// is nil (sampleIndices keeps everything).
func pickFrom(positions, idx []int) []int {
	if idx == nil {
		return positions
	}
	out := make([]int, len(idx))
	for j, i := range idx {
		out[j] = positions[i]
	}
	return out
}

// proxyBatch is the zero-cost proxies' minibatch of the run of cfg:
// cfg.ProxyBatch() random images of Train, or Proxy, which loadProxyData filled
// with those same images.
func (d *Data) proxyBatch(cfg *Config) (*data.Batch, error) {
	if d.Proxy == nil {
		return zerocost.SampleBatch(d.Train, cfg.ProxyBatch(), subSeed(cfg.Seed, proxyStream))
	}
	idx := make([]int, d.Proxy.Len())
	for i := range idx {
		idx[i] = i
	}
	b := d.Proxy.NewBatch(len(idx))
	return b, d.Proxy.Batch(idx, b)
}
