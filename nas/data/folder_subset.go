package data

// trainSubset decodes, of the listed training images, only those pick chooses
// (in parallel) and builds their dataset, in pick's order; the images must be
// height×width (both positive).
func (f *folderSplits) trainSubset(height, width int, pick pickFunc) (*Dataset, error) {
	src := f.src
	if f.entry != "" {
		src += "[" + f.entry + "]"
	}
	train := f.items[splitTrain]
	idx, err := pickIndices(src, len(train), pick)
	if err != nil {
		return nil, err
	}
	chosen := make([]*folderItem, len(idx))
	pool := startDecoders()
	for j, i := range idx {
		it := *train[i] // a copy each: an image chosen twice is decoded twice
		chosen[j] = &it
		pool.submit(chosen[j])
	}
	pool.wait()
	if err := firstFailure(chosen); err != nil {
		return nil, err
	}
	return f.dataset(splitTrain, chosen, height, width)
}
