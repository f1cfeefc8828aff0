package nas

import (
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/model"
)

// ImageModel builds logits [N, classes] from NHWC images [N, H, W, C]; its variables
// live under scope. Every image space gives one per architecture (ImageSpace), and
// package train trains it.
type ImageModel func(scope *model.Scope, images *Node) (logits *Node)
