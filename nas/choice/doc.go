// Package choice writes a search space where the model is written: inside an
// ordinary GoMLX model function (a nas.ImageModel), the choices
//
//	choice.Op(scope, "conv", x, candidates...)    an operation among candidates
//	choice.Input(scope, "skip", a, b, c)          an input among earlier tensors
//	choice.Value(scope, "width", 16, 32, 64)      a number (or anything) among values
//	choice.Repeat(scope, "depth", x, counts, fn)  a block repeated a chosen number of times
//
// declare the decisions, and New derives the nas.Space by tracing the function once:
// a decision is named after the scope path of its choice ("depth/1/op") and has as
// many choices as candidates. The Space is also a nas.ImageSpace, nas.Counter,
// nas.Drawer and nas.Format, so every strategy of package controllers (random,
// REINFORCE with the LSTM controller, regularized evolution) and nas.Search work on
// it unchanged; Search runs one in a single call, scoring each architecture with
// ScratchEvaluator (trained from scratch) or Shared (weight sharing). Space.Active
// names an architecture by the choices its build meets.
//
// # Rules
//
//   - Names: a choice's name must be unique within its scope; two choices of one
//     name, a choice with no candidates, or a candidate given twice make New fail.
//   - Conditional choices: the trace takes the first candidate of every Op, Input and
//     Value and the largest count of every Repeat. So every choice inside the blocks
//     of a Repeat is declared up to the largest count; an architecture with fewer
//     repetitions leaves the choices of the missing blocks unused. A choice that
//     exists only under other values of Op, Input or Value (an "if" on a Value) is not
//     declared, and building an architecture that reaches it panics with its name:
//     choices may depend on one another only through Repeat.
//   - Candidates must not depend on other choices (the same labels every build).
//
// # Weight sharing
//
// The chosen candidate of an Op builds in the sub-scope name/<candidate>, and each
// repetition of a Repeat in name/<i>, so each keeps its own weights, and one store
// trains every architecture of the space (Shared, as ENAS does). A layer whose
// weight shapes depend on a choice (a chosen width, or the width of the layer before
// it) must build in a scope named after the values that set its shape, e.g.
// scope.In("dense%dx%d", in, units); otherwise two architectures would ask one
// variable for two shapes (Shared then says so).
//
// # The winner
//
// Retrain trains an architecture from scratch and saves it (Save, in the format of
// package savedmodel): a GoMLX checkpoint beside gonas-model.json, which records
// the model's registered name, the architecture (the JSON of Format, choice name →
// label), the input shape, the class names, the normalisation and, for tables, the
// feature columns. Load (or LoadSpace,
// for a model not registered) reads it back into a Classifier that classifies raw
// inputs, image files or CSV rows; `gonas predict --model DIR INPUTS...` does the
// same from the command line for the models compiled into it (package
// choice/models). A model function is Go code: a saved model is rebuilt by calling
// the same function, not read from the checkpoint.
//
// # Implementation notes
//
// A choice finds the build it belongs to through the store of its scope, so one
// store builds one model at a time (graphs are built one after the other anyway).
// Costs count the trainable variables and the multiply-adds of the convolutions and
// matrix products of the graph of one input; drawings show the data flow between the
// Op and Input choices.
package choice
