package controllers

import (
	"math"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gonas/gonas/nas"
)

// The constant tensors with which the teacher-forcing graph (lstm_graph.go) lays out
// the logits of decisions with different numbers of choices: packed by columns
// ([M, total], decision t at columns offsets[t]..), then padded to [M, T, maxN].

// graphDType is the graph's float type: float32, for the packed SIMD GEMM of the
// embedded backend (its float64 GEMM is scalar). The host works in float64 on the
// same float32 weights, so the two agree to float32 rounding (~1e-6).
const graphDType = dtypes.Float32

// constant is a float64 Go constant as a graphDType node.
func constant(g *Graph, x any) *Node { return ConvertDType(Const(g, x), graphDType) }

// graphConsts are the plan's constant tensors for the graph.
type graphConsts struct {
	maxN      int
	offsets   [][]int32     // [1, T] first packed column of each decision
	attends   []bool        // decision t is read by attention
	headMask  [][][]float64 // [1, S_head, total]: 1 where column c is the head step's decision
	layout    [][]float64   // [total, T·maxN]: packed column → (decision, choice)
	tanhC     [][][]float64 // [1, T, maxN] the tanh constant of each decision
	padBias   [][][]float64 // [1, T, maxN] −1e9 past each decision's choices
	logTarget [][][]float64 // [1, T, maxN] log(1−q), log q for skip decisions
	skipMask  [][][]float64 // [1, T, maxN] 1 on skip decisions' two choices
}

func (c *LSTM) graphConstants() *graphConsts {
	p := c.plan
	numT := len(p.ds)
	cn := &graphConsts{offsets: [][]int32{make([]int32, numT)}, attends: make([]bool, numT)}
	for t, d := range p.ds {
		cn.maxN = max(cn.maxN, d.NumChoices)
		cn.offsets[0][t] = int32(p.offsets[t])
	}
	grid := func(fill func(t, j int) float64) [][][]float64 {
		out := [][][]float64{make([][]float64, numT)}
		for t := range numT {
			out[0][t] = make([]float64, cn.maxN)
			for j := range cn.maxN {
				out[0][t][j] = fill(t, j)
			}
		}
		return out
	}
	var headSteps [][]float64
	for _, s := range p.steps {
		if s.kind != stepHead {
			for _, t := range s.decisions {
				cn.attends[t] = true
			}
			continue
		}
		row := make([]float64, p.total)
		t := s.decisions[0]
		for j := range p.ds[t].NumChoices {
			row[p.offsets[t]+j] = 1
		}
		headSteps = append(headSteps, row)
	}
	cn.headMask = [][][]float64{headSteps}
	cn.layout = make([][]float64, p.total)
	for t, d := range p.ds {
		for j := range d.NumChoices {
			cn.layout[p.offsets[t]+j] = make([]float64, numT*cn.maxN)
			cn.layout[p.offsets[t]+j][t*cn.maxN+j] = 1
		}
	}
	q := c.cfg.SkipTarget
	isSkip := func(t int) bool { return p.ds[t].Kind == nas.Skip }
	cn.tanhC = grid(func(t, _ int) float64 { return p.tanhC(&c.cfg, t) })
	cn.padBias = grid(func(t, j int) float64 {
		if j >= p.ds[t].NumChoices {
			return -1e9
		}
		return 0
	})
	cn.skipMask = grid(func(t, _ int) float64 {
		if isSkip(t) {
			return 1
		}
		return 0
	})
	cn.logTarget = grid(func(t, j int) float64 {
		switch {
		case !isSkip(t) || !(q > 0 && q < 1):
			return 0
		case j == 0:
			return math.Log(1 - q)
		default:
			return math.Log(q)
		}
	})
	return cn
}
