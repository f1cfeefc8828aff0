package zerocost

import (
	"math"
	"testing"

	"github.com/gonas/gonas/nas"
)

// ScoreArchs gives each architecture, in order, the scores Scorer.Score gives its
// network alone; ProxyColumn reads one proxy's scores out, NaN where it is missing.
func TestScoreArchsMatchesScoreOneByOne(t *testing.T) {
	space, scorer := tinyNB201Scorer(t, 6, 5, 3)
	archs, err := sampleDistinct(space, 3, 11)
	if err != nil {
		t.Fatal(err)
	}
	proxies := []Proxy{NASWOT, Synflow}
	got, err := ScoreArchs(space, scorer, archs, proxies, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(archs) {
		t.Fatalf("%d scores for %d architectures", len(got), len(archs))
	}
	for i, a := range archs {
		m, err := space.ImageModel(a, 10)
		if err != nil {
			t.Fatal(err)
		}
		want, err := scorer.Score(m, proxies...)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range proxies {
			if got[i][p] != want[p] {
				t.Errorf("architecture %d, %s: ScoreArchs %v, Score %v", i, p, got[i][p], want[p])
			}
		}
		if _, ok := got[i][GradNorm]; ok {
			t.Errorf("architecture %d has a grad_norm score it was not asked for", i)
		}
	}
	col := ProxyColumn(got, Synflow)
	for i := range got {
		if col[i] != got[i][Synflow] {
			t.Errorf("ProxyColumn[%d] = %v, want %v", i, col[i], got[i][Synflow])
		}
	}
	for i, v := range ProxyColumn(got, GradNorm) {
		if !math.IsNaN(v) {
			t.Errorf("ProxyColumn of a proxy not computed, [%d] = %v, want NaN", i, v)
		}
	}
	if _, err := ScoreArchs(nil, scorer, archs, proxies, nil); err == nil {
		t.Error("nil space accepted")
	}
	bad := []nas.Arch{{Space: "nb201", Choices: []int{9}}}
	if _, err := ScoreArchs(space, scorer, bad, proxies, nil); err == nil {
		t.Error("an architecture outside the space was scored")
	}
}
