package cells

import (
	"fmt"

	"github.com/gonas/gonas/nas/draw"
)

// cellLabels names the parts of a cell drawing.
type cellLabels struct {
	inputs    [2]string // the cell inputs, node 0 then node 1
	output    string    // the cell output
	nodeNames bool      // label the combine nodes "node k" (ENAS) instead of "add" (NASNet)
}

// cellGraph draws a cell as in the NASNet and ENAS papers' figures [1, 2]: the two
// inputs, one box per op, the combine node of each block, and the concatenation of
// states listed in outputs into the output.
func cellGraph(title string, spec cellSpec, ops []opDef, outputs []int, lb cellLabels) *draw.Graph {
	g := draw.New(title)
	g.Add(draw.Input, "n0", lb.inputs[0]).Add(draw.Input, "n1", lb.inputs[1])
	for b, nd := range spec {
		k := b + 2
		id := fmt.Sprintf("n%d", k)
		label := "add"
		if nd.concat {
			label = "concat"
		}
		if lb.nodeNames {
			label = fmt.Sprintf("node %d", k)
			if nd.concat {
				label += " (concat)"
			}
		}
		g.Add(draw.Combine, id, label)
		for slot := range 2 {
			opID := fmt.Sprintf("n%d%s", k, slotNames[slot])
			g.Add(draw.Op, opID, ops[nd.op[slot]].label)
			g.Connect(fmt.Sprintf("n%d", nd.in[slot]), opID, "").Connect(opID, id, "")
		}
	}
	g.Add(draw.Combine, "concat", "concat").Add(draw.Output, "out", lb.output)
	for _, k := range outputs {
		g.Connect(fmt.Sprintf("n%d", k), "concat", "")
	}
	g.Connect("concat", "out", "")
	return g
}
