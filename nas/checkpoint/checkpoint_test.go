package checkpoint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pkg/errors"
)

func writeFiles(files map[string]string) func(string) error {
	return func(dir string) error {
		for name, content := range files {
			p := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				return err
			}
		}
		return nil
	}
}

func TestSaveLatestAndPrune(t *testing.T) {
	d := Dir{Path: t.TempDir(), Keep: 2}
	if _, _, ok, err := d.Latest(); ok || err != nil {
		t.Fatalf("empty dir: ok=%v err=%v", ok, err)
	}
	for step := 1; step <= 3; step++ {
		if _, err := d.Save(step, writeFiles(map[string]string{"state.json": strings.Repeat("x", step), "model/w.bin": "w"})); err != nil {
			t.Fatal(err)
		}
	}
	step, path, ok, err := d.Latest()
	if err != nil || !ok || step != 3 {
		t.Fatalf("Latest = %d %v %v, want step 3", step, ok, err)
	}
	if b, _ := os.ReadFile(filepath.Join(path, "state.json")); string(b) != "xxx" {
		t.Errorf("state.json = %q", b)
	}
	if got := d.Steps(); len(got) != 2 || got[0] != 2 || got[1] != 3 {
		t.Errorf("Steps after pruning = %v, want [2 3]", got)
	}
}

func TestCorruptCheckpointIsNamedAndKept(t *testing.T) {
	d := Dir{Path: t.TempDir()}
	path, err := d.Save(7, writeFiles(map[string]string{"a.bin": "hello", "b.bin": "world"}))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(path, "b.bin"), []byte("worle"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, _, err = d.Latest()
	if err == nil || !strings.Contains(err.Error(), "b.bin") || !strings.Contains(err.Error(), "corrupt") {
		t.Fatalf("want an error naming b.bin as corrupt, got %v", err)
	}
	if err := os.WriteFile(filepath.Join(path, "b.bin"), []byte("wor"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Verify(path); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("want a truncation error, got %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal("a corrupt checkpoint must not be deleted")
	}
}

// A failed Save leaves the previous checkpoint as LATEST and no partial directory.
func TestFailedSaveKeepsLastGood(t *testing.T) {
	d := Dir{Path: t.TempDir()}
	if _, err := d.Save(1, writeFiles(map[string]string{"s": "good"})); err != nil {
		t.Fatal(err)
	}
	_, err := d.Save(2, func(dir string) error {
		_ = os.WriteFile(filepath.Join(dir, "s"), []byte("half"), 0o644)
		return errors.New("disk full")
	})
	if err == nil {
		t.Fatal("want the writer's error")
	}
	step, _, ok, err := d.Latest()
	if err != nil || !ok || step != 1 {
		t.Fatalf("after a failed save Latest = %d %v %v, want step 1", step, ok, err)
	}
	entries, _ := os.ReadDir(d.Path)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp") {
			t.Errorf("temporary directory %s left behind", e.Name())
		}
	}
}

func TestUnlistedFileAndBadLatest(t *testing.T) {
	d := Dir{Path: t.TempDir()}
	path, err := d.Save(1, writeFiles(map[string]string{"s": "x"}))
	if err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(filepath.Join(path, "extra"), []byte("?"), 0o644)
	if err := Verify(path); err == nil || !strings.Contains(err.Error(), "extra") {
		t.Fatalf("want an error naming the unlisted file, got %v", err)
	}
	_ = os.WriteFile(filepath.Join(d.Path, "LATEST"), []byte("garbage\n"), 0o644)
	if _, _, _, err := d.Latest(); err == nil || !strings.Contains(err.Error(), "garbage") {
		t.Fatalf("want an error naming LATEST's content, got %v", err)
	}
}

// A Save cut short by a crash leaves a .tmp-step-* directory; the next Save removes it.
func TestSaveRemovesTemporariesOfACrashedSave(t *testing.T) {
	d := Dir{Path: t.TempDir()}
	stale := filepath.Join(d.Path, ".tmp-step-12345")
	if err := os.MkdirAll(filepath.Join(stale, "model"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Save(1, writeFiles(map[string]string{"state.json": "{}"})); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the crashed save's %s is still there (%v)", stale, err)
	}
	left, _ := filepath.Glob(filepath.Join(d.Path, ".tmp-*"))
	if len(left) != 0 {
		t.Errorf("temporaries left after a Save: %v", left)
	}
}

// A corrupt newest checkpoint's error says how to go on from the previous intact one.
func TestCorruptNewestNamesTheIntactOlder(t *testing.T) {
	d := Dir{Path: t.TempDir(), Keep: 3}
	for step := 1; step <= 2; step++ {
		if _, err := d.Save(step, writeFiles(map[string]string{"a.bin": strings.Repeat("x", step)})); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(d.Path, "step-00000002", "a.bin"), []byte("yy"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, _, err := d.Latest()
	if err == nil || !strings.Contains(err.Error(), "step-00000001 is intact") || !strings.Contains(err.Error(), "echo step-00000001 > ") {
		t.Fatalf("a corrupt newest checkpoint: %v", err)
	}
	if err := os.WriteFile(filepath.Join(d.Path, "step-00000001", "a.bin"), []byte("z"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := d.Latest(); err == nil || !strings.Contains(err.Error(), "no older one is intact") {
		t.Fatalf("every checkpoint corrupt: %v", err)
	}
}
