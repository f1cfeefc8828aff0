package data

// Standardize normalises train and others, in place, with train's per-channel
// (per-feature, for tables) mean and standard deviation, and returns them; a
// constant channel gets a standard deviation of 1.
func Standardize(train *Dataset, others ...*Dataset) (mean, std []float32, err error) {
	mean, std = ChannelStats(train)
	for k, s := range std {
		if !(s > 0) {
			std[k] = 1
		}
	}
	for _, ds := range append([]*Dataset{train}, others...) {
		if err := Normalize(ds, mean, std); err != nil {
			return nil, nil, err
		}
	}
	return mean, std, nil
}
