package cells

import (
	"sort"
	"strings"

	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// spaceConstructors builds each space of this package at its default configuration.
var spaceConstructors = map[string]func() (nas.Space, error){
	"nasnet":     func() (nas.Space, error) { return NewNASNet(DefaultNASNetConfig()) },
	"enas-micro": func() (nas.Space, error) { return NewENASMicro(DefaultENASMicroConfig()) },
	"enas-macro": func() (nas.Space, error) { return NewENASMacro(), nil },
	"enas-rnn":   func() (nas.Space, error) { return NewENASRNN(), nil },
	"nb201":      func() (nas.Space, error) { return NewNB201(), nil },
}

// SpaceNames lists the names NewSpace accepts, sorted.
func SpaceNames() []string {
	names := make([]string, 0, len(spaceConstructors))
	for name := range spaceConstructors {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// NewSpace returns the space of that name at its default configuration.
func NewSpace(name string) (nas.Space, error) {
	ctor, ok := spaceConstructors[name]
	if !ok {
		return nil, errors.Errorf("unknown search space %q, expected one of %s", name, strings.Join(SpaceNames(), ", "))
	}
	return ctor()
}
