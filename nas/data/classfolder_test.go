package data

import (
	"path/filepath"
	"testing"
)

func TestLoadClassFolderReadsClassesInOrder(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "dog", "b.png"), pngBytes(t, solidNRGBA(4, 3, 255, 0, 0)))
	writeFile(t, filepath.Join(dir, "dog", "a.jpg"), jpegBytes(t, solidNRGBA(4, 3, 0, 0, 255)))
	writeFile(t, filepath.Join(dir, "cat", "z.png"), pngBytes(t, solidNRGBA(4, 3, 0, 255, 0)))
	writeFile(t, filepath.Join(dir, ".DS_Store"), []byte("junk"))
	ds, err := LoadClassFolder(dir, 3)
	if err != nil {
		t.Fatal(err)
	}
	if ds.Len() != 3 || ds.Height != 3 || ds.Width != 4 || ds.Channels != 3 || ds.NumClasses != 2 {
		t.Fatalf("got %s", ds)
	}
	if ds.ClassNames[0] != "cat" || ds.Labels[0] != 0 || ds.Labels[1] != 1 || ds.Labels[2] != 1 {
		t.Fatalf("classes %v labels %v", ds.ClassNames, ds.Labels)
	}
	if px := ds.Image(0)[:3]; px[0] != 0 || px[1] != 1 || px[2] != 0 { // cat: green
		t.Fatalf("cat pixel %v, want green", px)
	}
	if px := ds.Image(2)[:3]; px[0] != 1 || px[1] != 0 { // dog/b.png: red, after a.jpg
		t.Fatalf("dog/b pixel %v, want red", px)
	}
	grey, err := LoadClassFolder(dir, 1)
	if err != nil {
		t.Fatal(err)
	}
	if v := grey.Image(2)[0]; !near(v, 0.299, 1e-4) {
		t.Fatalf("grey of pure red = %g, want 0.299", v)
	}
}

func TestLoadClassFolderErrors(t *testing.T) {
	img := pngBytes(t, solidNRGBA(2, 2, 9, 9, 9))
	t.Run("one class", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "cat", "a.png"), img)
		_, err := LoadClassFolder(dir, 3)
		wantFileError(t, err, dir, "found 1 class", "at least 2")
	})
	t.Run("empty class", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "cat", "a.png"), img)
		writeFile(t, filepath.Join(dir, "dog", ".hidden"), img)
		_, err := LoadClassFolder(dir, 3)
		wantFileError(t, err, filepath.Join(dir, "dog"), `class "dog" has no image`)
	})
	t.Run("bad image", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "cat", "a.png"), img)
		writeFile(t, filepath.Join(dir, "dog", "b.jpg"), []byte("not really a jpeg"))
		_, err := LoadClassFolder(dir, 3)
		wantFileError(t, err, filepath.Join(dir, "dog", "b.jpg"), "not a JPEG or PNG image")
	})
	t.Run("other size", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "cat", "a.png"), img)
		writeFile(t, filepath.Join(dir, "dog", "b.png"), pngBytes(t, solidNRGBA(3, 2, 9, 9, 9)))
		_, err := LoadClassFolder(dir, 3)
		wantFileError(t, err, filepath.Join(dir, "dog", "b.png"), "image size 3×2 differs")
	})
	t.Run("stray file", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "cat", "a.png"), img)
		writeFile(t, filepath.Join(dir, "dog", "notes.txt"), []byte("hi"))
		_, err := LoadClassFolder(dir, 3)
		wantFileError(t, err, filepath.Join(dir, "dog", "notes.txt"), "unsupported file")
	})
}

func TestLoadImageFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.png")
	writeFile(t, p, pngBytes(t, solidNRGBA(5, 2, 0, 0, 255)))
	px, h, w, err := LoadImageFile(p, 3)
	if err != nil || h != 2 || w != 5 || len(px) != 30 || px[2] != 1 {
		t.Fatalf("LoadImageFile = %d×%d %v, %v", h, w, px[:3], err)
	}
	if _, _, _, err := LoadImageFile(p+".txt", 3); err == nil {
		t.Fatal("a .txt file was read as an image")
	}
}
