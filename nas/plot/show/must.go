package show

// Must panics when err is not nil: a notebook cell stops at its first error and the
// kernel shows it. (Notebooks use these rather than an outside module, so a notebook
// imports nothing beyond GoNAS and the standard library and needs no download.)
func Must(err error) {
	if err != nil {
		panic(err)
	}
}

// Must1 returns v, or panics when err is not nil.
func Must1[T any](v T, err error) T {
	Must(err)
	return v
}

// Must2 returns v1 and v2, or panics when err is not nil.
func Must2[T1, T2 any](v1 T1, v2 T2, err error) (T1, T2) {
	Must(err)
	return v1, v2
}
