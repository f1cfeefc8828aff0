package plot

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"math"
	"strings"
	"testing"
)

// GreyPNG round-trips: the PNG decodes to the size given and the clipped, rounded
// brightnesses, row by row.
func TestGreyPNG(t *testing.T) {
	pixels := []float32{0, 0.5, 1, -2, 3, float32(math.NaN())} // 2 rows of 3
	uri, err := GreyPNG(pixels, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	const prefix = "data:image/png;base64,"
	if !strings.HasPrefix(uri, prefix) {
		t.Fatalf("not a PNG data URI: %.40s", uri)
	}
	blob, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(uri, prefix))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(blob))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 3 || b.Dy() != 2 {
		t.Fatalf("decoded %v, want 3 wide and 2 high", b)
	}
	want := [][]uint32{{0, 128, 255}, {0, 255, 0}}
	for y, row := range want {
		for x, v := range row {
			r, g, b, _ := img.At(x, y).RGBA()
			if r>>8 != v || g != r || b != r {
				t.Errorf("pixel (%d,%d) = %d,%d,%d, want grey %d", x, y, r>>8, g>>8, b>>8, v)
			}
		}
	}
	if _, err := GreyPNG(pixels, 3, 3); err == nil {
		t.Error("6 pixels accepted for a 3×3 image")
	}
}

// ImageGrid writes one figure per image, scaled, with its escaped caption lines.
func TestImageGrid(t *testing.T) {
	im := GreyImage{Pixels: make([]float32, 4), Height: 2, Width: 2, Caption: "Shirt (90%)\ntrue: <T-shirt>", Color: "#c00"}
	out, err := ImageGrid([]GreyImage{im, {Pixels: []float32{1}, Height: 1, Width: 1}}, 20)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, "<figure"); n != 2 {
		t.Errorf("%d figures, want 2", n)
	}
	if n := strings.Count(out, `src="data:image/png;base64,`); n != 2 {
		t.Errorf("%d PNG images, want 2", n)
	}
	for _, s := range []string{`width="40" height="40"`, "Shirt (90%)<br>true: &lt;T-shirt&gt;", "color:#c00", "pixelated"} {
		if !strings.Contains(out, s) {
			t.Errorf("the grid lacks %q:\n%s", s, out)
		}
	}
	if _, err := ImageGrid(nil, 2); err == nil {
		t.Error("an empty grid accepted")
	}
	if _, err := ImageGrid([]GreyImage{im}, 0); err == nil {
		t.Error("scale 0 accepted")
	}
	im.Pixels = im.Pixels[:3]
	if _, err := ImageGrid([]GreyImage{im}, 2); err == nil || !strings.Contains(err.Error(), "image 0") {
		t.Errorf("a short image: err = %v", err)
	}
}
