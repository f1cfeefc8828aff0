package kernels

import (
	"fmt"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
)

// The memory budget: how much memory a GoNAS process may use. One number, read by
// everything that holds memory for later: the kernel-output pool keeps at most
// PoolBudget of idle buffers, nas/enas's graph cache gives up compiled graphs when
// the live heap passes half of it, a graph whose working memory alone exceeds it
// fails to compile with a message saying so, and Go's garbage collector gets it as
// its soft memory limit (debug.SetMemoryLimit), so garbage is collected before the
// process grows past it; the collector's target is lowered too (GCPercent).
//
// Where it comes from, first match wins: SetMaxMemory (the CLI's --max-memory);
// the environment variable GONAS_MAX_MEMORY; GOMEMLIMIT; half of the machine's
// physical memory (MemTotal of /proc/meminfo); 4 GiB where that cannot be read.

// MaxMemoryEnv is the environment variable that sets the memory budget, in the
// syntax of ParseMemory ("6GiB", "800MB", "25%").
const MaxMemoryEnv = "GONAS_MAX_MEMORY"

// MaxMemoryUsage is the help text of a --max-memory flag (see SetMaxMemoryString).
const MaxMemoryUsage = "memory budget of the process: bytes with a unit (6GiB, 800MB) or a percentage of physical memory (25%); " +
	"default: $" + MaxMemoryEnv + ", $GOMEMLIMIT, or half the physical memory"

// defaultMemoryFraction is the budget, as a fraction of physical memory, when
// nothing sets one.
const defaultMemoryFraction = 0.5

// fallbackMemory is the budget where physical memory cannot be read.
const fallbackMemory = 4 << 30

var budget struct {
	mu     sync.Mutex
	bytes  int64  // 0: not resolved yet
	source string // where bytes came from, for messages
}

// MaxMemory returns the memory budget in bytes (see the package's budget rules
// in budget.go).
func MaxMemory() int64 {
	n, _ := MaxMemorySource()
	return n
}

// MaxMemorySource returns the memory budget and where it came from, for messages
// ("GONAS_MAX_MEMORY=2GiB", "half of 23.4 GiB of physical memory", ...).
func MaxMemorySource() (int64, string) {
	budget.mu.Lock()
	defer budget.mu.Unlock()
	if budget.bytes == 0 {
		budget.bytes, budget.source = defaultMaxMemory()
		applyMemoryLimit(budget.bytes)
	}
	return budget.bytes, budget.source
}

// SetMaxMemory sets the memory budget to bytes (> 0), or back to the default
// (<= 0). It also sets Go's soft memory limit to it, unless GOMEMLIMIT is set.
func SetMaxMemory(bytes int64) {
	budget.mu.Lock()
	defer budget.mu.Unlock()
	if bytes <= 0 {
		budget.bytes, budget.source = defaultMaxMemory()
	} else {
		budget.bytes, budget.source = bytes, "--max-memory "+FormatMemory(bytes)
	}
	applyMemoryLimit(budget.bytes)
}

// SetMaxMemoryString parses s with ParseMemory and sets the budget; it has the
// signature flag.FlagSet.Func wants, so a command adds the flag with
//
//	fs.Func("max-memory", kernels.MaxMemoryUsage, kernels.SetMaxMemoryString)
func SetMaxMemoryString(s string) error {
	n, err := ParseMemory(s)
	if err != nil {
		return err
	}
	SetMaxMemory(n)
	return nil
}

// PoolBudget is the most idle memory the kernel-output pool keeps between
// executions: a quarter of the budget (an ENAS child step of the paper's size
// releases ~1.4 GB of kernel outputs; a smaller pool only costs speed).
func PoolBudget() int64 { return MaxMemory() / 4 }

// ChildrenThatFit is how many of want children, each needing perChild bytes, run
// at once within the budget (at least 1: a child that alone exceeds the budget is
// refused when its graph compiles, with a message saying so).
func ChildrenThatFit(perChild int64, want int) int {
	if perChild <= 0 || want <= 1 {
		return max(want, 1)
	}
	return int(max(1, min(int64(want), MaxMemory()/perChild)))
}

// defaultMaxMemory is the budget when SetMaxMemory was not called.
func defaultMaxMemory() (int64, string) {
	if s := os.Getenv(MaxMemoryEnv); s != "" {
		if n, err := ParseMemory(s); err == nil {
			return n, MaxMemoryEnv + "=" + s
		}
		fmt.Fprintf(os.Stderr, "gonas: ignoring %s=%q (want bytes with a unit such as 6GiB, or a percentage)\n", MaxMemoryEnv, s)
	}
	if s := os.Getenv("GOMEMLIMIT"); s != "" && s != "off" {
		if n := debug.SetMemoryLimit(-1); n > 0 && n < math.MaxInt64 {
			return n, "GOMEMLIMIT=" + s
		}
	}
	if total := PhysicalMemory(); total > 0 {
		return int64(float64(total) * defaultMemoryFraction), fmt.Sprintf("half of %s of physical memory", FormatMemory(total))
	}
	return fallbackMemory, "default " + FormatMemory(fallbackMemory)
}

// GCPercent is the garbage collector's target the budget sets (Go's GOGC, whose
// default is 100), unless GOGC is set: a collection starts when the heap has grown
// by GCPercent% over what the last one left live. The backend's memory is large
// pointer-free buffers (kernel outputs and weights), which a collection marks
// without scanning them, so collecting about four times as often costs little time,
// while Go's default lets the heap grow to twice the live memory before it
// collects. Measured (BENCHMARKS.md, "Memory"): the NASNet proxy transfer child
// peaked at 2.66 GB instead of 4.24 GB, in the same CPU time.
const GCPercent = 25

// applyMemoryLimit gives the budget to Go's garbage collector as its soft memory
// limit, unless GOMEMLIMIT set one, and sets its target to GCPercent, unless GOGC
// set one.
func applyMemoryLimit(bytes int64) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(GCPercent)
	}
	if s := os.Getenv("GOMEMLIMIT"); s != "" {
		return
	}
	debug.SetMemoryLimit(bytes)
}

// PhysicalMemory is MemTotal of /proc/meminfo in bytes, or 0 where it cannot be read.
func PhysicalMemory() int64 {
	blob, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	return memInfoTotal(string(blob))
}

// memInfoTotal parses the "MemTotal: <n> kB" line of /proc/meminfo.
func memInfoTotal(meminfo string) int64 {
	for _, line := range strings.Split(meminfo, "\n") {
		rest, ok := strings.CutPrefix(line, "MemTotal:")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			return 0
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return 0
		}
		return kb << 10
	}
	return 0
}

// memoryUnits are the units ParseMemory accepts, by multiplier.
var memoryUnits = map[string]float64{
	"": 1, "b": 1,
	"k": 1 << 10, "kb": 1e3, "kib": 1 << 10,
	"m": 1 << 20, "mb": 1e6, "mib": 1 << 20,
	"g": 1 << 30, "gb": 1e9, "gib": 1 << 30,
	"t": 1 << 40, "tb": 1e12, "tib": 1 << 40,
}

// ParseMemory parses a memory size: a number with an optional unit (B, KB, MB, GB,
// TB are powers of 1000; KiB, MiB, GiB, TiB and the bare K, M, G, T powers of
// 1024; case does not matter), or a percentage of physical memory ("25%").
func ParseMemory(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if pct, ok := strings.CutSuffix(t, "%"); ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(pct), 64)
		if err != nil || f <= 0 || f > 100 {
			return 0, fmt.Errorf("memory size %q: a percentage must be in (0, 100]", s)
		}
		total := PhysicalMemory()
		if total <= 0 {
			return 0, fmt.Errorf("memory size %q: physical memory is unknown here (no /proc/meminfo); give bytes", s)
		}
		return int64(float64(total) * f / 100), nil
	}
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := t, ""
	if i >= 0 {
		num, unit = t[:i], strings.TrimSpace(t[i:])
	}
	mult, ok := memoryUnits[unit]
	f, err := strconv.ParseFloat(num, 64)
	if !ok || err != nil || f <= 0 || math.IsInf(f*mult, 0) || f*mult >= math.MaxInt64 {
		return 0, fmt.Errorf("memory size %q: want a positive number with a unit, such as 6GiB, 800MB or 25%%", s)
	}
	return int64(f * mult), nil
}

// FormatMemory writes a byte count in binary units ("1.5 GiB", "800 MiB").
func FormatMemory(n int64) string {
	switch {
	case n >= 1<<30:
		return strconv.FormatFloat(float64(n)/(1<<30), 'f', 1, 64) + " GiB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 0, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 0, 64) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " B"
}
