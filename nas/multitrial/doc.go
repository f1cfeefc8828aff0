// Package multitrial runs NASNet's multi-trial architecture search [1]: an LSTM
// controller samples normal and reduction cells; every child is trained from
// scratch with a proxy budget and rewarded with its validation accuracy;
// REINFORCE [2] updates the controller from batches of m children; the best cells
// are re-ranked with a longer budget, and the winner is transferred — stacked
// deeper and wider, trained on the whole training set and tested — beside K random
// cells of the space trained the same way (the honest control).
//
// Every child is one nas.Trial run by a nas.Executor: a pool of goroutines in this
// process (nas.NewLocalExecutor(NewRunner(backend), workers)) or workers on other
// machines (package nas/natsexec). A trial is self-contained — its Recipe names the
// data, the subset sizes, the child's size and how to train it — and NewRunner
// trains it deterministically, so a distributed search reproduces a local one. A
// batch is one Executor.Run, consumed in dispatch order, so the controller's
// updates do not depend on which worker finished first.
//
// Trial IDs are stable ("nasnet-proxy-s1-<hash>_b0003_s01", see Config.SearchID):
// Record wraps any executor with a log of finished trials (trials.jsonl), and a
// search restarted on the same log replays the recorded results and continues
// where it stopped, along the same controller trajectory.
//
// A recipe comes from whoever can publish to a worker's queue, so it is checked
// before anything is allocated: every field has the bounds of bounds.go
// (MaxBlocks, MaxImages...), the child's training memory is estimated from its
// shapes (Recipe.MemoryEstimate) and refused above the runner's Limits.MaxMemory,
// and a worker confines data_path to its Limits.DataRoots. Such refusals are
// nas.Refused (dropped from a queue on their first failure); a failed data load
// is nas.Environmental (retried, read again, and not replayed by Record).
//
// Named presets (Preset, PresetTable): "paper" documents [1]'s setting, "proxy"
// is a CIFAR-10 search that fits a 2-core machine in about half an hour, "tiny" a
// one-minute MNIST search for tests and notebooks.
//
// Outputs (SearchResult.Write): result.json, history.jsonl, report.html.
//
// References:
//
//	[1] Zoph, Vasudevan, Shlens & Le, "Learning Transferable Architectures for
//	    Scalable Image Recognition", CVPR 2018 (NASNet).
//	[2] Williams, "Simple statistical gradient-following algorithms for
//	    connectionist reinforcement learning", Machine Learning 8, 1992.
//	[3] Zoph & Le, "Neural Architecture Search with Reinforcement Learning",
//	    ICLR 2017.
//	[4] TensorFlow's NASNet, tensorflow/models research/slim/nets/nasnet
//	    (nasnet.py: the CIFAR-10 hyperparameters of NASNet-A 6@768).
package multitrial
