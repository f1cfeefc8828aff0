package show

import "os"

// FullEnv is the environment variable that switches notebooks from their quick
// setting (what CI executes, seconds) to their full one (minutes): set it to 1 in
// the environment Jupyter starts from.
const FullEnv = "GONAS_NOTEBOOK_FULL"

// Full reports whether the notebooks run their full setting ($GONAS_NOTEBOOK_FULL=1).
func Full() bool { return os.Getenv(FullEnv) == "1" }

// Pick returns quick, or full when Full() is true: notebooks declare their sizes
// with it, e.g. var runs = show.Pick(5, 100).
func Pick[T any](quick, full T) T {
	if Full() {
		return full
	}
	return quick
}
