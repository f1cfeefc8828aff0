package data

import (
	"archive/zip"
	"bytes"
	"cmp"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// Special PTB tokens. The Mikolov PTB text already contains <unk> for
// rare words; <eos> is appended at the end of every line.
const (
	EOS = "<eos>"
	UNK = "<unk>"
)

// PTB is the Penn Treebank language-modelling corpus (Mikolov's split [4]):
// each split as a sequence of token ids over the training vocabulary.
type PTB struct {
	Train, Valid, Test []int32
	Vocab              *Vocab
}

// Vocab maps words to ids and back. Ids are 0 … Len()-1.
type Vocab struct {
	Words []string         // id → word
	index map[string]int32 // word → id
}

// NewVocab builds the vocabulary of tokens, ordered by decreasing frequency
// and, among words of equal frequency, by increasing byte order — so the
// ids do not depend on anything but the multiset of tokens. If UNK does not
// occur it is appended last, so unknown words always have an id.
func NewVocab(tokens []string) *Vocab {
	count := map[string]int{}
	for _, t := range tokens {
		count[t]++
	}
	words := make([]string, 0, len(count)+1)
	for w := range count {
		words = append(words, w)
	}
	slices.SortFunc(words, func(a, b string) int {
		return cmp.Or(cmp.Compare(count[b], count[a]), strings.Compare(a, b))
	})
	if count[UNK] == 0 {
		words = append(words, UNK)
	}
	v := &Vocab{Words: words, index: make(map[string]int32, len(words))}
	for i, w := range words {
		v.index[w] = int32(i)
	}
	return v
}

// Len returns the vocabulary size.
func (v *Vocab) Len() int { return len(v.Words) }

// ID returns the id of word and whether it is in the vocabulary.
func (v *Vocab) ID(word string) (int32, bool) {
	id, ok := v.index[word]
	return id, ok
}

// Word returns the word with the given id, or "" if id is out of range.
func (v *Vocab) Word(id int32) string {
	if id < 0 || int(id) >= len(v.Words) {
		return ""
	}
	return v.Words[id]
}

// Encode maps tokens to ids; words not in the vocabulary map to UNK's id.
func (v *Vocab) Encode(tokens []string) []int32 {
	unk := v.index[UNK]
	ids := make([]int32, len(tokens))
	for i, t := range tokens {
		id, ok := v.index[t]
		if !ok {
			id = unk
		}
		ids[i] = id
	}
	return ids
}

// Decode maps ids back to words.
func (v *Vocab) Decode(ids []int32) []string {
	words := make([]string, len(ids))
	for i, id := range ids {
		words[i] = v.Word(id)
	}
	return words
}

// Tokenize splits text into lines, each line into whitespace-separated
// tokens, and appends EOS after every line (the final line needs no
// trailing newline; an empty last line after the final newline is not a
// line).
func Tokenize(text string) []string {
	text = strings.TrimSuffix(text, "\n")
	var tokens []string
	for line := range strings.SplitSeq(text, "\n") {
		tokens = append(tokens, strings.Fields(line)...)
		tokens = append(tokens, EOS)
	}
	return tokens
}

// ptbSplits are the accepted file names of each split: the Mikolov names
// first, then the short names of other copies (e.g. PyTorch's examples).
var ptbSplits = [3][2]string{
	{"ptb.train.txt", "train.txt"},
	{"ptb.valid.txt", "valid.txt"},
	{"ptb.test.txt", "test.txt"},
}

// LoadPTB reads the Penn Treebank split from path: a directory holding
// ptb.train.txt, ptb.valid.txt and ptb.test.txt (or train.txt, valid.txt,
// test.txt), or a .zip holding them (in any folder; __MACOSX/ and "._"
// entries are ignored). The vocabulary is built from the training text
// with [NewVocab]; words of valid/test outside it map to UNK.
func LoadPTB(path string) (*PTB, error) {
	var texts [3]string
	var err error
	switch st, statErr := os.Stat(path); {
	case statErr != nil:
		return nil, wrapFileError(path, "", statErr)
	case st.IsDir():
		texts, err = readPTBDir(path)
	case strings.EqualFold(filepath.Ext(path), ".zip"):
		texts, err = readPTBZip(path)
	default:
		return nil, fileErrorf(path, "", "unsupported file type: want a directory or .zip")
	}
	if err != nil {
		return nil, err
	}
	var tokens [3][]string
	for i := range texts {
		tokens[i] = Tokenize(texts[i])
	}
	v := NewVocab(tokens[0])
	return &PTB{Train: v.Encode(tokens[0]), Valid: v.Encode(tokens[1]), Test: v.Encode(tokens[2]), Vocab: v}, nil
}

// readPTBDir reads the three split files from dir.
func readPTBDir(dir string) (texts [3]string, err error) {
	for i, names := range ptbSplits {
		p := filepath.Join(dir, names[0])
		if !isFile(p) && isFile(filepath.Join(dir, names[1])) {
			p = filepath.Join(dir, names[1])
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return texts, wrapFileError(p, "", err)
		}
		if texts[i], err = checkPTBText(b, p, ""); err != nil {
			return texts, err
		}
	}
	return texts, nil
}

// readPTBZip reads the three split files from a zip archive.
func readPTBZip(archive string) (texts [3]string, err error) {
	zr, err := zip.OpenReader(archive)
	if err != nil {
		return texts, fileErrorf(archive, "", "not a zip file: %w", err)
	}
	defer zr.Close()
	for i, names := range ptbSplits {
		var found *zip.File
		for _, f := range zr.File {
			base := path.Base(f.Name)
			if strings.HasPrefix(f.Name, "__MACOSX/") || strings.HasPrefix(base, "._") || f.FileInfo().IsDir() {
				continue
			}
			if base != names[0] && base != names[1] {
				continue
			}
			if found != nil {
				return texts, fileErrorf(archive, f.Name, "second %s split (first: %s)", names[0], found.Name)
			}
			found = f
		}
		if found == nil {
			return texts, fileErrorf(archive, "", "no %s (or %s) entry", names[0], names[1])
		}
		rc, err := found.Open()
		if err != nil {
			return texts, fileErrorf(archive, found.Name, "%w", err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, maxEntrySize))
		rc.Close()
		if err != nil {
			return texts, fileErrorf(archive, found.Name, "reading: %w", err)
		}
		if texts[i], err = checkPTBText(b, archive, found.Name); err != nil {
			return texts, err
		}
	}
	return texts, nil
}

// checkPTBText rejects text that cannot be a PTB split: empty, or binary.
func checkPTBText(b []byte, path, entry string) (string, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return "", fileErrorf(path, entry, "no tokens: empty text")
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return "", fileErrorf(path, entry, "not a text file: NUL byte at offset %d", i)
	}
	return string(b), nil
}

// String returns a summary such as
// "PTB: vocab 10000, tokens 929589 / 73760 / 82430".
func (p *PTB) String() string {
	return fmt.Sprintf("PTB: vocab %d, tokens %d / %d / %d", p.Vocab.Len(), len(p.Train), len(p.Valid), len(p.Test))
}
