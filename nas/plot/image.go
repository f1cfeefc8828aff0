package plot

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"image"
	"image/png"
	"math"
	"strings"

	"github.com/pkg/errors"
)

// GreyImage is a grey-scale picture with a caption: one cell of ImageGrid.
type GreyImage struct {
	Pixels        []float32 // Height×Width brightnesses, row by row: 0 black, 1 white
	Height, Width int
	Caption       string // text below the picture; "\n" breaks lines
	Color         string // the caption's CSS colour ("" for the page's)
}

// GreyPNG encodes height×width brightnesses (row by row, 0 black, 1 white; values
// outside [0,1] are clipped, NaN is black) as a PNG data URI,
// "data:image/png;base64,...", for an <img> in HTML.
func GreyPNG(pixels []float32, height, width int) (string, error) {
	if height <= 0 || width <= 0 || len(pixels) != height*width {
		return "", errors.Errorf("plot: GreyPNG of %d×%d needs %d pixels, got %d", height, width, max(height*width, 0), len(pixels))
	}
	img := image.NewGray(image.Rect(0, 0, width, height))
	for i, v := range pixels {
		if math.IsNaN(float64(v)) {
			v = 0
		}
		img.Pix[i] = uint8(math.Round(255 * math.Min(1, math.Max(0, float64(v)))))
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", errors.Wrap(err, "plot: GreyPNG")
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// ImageGrid renders pictures as an HTML fragment: a row of figures that wraps, each
// picture drawn scale times its size with sharp pixels, its caption below. The
// pictures travel inside the page as PNG data URIs, so it needs no file and no
// network: it shows in JupyterLab, in nbconvert's HTML and in a browser.
func ImageGrid(images []GreyImage, scale int) (string, error) {
	if len(images) == 0 {
		return "", errors.New("plot: ImageGrid of no image")
	}
	if scale <= 0 {
		return "", errors.Errorf("plot: ImageGrid scale %d, want ≥ 1", scale)
	}
	var b strings.Builder
	b.WriteString(`<div style="display:flex;flex-wrap:wrap;gap:10px;font-family:sans-serif;font-size:12px;margin:6px 0">` + "\n")
	for i, im := range images {
		uri, err := GreyPNG(im.Pixels, im.Height, im.Width)
		if err != nil {
			return "", errors.WithMessagef(err, "plot: ImageGrid, image %d", i)
		}
		w, h := scale*im.Width, scale*im.Height
		style := ""
		if im.Color != "" {
			style = ";color:" + html.EscapeString(im.Color)
		}
		fmt.Fprintf(&b, `<figure style="margin:0;width:%dpx;text-align:center">`, max(w, 90))
		fmt.Fprintf(&b, `<img src="%s" width="%d" height="%d" alt="image %d" style="image-rendering:pixelated;image-rendering:crisp-edges">`, uri, w, h, i)
		lines := strings.Split(im.Caption, "\n")
		for k := range lines {
			lines[k] = html.EscapeString(lines[k])
		}
		fmt.Fprintf(&b, `<figcaption style="line-height:1.3%s">%s</figcaption></figure>`+"\n", style, strings.Join(lines, "<br>"))
	}
	b.WriteString("</div>\n")
	return b.String(), nil
}
