// Package savedmodel is the trained network a search ends with, on disk and back:
// a directory holding a GoMLX checkpoint of its weights beside gonas-model.json,
// which says what the network is (its kind and model, its architecture, the
// settings that size it) and how to read raw inputs (input shape, class names,
// normalisation, feature columns).
//
// It sits under the searches: package choice saves the models written with
// choices (choice.Retrain), package enas saves the retrained cells of the built-in
// ENAS spaces (enas.RetrainAndSave, `gonas retrain --out`, `gonas search`), and
// both register a Rebuild for their kind, so Load (and `gonas predict --model DIR`)
// reads either. A network is Go code: Load rebuilds it by calling the code of its
// kind with the saved architecture and settings, then reads the weights.
package savedmodel
