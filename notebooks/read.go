package notebooks

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/pkg/errors"
)

// Notebook is the part of a Jupyter notebook (nbformat 4) the checks read.
type Notebook struct {
	Cells    []Cell `json:"cells"`
	Metadata struct {
		KernelSpec struct {
			Name string `json:"name"`
		} `json:"kernelspec"`
	} `json:"metadata"`
}

// Cell is one cell: its kind ("code", "markdown"), source and outputs.
type Cell struct {
	Type    string   `json:"cell_type"`
	Source  text     `json:"source"`
	Outputs []Output `json:"outputs"`
	// ExecutionCount is set by the kernel when the cell ran (nil: never executed).
	ExecutionCount *int `json:"execution_count"`
}

// Output is one output of a code cell.
type Output struct {
	Type  string          `json:"output_type"` // stream, display_data, execute_result, error
	Name  string          `json:"name"`        // stream: stdout or stderr
	Text  text            `json:"text"`        // stream
	Data  map[string]text `json:"data"`        // display_data: MIME type → content
	EName string          `json:"ename"`       // error
	Value string          `json:"evalue"`      // error
}

// text is a string that nbformat may store as a list of lines.
type text string

// UnmarshalJSON reads a string or a list of strings.
func (t *text) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = text(s)
		return nil
	}
	var lines []string
	if err := json.Unmarshal(b, &lines); err != nil {
		return err
	}
	*t = text(strings.Join(lines, ""))
	return nil
}

// Read parses a notebook file.
func Read(path string) (*Notebook, error) {
	blob, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var nb Notebook
	if err := json.Unmarshal(blob, &nb); err != nil {
		return nil, errors.Wrapf(err, "parsing notebook %s", path)
	}
	return &nb, nil
}

// Errors lists the failures of an executed notebook: error outputs (compile errors,
// panics reported by the kernel) and stderr output that shows a panic, each with
// the number of its code cell (1-based) and the first line of its source.
func (nb *Notebook) Errors() []string {
	var errs []string
	code := 0
	for _, c := range nb.Cells {
		if c.Type != "code" {
			continue
		}
		code++
		first := firstCodeLine(string(c.Source))
		for _, o := range c.Outputs {
			switch {
			case o.Type == "error":
				errs = append(errs, fmt.Sprintf("code cell %d (%s): %s: %s", code, first, o.EName, strings.TrimSpace(o.Value)))
			case o.Type == "stream" && o.Name == "stderr" && strings.Contains(string(o.Text), "panic:"):
				errs = append(errs, fmt.Sprintf("code cell %d (%s): %s", code, first, tail(strings.TrimSpace(string(o.Text)), 2000)))
			}
		}
	}
	return errs
}

// Unexecuted counts the code cells the kernel did not run (no execution count).
func (nb *Notebook) Unexecuted() int {
	n := 0
	for _, c := range nb.Cells {
		if c.Type == "code" && c.ExecutionCount == nil {
			n++
		}
	}
	return n
}

// CountSVG counts the outputs that hold an SVG drawing, whether sent as
// image/svg+xml or inlined in text/html (GoNB's gonbui.DisplaySVG does the latter).
func (nb *Notebook) CountSVG() int {
	n := 0
	for _, o := range nb.outputs() {
		if _, ok := o.Data["image/svg+xml"]; ok || strings.Contains(string(o.Data["text/html"]), "<svg") {
			n++
		}
	}
	return n
}

// CountMIME counts the outputs that hold the MIME type.
func (nb *Notebook) CountMIME(mime string) int {
	n := 0
	for _, o := range nb.outputs() {
		if _, ok := o.Data[mime]; ok {
			n++
		}
	}
	return n
}

// Text is everything the outputs show as text: streams, text/plain, text/html and
// text/markdown, in order.
func (nb *Notebook) Text() string {
	var b strings.Builder
	for _, o := range nb.outputs() {
		b.WriteString(string(o.Text))
		for _, mime := range []string{"text/plain", "text/html", "text/markdown"} {
			b.WriteString(string(o.Data[mime]))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func (nb *Notebook) outputs() []Output {
	var out []Output
	for _, c := range nb.Cells {
		out = append(out, c.Outputs...)
	}
	return out
}

// firstCodeLine is the first line of source that is not blank or a GoNB special
// command (%%, %env, ...), to name a cell in messages.
func firstCodeLine(source string) string {
	for _, line := range strings.Split(source, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "%") {
			return line
		}
	}
	return strings.TrimSpace(source)
}
