package cells

import (
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/draw"
)

// twoCellSpace is what NASNet and ENAS micro have in common: an architecture decodes
// into a normal and a reduction cell, stacked by a stackConfig.
type twoCellSpace interface {
	decode(a nas.Arch) (normal, reduce cellSpec, err error)
	stack() stackConfig
	imageShape() (size, channels int)
}

// imageModelOf builds the stacked network of a, dropping the auxiliary head.
func imageModelOf(s twoCellSpace, a nas.Arch, numClasses int) (nas.ImageModel, error) {
	m, err := imageModelWithAuxOf(s, a, numClasses)
	if err != nil {
		return nil, err
	}
	return func(scope *model.Scope, images *Node) *Node {
		logits, _ := m(scope, images)
		return logits
	}, nil
}

// imageModelWithAuxOf builds the stacked network of a and its auxiliary head's
// logits (nil when the stack has none).
func imageModelWithAuxOf(s twoCellSpace, a nas.Arch, numClasses int) (func(scope *model.Scope, images *Node) (logits, aux *Node), error) {
	normal, reduce, err := s.decode(a)
	if err != nil {
		return nil, err
	}
	cfg := s.stack()
	return func(scope *model.Scope, images *Node) (*Node, *Node) {
		n := &cnet{}
		logits, aux, hasAux := n.classifier(scope, imageFmap(images), normal, reduce, cfg, numClasses)
		if !hasAux {
			return logits.x, nil
		}
		return logits.x, aux.x
	}, nil
}

// costOf counts the parameters and multiply-adds of a's network for one image of
// the space's size, auxiliary head excluded.
func costOf(s twoCellSpace, a nas.Arch, numClasses int) (int, int64, error) {
	normal, reduce, err := s.decode(a)
	if err != nil {
		return 0, 0, err
	}
	size, channels := s.imageShape()
	return countClassifier(normal, reduce, s.stack(), size, size, channels, numClasses)
}

// svgOf and dotOf render a drawing built by a space's graph function.
func svgOf(g *draw.Graph, err error) (string, error) {
	if err != nil {
		return "", err
	}
	return g.SVG()
}

func dotOf(g *draw.Graph, err error) (string, error) {
	if err != nil {
		return "", err
	}
	return g.DOT()
}
