package data

import (
	"path/filepath"
	"slices"
	"testing"
)

// Tiny PTB: counts c 3, <eos> 3, b 2, <unk> 1, a 1 → vocabulary by
// frequency then bytes: <eos> c b <unk> a.
var ptbFixture = map[string]string{
	"ptb.train.txt": " a b c \n b c\n c <unk>\n",
	"ptb.valid.txt": "a z\n",
	"ptb.test.txt":  "c", // no final newline
}

func checkPTBFixture(t *testing.T, p *PTB) {
	t.Helper()
	if want := []string{EOS, "c", "b", UNK, "a"}; !slices.Equal(p.Vocab.Words, want) {
		t.Fatalf("vocab %v, want %v", p.Vocab.Words, want)
	}
	if want := []int32{4, 2, 1, 0, 2, 1, 0, 1, 3, 0}; !slices.Equal(p.Train, want) {
		t.Errorf("train %v, want %v", p.Train, want)
	}
	if want := []int32{4, 3, 0}; !slices.Equal(p.Valid, want) { // z → <unk>
		t.Errorf("valid %v, want %v", p.Valid, want)
	}
	if want := []int32{1, 0}; !slices.Equal(p.Test, want) {
		t.Errorf("test %v, want %v", p.Test, want)
	}
}

func TestLoadPTBDirAndZip(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "ptb")
	files := map[string][]byte{}
	for name, text := range ptbFixture {
		writeFile(t, filepath.Join(dir, name), []byte(text))
		files["data/"+name] = []byte(text)
		files["__MACOSX/data/._"+name] = []byte{0, 5, 22, 7, 0, 2} // resource forks
		files["data/._"+name] = []byte{0, 5, 22, 7, 0, 2}
	}
	zipPath := filepath.Join(root, "ptb.zip")
	writeFile(t, zipPath, zipBytes(t, files))
	for _, p := range []string{dir, zipPath} {
		ptb, err := LoadPTB(p)
		if err != nil {
			t.Fatalf("LoadPTB(%s): %v", p, err)
		}
		checkPTBFixture(t, ptb)
	}
	// Short names (train.txt …) are accepted too.
	short := filepath.Join(root, "short")
	for name, text := range map[string]string{"train.txt": ptbFixture["ptb.train.txt"], "valid.txt": "a z\n", "test.txt": "c"} {
		writeFile(t, filepath.Join(short, name), []byte(text))
	}
	ptb, err := LoadPTB(short)
	if err != nil {
		t.Fatal(err)
	}
	checkPTBFixture(t, ptb)
}

func TestVocab(t *testing.T) {
	v := NewVocab(Tokenize("x y y\n"))
	if want := []string{"y", EOS, "x", UNK}; !slices.Equal(v.Words, want) { // <unk> appended
		t.Fatalf("vocab %v, want %v", v.Words, want)
	}
	if id, ok := v.ID("x"); !ok || id != 2 || v.Word(2) != "x" || v.Word(99) != "" || v.Len() != 4 {
		t.Errorf("ID/Word/Len wrong: %d %v %q", id, ok, v.Word(99))
	}
	if got := v.Decode(v.Encode([]string{"x", "nope"})); !slices.Equal(got, []string{"x", UNK}) {
		t.Errorf("round trip %v", got)
	}
	if got := Tokenize("a\n\nb\r\n"); !slices.Equal(got, []string{"a", EOS, EOS, "b", EOS}) {
		t.Errorf("Tokenize %q", got)
	}
}

func TestPTBErrors(t *testing.T) {
	root := t.TempDir()
	t.Run("missing split in dir", func(t *testing.T) {
		dir := filepath.Join(root, "missing")
		writeFile(t, filepath.Join(dir, "ptb.train.txt"), []byte("a\n"))
		_, err := LoadPTB(dir)
		wantFileError(t, err, filepath.Join(dir, "ptb.valid.txt"), "no such file")
	})
	t.Run("missing split in zip", func(t *testing.T) {
		p := filepath.Join(root, "missing.zip")
		writeFile(t, p, zipBytes(t, map[string][]byte{"ptb.train.txt": []byte("a\n"), "__MACOSX/ptb.valid.txt": []byte("a\n")}))
		_, err := LoadPTB(p)
		wantFileError(t, err, p, "no ptb.valid.txt")
	})
	t.Run("duplicate split in zip", func(t *testing.T) {
		p := filepath.Join(root, "dup.zip")
		writeFile(t, p, zipBytes(t, map[string][]byte{"a/ptb.train.txt": []byte("a\n"), "b/ptb.train.txt": []byte("a\n")}))
		_, err := LoadPTB(p)
		wantFileError(t, err, p+"[b/ptb.train.txt]", "second ptb.train.txt")
	})
	t.Run("empty split", func(t *testing.T) {
		p := filepath.Join(root, "empty.zip")
		writeFile(t, p, zipBytes(t, map[string][]byte{"ptb.train.txt": []byte("a\n"), "ptb.valid.txt": []byte(" \n"), "ptb.test.txt": []byte("a")}))
		_, err := LoadPTB(p)
		wantFileError(t, err, p+"[ptb.valid.txt]", "no tokens")
	})
	t.Run("binary split", func(t *testing.T) {
		dir := filepath.Join(root, "binary")
		for name := range ptbFixture {
			writeFile(t, filepath.Join(dir, name), []byte("a\n"))
		}
		writeFile(t, filepath.Join(dir, "ptb.test.txt"), []byte{'a', 0, 1})
		_, err := LoadPTB(dir)
		wantFileError(t, err, filepath.Join(dir, "ptb.test.txt"), "NUL byte at offset 1")
	})
	t.Run("not a zip", func(t *testing.T) {
		p := filepath.Join(root, "bad.zip")
		writeFile(t, p, []byte("not a zip archive"))
		_, err := LoadPTB(p)
		wantFileError(t, err, p, "not a zip file")
	})
	t.Run("wrong extension", func(t *testing.T) {
		p := filepath.Join(root, "ptb.tar.gz")
		writeFile(t, p, []byte("x"))
		_, err := LoadPTB(p)
		wantFileError(t, err, p, "unsupported file type")
	})
}

func TestBatchifyAndBPTT(t *testing.T) {
	ids := make([]int32, 11)
	for i := range ids {
		ids[i] = int32(i)
	}
	rows, err := Batchify(ids, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]int32{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}}
	for b := range want {
		if !slices.Equal(rows[b], want[b]) {
			t.Errorf("row %d = %v, want %v", b, rows[b], want[b])
		}
	}
	if _, err := Batchify(ids, 0); err == nil {
		t.Error("Batchify(…, 0): no error")
	}
	if _, err := Batchify(ids[:5], 3); err == nil {
		t.Error("Batchify of 5 tokens into 3 rows: no error")
	}

	var windows [][2]int
	for start, n := range BPTTWindows(10, 4) {
		windows = append(windows, [2]int{start, n})
	}
	if want := [][2]int{{0, 4}, {4, 4}, {8, 1}}; !slices.Equal(windows, want) {
		t.Errorf("BPTTWindows(10, 4) = %v, want %v", windows, want)
	}

	rows, _ = Batchify(ids[:10], 2) // [0..4] [5..9]
	x, y, err := Window(rows, 1, 3, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(x, []int32{1, 2, 3, 6, 7, 8}) || !slices.Equal(y, []int32{2, 3, 4, 7, 8, 9}) {
		t.Errorf("Window x=%v y=%v", x, y)
	}
	x2, _, _ := Window(rows, 0, 2, x, y)
	if &x2[0] != &x[0] {
		t.Error("Window reallocated a buffer with enough capacity")
	}
	if _, _, err := Window(rows, 2, 3, x, y); err == nil {
		t.Error("Window past the end: no error")
	}
}
