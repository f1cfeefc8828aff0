package data

import (
	"cmp"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// Splits of an image folder.
const (
	splitTrain = iota
	splitTest
)

var splitDirs = [2]string{"train", "test"}

// LoadImageFolder reads a labelled image folder,
//
//	train/<class>/<image>.jpg|.jpeg|.png
//	test/<class>/<image>.jpg|.jpeg|.png
//
// from a directory or straight from a .tar.gz/.tgz of one (whose entries may
// sit under a top directory, e.g. cifar10/train/cat/0001.jpg; the prefix is
// detected). Class names are the train/ subdirectories sorted
// alphabetically, and label ids follow that order; for CIFAR-10 this is the
// official order airplane … truck. Within a class, images are ordered by
// file name. Images are decoded in parallel (GOMAXPROCS goroutines) into RGB,
// NHWC, [0,1]; grey images are replicated to 3 channels.
//
// Every image must be height×width; height = width = 0 takes the size of
// the first training image. Dot-files are skipped; any other non-image file
// in a class directory is an error.
func LoadImageFolder(path string, height, width int) (train, test *Dataset, err error) {
	return loadImageFolder(path, height, width, nil)
}

// loadImageFolder is LoadImageFolder, or with a selection, only the images it
// chooses (see assembleFolder).
func loadImageFolder(path string, height, width int, sel *selection) (train, test *Dataset, err error) {
	if isTarGz(path) {
		return loadTarGz(path, height, width, sel)
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, wrapFileError(path, "", err)
	}
	if !st.IsDir() {
		return nil, nil, fileErrorf(path, "", "unsupported file type: want a directory, .tar.gz or .tgz")
	}
	var pool *decoderPool // eager: images are decoded while the directory is listed
	if sel == nil {
		pool = startDecoders()
		defer pool.wait()
	}
	items, err := listImageFolder(path, pool)
	if err != nil {
		return nil, nil, err
	}
	pool.wait()
	return assembleFolder(path, "", items, height, width, sel)
}

// listImageFolder lists the images of the folder dataset in directory path,
// submitting each to pool (nil: none).
func listImageFolder(path string, pool *decoderPool) ([]*folderItem, error) {
	var items []*folderItem
	for split, sub := range splitDirs {
		splitDir := filepath.Join(path, sub)
		classes, err := os.ReadDir(splitDir)
		if err != nil {
			return nil, wrapFileError(splitDir, "", err)
		}
		for _, c := range classes {
			if strings.HasPrefix(c.Name(), ".") {
				continue
			}
			classDir := filepath.Join(splitDir, c.Name())
			if !c.IsDir() {
				return nil, fileErrorf(classDir, "", "not in a class directory (want %s/<class>/<image>)", sub)
			}
			files, err := os.ReadDir(classDir)
			if err != nil {
				return nil, wrapFileError(classDir, "", err)
			}
			for _, f := range files {
				if strings.HasPrefix(f.Name(), ".") {
					continue
				}
				p := filepath.Join(classDir, f.Name())
				if f.IsDir() || !isImageName(f.Name()) {
					return nil, fileErrorf(p, "", "unsupported file type in class directory (want .jpg, .jpeg or .png)")
				}
				it := &folderItem{split: split, class: c.Name(), path: p, key: p}
				items = append(items, it)
				pool.submit(it)
			}
		}
	}
	return items, nil
}

// folderItem is one image of a folder dataset: on disk (data == nil, read
// from path) or already read from an archive (path is the archive). A
// decoder goroutine fills in rgb, w, h or err.
type folderItem struct {
	split int    // splitTrain or splitTest
	class string // class directory name
	path  string // file on disk, or the archive holding it
	entry string // archive entry name ("" on disk)
	key   string // sort key within a class
	data  []byte // encoded image, if already read; released once decoded

	rgb  []byte // decoded pixels, h×w×3
	w, h int    // decoded size
	err  error  // reading or decoding failure
}

// isImageName reports whether name has a supported image extension.
func isImageName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jpg", ".jpeg", ".png":
		return true
	}
	return false
}

// folderSplits are the listed images of a folder dataset in dataset order:
// the class names (the train class directories, sorted), each class's label,
// and the train and test images, each sorted by label then key.
type folderSplits struct {
	src, entry string // the dataset's root, for errors and its name
	classes    []string
	label      map[string]int32
	items      [2][]*folderItem
}

// sortFolder assigns labels and orders the listed items (decoded or not) by
// split, class and key. src/entry name the dataset's root for errors.
func sortFolder(src, entry string, items []*folderItem) (*folderSplits, error) {
	var classes []string
	for _, it := range items {
		if it.split == splitTrain {
			classes = append(classes, it.class)
		}
	}
	slices.Sort(classes)
	classes = slices.Compact(classes)
	if len(classes) == 0 {
		return nil, fileErrorf(src, entry, "no images found under train/<class>/")
	}
	f := &folderSplits{src: src, entry: entry, classes: classes, label: make(map[string]int32, len(classes))}
	for i, c := range classes {
		f.label[c] = int32(i)
	}
	for _, it := range items {
		if _, ok := f.label[it.class]; !ok {
			return nil, fileErrorf(it.path, it.entry, "test class %q is not a train class %v", it.class, classes)
		}
		f.items[it.split] = append(f.items[it.split], it)
	}
	if len(f.items[splitTest]) == 0 {
		return nil, fileErrorf(src, entry, "no images found under test/<class>/")
	}
	for _, s := range f.items {
		slices.SortFunc(s, func(a, b *folderItem) int {
			return cmp.Or(cmp.Compare(f.label[a.class], f.label[b.class]), cmp.Compare(a.key, b.key))
		})
	}
	return f, nil
}

// assembleFolder builds the train and test datasets of the listed items,
// decoded in place, checking their size (height = width = 0: the first
// training image's). With a selection, the items are not decoded yet: only the
// images it chooses are (folderSplits.subset), and a split it drops is nil.
func assembleFolder(src, entry string, items []*folderItem, height, width int, sel *selection) (train, test *Dataset, err error) {
	f, err := sortFolder(src, entry, items)
	if err != nil {
		return nil, nil, err
	}
	if sel != nil {
		var out [2]*Dataset
		for s := range f.items {
			if pick := sel.pick(s); pick != nil {
				if out[s], err = f.subset(s, height, width, pick); err != nil {
					return nil, nil, err
				}
			}
		}
		return out[splitTrain], out[splitTest], nil
	}
	for _, s := range f.items { // report the first failure in dataset order
		if err := firstFailure(s); err != nil {
			return nil, nil, err
		}
	}
	if height == 0 || width == 0 {
		height, width = f.items[splitTrain][0].h, f.items[splitTrain][0].w
	}
	var out [2]*Dataset
	for s, its := range f.items {
		if out[s], err = f.dataset(s, its, height, width); err != nil {
			return nil, nil, err
		}
	}
	return out[splitTrain], out[splitTest], nil
}

// firstFailure is the first reading or decoding failure of its, in order.
func firstFailure(its []*folderItem) error {
	for _, it := range its {
		if it.err != nil {
			return it.err
		}
	}
	return nil
}

// dataset builds the dataset of split s from its, decoded images that must
// be height×width, releasing their pixels.
func (f *folderSplits) dataset(s int, its []*folderItem, height, width int) (*Dataset, error) {
	ds := &Dataset{
		Name:   strings.TrimSuffix(strings.TrimSuffix(filepath.Base(f.src), ".tgz"), ".tar.gz") + "-" + splitDirs[s],
		Images: make([]float32, len(its)*height*width*3),
		Labels: make([]int32, len(its)),
		Height: height, Width: width, Channels: 3,
		NumClasses: len(f.classes), ClassNames: f.classes,
	}
	for i, it := range its {
		if it.w != width || it.h != height {
			return nil, fileErrorf(it.path, it.entry, "unexpected image size %d×%d, want %d×%d", it.w, it.h, width, height)
		}
		ds.Labels[i] = f.label[it.class]
	}
	parallelRange(len(its), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			img := ds.Image(i)
			for k, v := range its[i].rgb {
				img[k] = pixelScale[v]
			}
			its[i].rgb = nil
		}
	})
	return ds, nil
}

// parallelRange splits 0 … n-1 into GOMAXPROCS contiguous ranges and runs
// f on each in its own goroutine.
func parallelRange(n int, f func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Go(func() { f(lo, hi) })
	}
	wg.Wait()
}

// folderEntry splits an archive entry name into (prefix, split, class) when
// it has the form [prefix/]train|test/<class>/<file>.
func folderEntry(name string) (prefix string, split int, class string, ok bool) {
	parts := strings.Split(name, "/")
	k := len(parts) - 3
	if k < 0 {
		return "", 0, "", false
	}
	for s, d := range splitDirs {
		if parts[k] == d && parts[k+1] != "" && parts[k+2] != "" {
			return strings.Join(parts[:k], "/"), s, parts[k+1], true
		}
	}
	return "", 0, "", false
}
