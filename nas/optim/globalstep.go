package optim

import (
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// GlobalStep reads the optimizer's step counter of store without creating it (0
// before the first step, or when it cannot be read).
func GlobalStep(store *model.Store) int64 {
	v := store.GetVariable(model.JoinPath("/", optimizer.GlobalStepVariableName))
	if v == nil || !v.HasValue() {
		return 0
	}
	t, err := v.Value()
	if err != nil {
		return 0
	}
	switch x := t.Value().(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case float32:
		return int64(x)
	case float64:
		return int64(x)
	}
	return 0
}
