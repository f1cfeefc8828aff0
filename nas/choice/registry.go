package choice

import (
	"slices"
	"sync"

	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// Factory returns a model function with choices for numClasses outputs.
type Factory func(numClasses int) nas.ImageModel

var (
	registryMu sync.Mutex
	registry   = map[string]Factory{}
)

// Register makes a model known by name, so that a saved model of it can be loaded
// by name (Load, `gonas predict`); call it from an init function. A model function
// is Go code: a program can only rebuild the models compiled into it. It panics
// when name is empty or already registered.
func Register(name string, f Factory) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if name == "" || f == nil {
		panic("choice.Register: empty name or nil factory")
	}
	if _, dup := registry[name]; dup {
		panic("choice.Register: model " + name + " registered twice")
	}
	registry[name] = f
}

// Registered lists the registered model names, sorted.
func Registered() []string {
	registryMu.Lock()
	defer registryMu.Unlock()
	var names []string
	for n := range registry {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// NewRegistered returns the space of registered model name for numClasses outputs
// and inputs of height×width×channels.
func NewRegistered(name string, numClasses, height, width, channels int) (*Space, error) {
	registryMu.Lock()
	f, ok := registry[name]
	registryMu.Unlock()
	if !ok {
		return nil, errors.Errorf("choice: no registered model %q (have %v): a program rebuilds only the models compiled into it", name, Registered())
	}
	return New(name, f(numClasses), height, width, channels)
}
