// Package nas is the core of GoNAS: the abstractions every search shares and
// nothing else — search spaces and architectures (Space, Arch, Decision,
// ImageSpace, ImageModel, RNNSpace), controllers and the REINFORCE update
// (Controller, Baseline), the search loop and its history (Search, History),
// trials and where they run (Trial, Executor, TrialRunner), rank correlation
// (KendallTau, SpearmanRho) and verdicts against a random control (Comparison).
//
// Around it, each in a package named for what it holds: child training
// (nas/train), the backend choice (nas/backends), the progress bar
// (nas/progress), data (nas/data), optimizers (nas/optim), layers (nas/nn),
// charts (nas/plot) and drawings (nas/draw). The searches built on it are
// nas/enas, nas/multitrial, nas/nb201search, nas/zerocost and nas/choice;
// search spaces live in cells/, controllers in controllers/, and the compute
// kernels of the embedded backend in kernels/. docs/ARCHITECTURE.md draws the
// layers.
package nas
