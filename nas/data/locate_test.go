package data

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestEscapeModulePath(t *testing.T) {
	if got, want := EscapeModulePath(GoMNISTModule), "github.com/petar/!go!m!n!i!s!t"; got != want {
		t.Errorf("EscapeModulePath = %q, want %q", got, want)
	}
}

func TestMNISTDirFromEnv(t *testing.T) {
	dir := t.TempDir()
	mnistFixture(t, dir)
	t.Setenv(EnvMNISTDir, dir)
	if got, err := MNISTDir(); err != nil || got != dir {
		t.Errorf("MNISTDir = %q, %v; want %q", got, err, dir)
	}
	empty := t.TempDir()
	t.Setenv(EnvMNISTDir, empty)
	_, err := MNISTDir()
	wantFileError(t, err, filepath.Join(empty, MNISTTrainImages), "$"+EnvMNISTDir)
}

func TestMNISTDirFromModuleCache(t *testing.T) {
	cache := t.TempDir()
	data := filepath.Join(cache, "github.com", "petar", "!go!m!n!i!s!t@"+GoMNISTVersion, "data")
	mnistFixture(t, data)
	t.Setenv(EnvMNISTDir, "")
	t.Setenv("GOMODCACHE", cache)
	got, err := MNISTDir()
	if err != nil || got != data {
		t.Fatalf("MNISTDir = %q, %v; want %q", got, err, data)
	}
	if _, _, err := LoadMNIST(got); err != nil {
		t.Error(err)
	}
	t.Setenv("GOMODCACHE", t.TempDir())
	if _, err := MNISTDir(); err == nil {
		t.Error("empty module cache: no error")
	}
}

func TestFashionMNISTDirFromEnv(t *testing.T) {
	dir := t.TempDir()
	mnistFixture(t, dir)
	t.Setenv(EnvFashionMNISTDir, dir)
	if got, err := FashionMNISTDir(); err != nil || got != dir {
		t.Errorf("FashionMNISTDir = %q, %v", got, err)
	}
}

func TestSharedDataDir(t *testing.T) {
	root := t.TempDir()
	repo := filepath.Join(root, "repo")
	writeFile(t, filepath.Join(repo, "go.mod"), []byte("// GoNAS\nmodule github.com/gonas/gonas\n\ngo 1.26\n"))
	writeFile(t, filepath.Join(repo, "sub", "go.mod"), []byte("module example.com/other\n")) // skipped
	writeFile(t, filepath.Join(root, "shared", "data", "README.md"), []byte("x"))
	deep := filepath.Join(repo, "sub", "deeper")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvDataDir, "")
	t.Chdir(deep)
	got, err := SharedDataDir()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(root, "shared", "data"); got != want {
		t.Errorf("SharedDataDir = %q, want %q", got, want)
	}
	t.Setenv(EnvDataDir, repo)
	if got, err := SharedDataDir(); err != nil || got != repo {
		t.Errorf("with $%s: %q, %v", EnvDataDir, got, err)
	}
	t.Setenv(EnvDataDir, filepath.Join(root, "nope"))
	if _, err := SharedDataDir(); err == nil {
		t.Error("missing $GONAS_DATA_DIR dir: no error")
	}
	t.Setenv(EnvDataDir, "")
	t.Chdir(root)
	if _, err := SharedDataDir(); err == nil {
		t.Error("outside the repo: no error")
	}
	var fe *FileError
	if err := os.RemoveAll(filepath.Join(root, "shared")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(repo)
	if _, err := SharedDataDir(); !errors.As(err, &fe) {
		t.Errorf("no shared dir: %v", err)
	}
}
