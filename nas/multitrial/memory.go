package multitrial

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/pkg/errors"
)

// MemoryEstimate is about how many bytes training the recipe's child takes, from its
// shapes alone (no network is built): an estimate, deliberately on the high side,
// that a worker compares with its limit before it builds or trains anything. It
// does not count the data set, which a process loads once for all its trials.
//
// For a NASNet child of B blocks, C filters, N cells per stage and stem multiplier S
// on H×H images with batch b: stage s (0, 1, 2) has C·2^s filters at H/2^s, so every
// cell's feature maps hold C·H²/2^s numbers per image. A cell keeps about 6 + 20·B
// such maps for the backward pass (its two input preprocessings; per block two
// separable convolutions of eight intermediate maps each and a concat of two). The
// stem keeps 3·S·C·H². Activations count three times (values, gradients and the
// backend's temporaries), in float32, for b images. Parameters: about 8·B·F² per
// cell of F filters (the block's ops and the preprocessings), counted four times
// (weights, gradients, momentum, a copy). Add 512 MiB for the runtime and compiled
// programs. Measured against it: a proxy-preset trial of NASNet-A (B=5, C=8, N=1,
// batch 64; estimate 2.1 GiB) peaked at 2.4 GiB of resident memory on the CPU
// backend, CIFAR-10 (about 0.9 GiB) included.
func (r *Recipe) MemoryEstimate() int64 {
	h, _ := imageShape(r.Data)
	c := r.Child
	B, C, N, S := float64(c.Blocks), float64(c.Filters), float64(c.CellsPerStage), float64(c.StemMultiplier)
	hw := float64(h * h)
	perCell := (6 + 20*B) * C * hw
	// N normal cells in each of 3 stages (weights 1, 1/2, 1/4), a reduction cell
	// entering stages 1 and 2.
	activations := perCell*(N*(1+0.5+0.25)+0.5+0.25) + 3*S*C*hw
	params := 8 * B * C * C * (N*(1+4+16) + 4 + 16)
	bytes := 4*3*activations*float64(r.Train.BatchSize) + 4*4*params + 512<<20
	return int64(min(bytes, 1<<62))
}

// MachineMemory is the machine's physical memory in bytes (MemTotal of
// /proc/meminfo), the default limit of a worker.
func MachineMemory() (int64, error) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, errors.Wrap(err, "the machine's memory is unknown (set a limit)")
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kib, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil || kib <= 0 {
				break
			}
			return kib << 10, nil
		}
	}
	return 0, errors.New("the machine's memory is unknown: no MemTotal in /proc/meminfo (set a limit)")
}

// FormatBytes writes n bytes in GiB or MiB ("3.2 GiB").
func FormatBytes(n int64) string {
	if n >= 1<<30 {
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	}
	return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
}

// ParseBytes reads a size such as "8GiB", "8G", "512MiB", "512M" or a plain number
// of bytes (units are powers of 1024).
func ParseBytes(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	num := strings.TrimRight(t, "KMGTIB ")
	unit := strings.TrimSpace(t[len(num):])
	shift := map[string]int{"": 0, "B": 0, "K": 10, "KB": 10, "KIB": 10, "M": 20, "MB": 20, "MIB": 20,
		"G": 30, "GB": 30, "GIB": 30, "T": 40, "TB": 40, "TIB": 40}
	sh, ok := shift[unit]
	v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if !ok || err != nil || !(v > 0) || v*float64(int64(1)<<sh) >= 1<<62 {
		return 0, errors.Errorf("size %q: want a positive number of bytes with an optional unit K, M, G or T (e.g. 8GiB)", s)
	}
	return int64(v * float64(int64(1)<<sh)), nil
}
