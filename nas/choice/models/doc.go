// Package models holds ready model functions with choices (package nas/choice),
// registered by name so that a saved model of them loads by name (choice.Load,
// `gonas predict`): "cnn" (CNN, images) and "mlp" (MLP, tables). Each is also an
// example of a search space written where the model is.
package models

import "github.com/gonas/gonas/nas/choice"

func init() {
	choice.Register("cnn", CNN)
	choice.Register("mlp", MLP)
}
