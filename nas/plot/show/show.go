// Package show displays GoNAS's drawings, charts and tables inline in a GoNB
// notebook [1]. Each function sends one display to the notebook and waits until
// GoNB has handled it (gonbui.Sync), so a cell's outputs appear in order and a
// notebook executed headless (jupyter nbconvert --execute) keeps all of them.
//
// It is the only GoNAS package that imports GoNB's gonbui, kept apart from
// nas/plot so that no training binary links it. Outside a notebook every function
// does nothing. Notebooks import this package rather than gonbui itself: a
// notebook's own module then needs no module that is not already in GoNAS's build
// list, so GoNB's automatic `go get` has nothing to download.
//
// References:
//
//	[1] GoNB, a Go notebook kernel for Jupyter: github.com/janpfeifer/gonb.
package show

import (
	"fmt"
	"html"

	"github.com/gonas/gonas/nas/plot"
	"github.com/janpfeifer/gonb/gonbui"
)

// SVG displays a standalone SVG document (output type image/svg+xml).
func SVG(svg string) {
	if !gonbui.IsNotebook {
		return
	}
	gonbui.DisplaySVG(svg)
	gonbui.Sync()
}

// HTML displays an HTML fragment (output type text/html).
func HTML(html string) {
	if !gonbui.IsNotebook {
		return
	}
	gonbui.DisplayHTML(html)
	gonbui.Sync()
}

// Markdown displays Markdown text (output type text/markdown).
func Markdown(markdown string) {
	if !gonbui.IsNotebook {
		return
	}
	gonbui.DisplayMarkdown(markdown)
	gonbui.Sync()
}

// Chart draws the series on chart c and displays the SVG.
func Chart(c plot.Chart, series ...plot.Series) error {
	svg, err := c.SVG(series...)
	if err != nil {
		return err
	}
	SVG(svg)
	return nil
}

// Table displays a header and rows as an HTML table (see plot.Table).
func Table(header []string, rows [][]string) {
	HTML(plot.Table(header, rows))
}

// Title displays a small bold caption above the next output.
func Title(format string, args ...any) {
	HTML(fmt.Sprintf(`<p style="font-family:sans-serif;font-weight:bold;margin:8px 0 2px">%s</p>`,
		html.EscapeString(fmt.Sprintf(format, args...))))
}

// IsNotebook reports whether the program runs inside a GoNB notebook.
func IsNotebook() bool { return gonbui.IsNotebook }

// WideSVG displays an SVG at its natural size in a box that scrolls sideways, so a
// wide drawing (a 12-layer ENAS macro network is over 2,000 pixels wide) stays
// legible instead of being shrunk to the width of the notebook.
func WideSVG(svg string) {
	HTML(`<div style="overflow-x:auto;max-width:100%"><div style="width:max-content">` + svg + `</div></div>`)
}

// Text displays preformatted text. Unlike fmt.Println, whose output travels on its
// own stream and may land after a later drawing, it keeps its place among the
// cell's displays.
func Text(format string, args ...any) {
	HTML(`<pre style="white-space:pre-wrap;margin:4px 0">` + html.EscapeString(fmt.Sprintf(format, args...)) + `</pre>`)
}

// Images displays grey-scale pictures with their captions in a row that wraps, each
// drawn scale times its size (see plot.ImageGrid).
func Images(images []plot.GreyImage, scale int) error {
	grid, err := plot.ImageGrid(images, scale)
	if err != nil {
		return err
	}
	HTML(grid)
	return nil
}
