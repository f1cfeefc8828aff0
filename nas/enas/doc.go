// Package enas runs ENAS [1] end to end: the weight-sharing search of a cell
// (enas-micro), a whole network (enas-macro) or a recurrent cell (enas-rnn), the
// derivation of the final architecture, its retraining from scratch, and the honest
// control — random architectures of the same space retrained with the same budget.
//
// The loop is the reference code's [3] (src/cifar10/main.py, micro_child.py,
// micro_controller.py; src/ptb for the RNN):
//
//   - One model.Store holds the shared weights w of every architecture: the spaces
//     of package cells key each op's weights by its position, so two architectures
//     built in one store share the ops they have in common.
//   - Each epoch starts with a child phase: every step samples a new architecture
//     from the controller and takes one SGD step of it on a training minibatch
//     (Nesterov momentum, L2, the cosine learning rate with warm restarts of SGDR
//     [2], global-norm clipping, the auxiliary head and dropout before the
//     classifier when configured).
//   - Then a controller phase: TrainSteps REINFORCE updates of the LSTM controller
//     θ (package controllers: Adam with β1 = 0, baseline decay 0.99, the entropy
//     bonus in the reward), each on Aggregate architectures rewarded by their
//     accuracy on one validation minibatch (c / perplexity for enas-rnn), with w
//     fixed and batch norm in training mode.
//   - Derive samples architectures from the trained controller and keeps the one
//     with the best validation reward; Retrain trains it from scratch, larger; the
//     random control retrains K random architectures the same way. Retraining
//     adds scheduled drop-path when configured (as the reference code, whose
//     search child never drops paths even though its search script passes a
//     drop-path probability).
//
// Named presets (Preset, PresetTable) hold the paper's settings, scaled-down ones
// for a 2-core machine, and one-minute ones for tests.
//
// Robustness. A non-finite child loss (or gradient norm) skips the step inside the
// compiled graph — every variable keeps its old value (guard.go) — and gives the
// architecture the worst reward. Compiled graphs live in a bounded LRU cache keyed
// by architecture (cache.go), so memory stays flat over thousands of sampled
// architectures. A checkpoint (package nas/checkpoint: atomic, checksummed) is
// written after every epoch and on SIGINT/SIGTERM; it holds the shared weights with
// the child optimizer's state, the position, the history and the controller's
// call log, from which a resumed search rebuilds the controller exactly (state.go,
// controller.go). Data order, augmentation and validation minibatches are drawn from
// generators seeded by the run's seed and the position (streams.go), and the
// embedded backend's kernels do not depend on the thread count, so a search killed
// at any point and resumed ends bit for bit where an uninterrupted one does.
//
// Outputs, in the output directory: checkpoints/, history.jsonl, result.json (the
// derived architecture in every format of its space, the retrained and control
// numbers) and report.html (curves as inline SVG, the cells drawn).
//
// References:
//
//	[1] Pham, Guan, Zoph, Le & Dean, "Efficient Neural Architecture Search via
//	    Parameter Sharing", ICML 2018.
//	[2] Loshchilov & Hutter, "SGDR: Stochastic Gradient Descent with Warm
//	    Restarts", ICLR 2017.
//	[3] The ENAS reference code, github.com/melodyguan/enas: src/cifar10/main.py,
//	    micro_child.py, micro_controller.py, general_child.py; src/ptb; scripts/.
package enas
