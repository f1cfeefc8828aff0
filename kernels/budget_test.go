package kernels

import (
	"runtime/debug"
	"strings"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/janpfeifer/must"
)

func TestParseMemory(t *testing.T) {
	for s, want := range map[string]int64{
		"1024": 1024, "2GiB": 2 << 30, "2 gib": 2 << 30, "2G": 2 << 30, "1.5GB": 1_500_000_000,
		"800MB": 800_000_000, "512MiB": 512 << 20, "64k": 64 << 10, "3TiB": 3 << 40,
	} {
		got, err := ParseMemory(s)
		if err != nil || got != want {
			t.Errorf("ParseMemory(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "abc", "-1G", "0", "12 parsecs", "150%", "0%"} {
		if n, err := ParseMemory(s); err == nil {
			t.Errorf("ParseMemory(%q) = %d, want an error", s, n)
		}
	}
	if total := PhysicalMemory(); total > 0 {
		got, err := ParseMemory("25%")
		if err != nil || got != total/4 {
			t.Errorf("ParseMemory(25%%) = %d, %v; want %d", got, err, total/4)
		}
	}
}

func TestMemInfoTotal(t *testing.T) {
	info := "MemFree:         1000 kB\nMemTotal:       24576000 kB\nBuffers: 3 kB\n"
	if got := memInfoTotal(info); got != 24576000<<10 {
		t.Errorf("memInfoTotal = %d, want %d", got, int64(24576000)<<10)
	}
	if got := memInfoTotal("nothing here"); got != 0 {
		t.Errorf("memInfoTotal without MemTotal = %d, want 0", got)
	}
}

// SetMaxMemory overrides every default, and 0 restores it.
func TestSetMaxMemory(t *testing.T) {
	t.Cleanup(func() { SetMaxMemory(0) })
	dflt := MaxMemory()
	if dflt <= 0 {
		t.Fatalf("default budget %d", dflt)
	}
	if err := SetMaxMemoryString("3GiB"); err != nil {
		t.Fatal(err)
	}
	if n, src := MaxMemorySource(); n != 3<<30 || !strings.Contains(src, "--max-memory") {
		t.Errorf("budget %d from %q, want 3 GiB from --max-memory", n, src)
	}
	if PoolBudget() != 3<<30/4 {
		t.Errorf("PoolBudget %d, want a quarter of 3 GiB", PoolBudget())
	}
	if got := ChildrenThatFit(1<<30, 8); got != 3 {
		t.Errorf("ChildrenThatFit(1 GiB, 8) = %d, want 3", got)
	}
	if got := ChildrenThatFit(8<<30, 2); got != 1 {
		t.Errorf("ChildrenThatFit(8 GiB, 2) = %d, want 1", got)
	}
	if err := SetMaxMemoryString("lots"); err == nil {
		t.Error("an unparsable size was accepted")
	}
	SetMaxMemory(0)
	if MaxMemory() != dflt {
		t.Errorf("SetMaxMemory(0) gave %d, want the default %d", MaxMemory(), dflt)
	}
}

// The pool never holds more than its bound: a release past it frees the shapes
// asked for least recently first, and the buffer itself when nothing else can go.
// The budget lowers the collector's target to GCPercent, unless GOGC is set.
func TestBudgetSetsTheCollectorTarget(t *testing.T) {
	orig := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(orig); SetMaxMemory(0) })
	t.Setenv("GOGC", "")
	SetMaxMemory(1 << 30)
	if got := debug.SetGCPercent(100); got != GCPercent {
		t.Errorf("GOGC unset: the collector's target is %d, want %d", got, GCPercent)
	}
	t.Setenv("GOGC", "77")
	debug.SetGCPercent(77)
	SetMaxMemory(2 << 30)
	if got := debug.SetGCPercent(77); got != 77 {
		t.Errorf("GOGC=77: the budget changed the collector's target to %d", got)
	}
}

func TestBufferPoolBound(t *testing.T) {
	inner := testBackend(t).(*Backend).inner
	var p bufferPool
	a, b, c := shapes.Make(dtypes.Float32, 256), shapes.Make(dtypes.Float32, 128), shapes.Make(dtypes.Float32, 64)
	p.setLimit(int64(a.Memory() + b.Memory())) // 1536 bytes
	get := func(s shapes.Shape) compute.Buffer {
		buf, _, err := p.get(inner, s)
		if err != nil {
			t.Fatal(err)
		}
		return buf
	}
	bufA, bufB, bufC := get(a), get(b), get(c)
	p.put(bufA, a)
	p.put(bufB, b)
	p.tick() // a and b were released by the last execution, c is released by this one
	if p.bytes != int64(a.Memory()+b.Memory()) {
		t.Fatalf("pool holds %d bytes, want %d", p.bytes, a.Memory()+b.Memory())
	}
	// Releasing c (256 bytes) passes the bound: shapes of the last execution go.
	p.put(bufC, c)
	if p.bytes > p.limit {
		t.Fatalf("pool holds %d bytes, over its bound %d", p.bytes, p.limit)
	}
	if p.free[poolKey(c)] == nil {
		t.Error("the shape in use was not pooled")
	}
	// A buffer larger than the bound is freed, not pooled.
	big := shapes.Make(dtypes.Float32, 1024)
	p.put(get(big), big)
	if p.free[poolKey(big)] != nil || p.bytes > p.limit {
		t.Errorf("a buffer over the bound was pooled (%d bytes held)", p.bytes)
	}
	// Lowering the bound frees the excess at the next tick.
	p.setLimit(int64(c.Memory()))
	p.tick()
	if p.bytes > int64(c.Memory()) {
		t.Errorf("after lowering the bound the pool holds %d bytes", p.bytes)
	}
	p.clear()
}

// A compiled graph knows the memory one execution works in, and one that cannot
// fit in the budget fails to compile with a message naming the budget.
func TestWorkingMemoryAndBudget(t *testing.T) {
	t.Cleanup(func() { SetMaxMemory(0) })
	backend := testBackend(t)
	s := shapes.Make(dtypes.Float32, 64, 64) // 16 KiB
	compileSquares := func() (compute.Executable, error) {
		b := backend.Builder("squares")
		f := b.Main()
		x := must.M1(f.Parameter("x", s, nil))
		y := must.M1(f.Mul(x, x))
		z := must.M1(f.Mul(y, y))
		must.M(f.Return([]compute.Value{must.M1(f.Add(z, y))}, nil))
		return b.Compile()
	}
	exec, err := compileSquares()
	if err != nil {
		t.Fatal(err)
	}
	// y and z are alive together, then y+z with both: 3 × 16 KiB at the peak.
	if got, want := exec.(*Executable).WorkingMemory(), int64(3*s.Memory()); got != want {
		t.Errorf("WorkingMemory = %d, want %d", got, want)
	}
	out := must.M1(exec.Execute([]compute.Buffer{must.M1(backend.BufferFromFlatData(0, make([]float32, 64*64), s))}, nil, 0))
	_ = out[0].Finalize()
	exec.Finalize()
	SetMaxMemory(32 << 10)
	_, err = compileSquares()
	if err == nil || !strings.Contains(err.Error(), "memory budget of 32 KiB") || !strings.Contains(err.Error(), MaxMemoryEnv) {
		t.Errorf("compiling a graph over the budget gave %v, want an error naming the budget", err)
	}
}
