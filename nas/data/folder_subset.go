package data

// subset decodes, of the listed images of split s, only those pick chooses (in
// parallel) and builds their dataset, in pick's order; the images must be
// height×width (both positive).
func (f *folderSplits) subset(s, height, width int, pick pickFunc) (*Dataset, error) {
	src := f.src
	if f.entry != "" {
		src += "[" + f.entry + "]"
	}
	listed := f.items[s]
	idx, err := pickIndices(src, s, len(listed), pick)
	if err != nil {
		return nil, err
	}
	chosen := make([]*folderItem, len(idx))
	pool := startDecoders()
	for j, i := range idx {
		it := *listed[i] // a copy each: an image chosen twice is decoded twice
		chosen[j] = &it
		pool.submit(chosen[j])
	}
	pool.wait()
	if err := firstFailure(chosen); err != nil {
		return nil, err
	}
	return f.dataset(s, chosen, height, width)
}
