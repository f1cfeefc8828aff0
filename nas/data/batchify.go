package data

import (
	"fmt"
	"iter"
)

// Batchify lays a token stream out for a recurrent language model [5]: it
// drops the tail that does not fill a whole column and cuts ids into
// batchSize contiguous rows of T = len(ids)/batchSize tokens. Row b is
// ids[b·T : (b+1)·T] (a view, not a copy), so row b continues the text
// across successive BPTT windows and the hidden state can be carried over.
func Batchify(ids []int32, batchSize int) ([][]int32, error) {
	if batchSize <= 0 {
		return nil, fmt.Errorf("data: Batchify: batch size %d, want > 0", batchSize)
	}
	t := len(ids) / batchSize
	if t < 2 {
		return nil, fmt.Errorf("data: Batchify: %d tokens is too few for %d rows of at least 2", len(ids), batchSize)
	}
	rows := make([][]int32, batchSize)
	for b := range rows {
		rows[b] = ids[b*t : (b+1)*t : (b+1)*t]
	}
	return rows, nil
}

// BPTTWindows yields the (start, length) of each truncated-BPTT window over
// rows of t tokens: start = 0, bptt, 2·bptt, … and length = min(bptt,
// t-1-start), so that every window has a next-token target. Use [Window] to
// copy a window's inputs and targets.
func BPTTWindows(t, bptt int) iter.Seq2[int, int] {
	return func(yield func(int, int) bool) {
		if bptt <= 0 {
			return
		}
		for start := 0; start < t-1; start += bptt {
			if !yield(start, min(bptt, t-1-start)) {
				return
			}
		}
	}
}

// Window copies the inputs rows[b][start : start+n] into x and the targets
// rows[b][start+1 : start+1+n] into y, both row-major [len(rows)][n]. x and
// y are resliced to len(rows)·n (reallocated only if their capacity is too
// small) and returned.
func Window(rows [][]int32, start, n int, x, y []int32) ([]int32, []int32, error) {
	if len(rows) == 0 || n <= 0 || start < 0 || start+n+1 > len(rows[0]) {
		t := 0
		if len(rows) > 0 {
			t = len(rows[0])
		}
		return x, y, fmt.Errorf("data: Window: start %d length %d does not fit %d rows of %d tokens", start, n, len(rows), t)
	}
	size := len(rows) * n
	if cap(x) < size {
		x = make([]int32, size)
	}
	if cap(y) < size {
		y = make([]int32, size)
	}
	x, y = x[:size], y[:size]
	for b, row := range rows {
		copy(x[b*n:(b+1)*n], row[start:start+n])
		copy(y[b*n:(b+1)*n], row[start+1:start+1+n])
	}
	return x, y, nil
}
