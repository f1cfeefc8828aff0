package plot

import (
	"html"
	"sort"
	"strings"
)

// Table renders a header and rows as an HTML table with inline styles (it looks the
// same in JupyterLab, in nbconvert's HTML and in a browser). Cells are escaped text;
// rows shorter than the header are padded with empty cells.
func Table(header []string, rows [][]string) string {
	var b strings.Builder
	b.WriteString(`<table style="border-collapse:collapse;font-family:sans-serif;font-size:13px;margin:6px 0">` + "\n<tr>")
	for _, h := range header {
		b.WriteString(`<th style="border-bottom:2px solid #444;padding:4px 10px;text-align:left">` + html.EscapeString(h) + "</th>")
	}
	b.WriteString("</tr>\n")
	for _, row := range rows {
		b.WriteString("<tr>")
		for i := range max(len(header), len(row)) {
			cell := ""
			if i < len(row) {
				cell = row[i]
			}
			b.WriteString(`<td style="border-bottom:1px solid #ddd;padding:4px 10px;text-align:left">` + html.EscapeString(cell) + "</td>")
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</table>\n")
	return b.String()
}

// ParseMarkdown reads a Markdown table (a header line, the |---| separator line,
// then the rows) into its header and rows, cells trimmed: the inverse of the tables
// the presets print, so a notebook can show one as HTML with Table.
func ParseMarkdown(text string) (header []string, rows [][]string) {
	for i, line := range strings.Split(strings.TrimSpace(text), "\n") {
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		for j := range cells {
			cells[j] = strings.TrimSpace(cells[j])
		}
		switch i {
		case 0:
			header = cells
		case 1: // the separator
		default:
			rows = append(rows, cells)
		}
	}
	return header, rows
}

// Listing renders named texts (an architecture in each of its formats, say) as
// HTML, sorted by name: each name as a paragraph, its text preformatted.
func Listing(texts map[string]string) string {
	names := make([]string, 0, len(texts))
	for k := range texts {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		b.WriteString("<p>" + html.EscapeString(k) + ":</p><pre>" + html.EscapeString(texts[k]) + "</pre>\n")
	}
	return b.String()
}
