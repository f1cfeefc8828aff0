package show

import (
	"errors"
	"testing"

	"github.com/gonas/gonas/nas/plot"
)

// Outside a notebook the displays do nothing; Must panics on errors only; Pick
// follows $GONAS_NOTEBOOK_FULL.
func TestOutsideANotebook(t *testing.T) {
	if IsNotebook() {
		t.Skip("running inside GoNB")
	}
	SVG("<svg/>")
	WideSVG("<svg/>")
	HTML("<b>x</b>")
	Markdown("*x*")
	Table([]string{"a"}, [][]string{{"1"}})
	Title("t %d", 1)
	Text("t %d", 1)
	if err := Chart(plot.Chart{}, plot.Series{Y: []float64{1, 2}}); err != nil {
		t.Error(err)
	}
	if err := Chart(plot.Chart{}); err == nil {
		t.Error("Chart without series accepted")
	}
	if err := Images([]plot.GreyImage{{Pixels: []float32{0, 1}, Height: 1, Width: 2, Caption: "x"}}, 4); err != nil {
		t.Error(err)
	}
	if err := Images(nil, 4); err == nil {
		t.Error("Images without an image accepted")
	}
	if got := Must1(3, nil); got != 3 {
		t.Errorf("Must1 = %d", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("Must did not panic on an error")
		}
	}()
	t.Setenv(FullEnv, "1")
	if !Full() || Pick(1, 2) != 2 {
		t.Error("Pick ignores " + FullEnv)
	}
	t.Setenv(FullEnv, "")
	if Full() || Pick(1, 2) != 1 {
		t.Error("Pick should default to the quick value")
	}
	Must(errors.New("boom"))
}
