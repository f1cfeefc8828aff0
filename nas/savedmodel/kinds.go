package savedmodel

import (
	"slices"
	"sync"

	"github.com/gomlx/compute"
	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// Rebuild returns the network a saved model's weights belong to, from its
// description (its model name, architecture and settings).
type Rebuild func(meta Meta) (nas.ImageModel, error)

var (
	kindsMu sync.Mutex
	kinds   = map[string]Rebuild{}
)

// RegisterKind makes Load able to rebuild the saved models of a kind; packages that
// save models call it from an init function. It panics when kind is empty or
// already registered.
func RegisterKind(kind string, r Rebuild) {
	kindsMu.Lock()
	defer kindsMu.Unlock()
	if kind == "" || r == nil {
		panic("savedmodel.RegisterKind: empty kind or nil Rebuild")
	}
	if _, dup := kinds[kind]; dup {
		panic("savedmodel.RegisterKind: kind " + kind + " registered twice")
	}
	kinds[kind] = r
}

// Kinds lists the registered kinds, sorted.
func Kinds() []string {
	kindsMu.Lock()
	defer kindsMu.Unlock()
	var names []string
	for k := range kinds {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// Load reads the saved model in dir, rebuilding its network with the Rebuild of
// its kind (import the package that registers it: nas/choice, nas/enas).
func Load(backend compute.Backend, dir string) (*Classifier, error) {
	meta, err := ReadMeta(dir)
	if err != nil {
		return nil, err
	}
	kindsMu.Lock()
	rebuild, ok := kinds[meta.KindOrDefault()]
	kindsMu.Unlock()
	if !ok {
		return nil, errors.Errorf("%s: a model of kind %q, and this program rebuilds only %v", dir, meta.KindOrDefault(), Kinds())
	}
	m, err := rebuild(meta)
	if err != nil {
		return nil, errors.WithMessagef(err, "%s: rebuilding %s model %q", dir, meta.KindOrDefault(), meta.Model)
	}
	return Open(backend, dir, meta, m)
}
