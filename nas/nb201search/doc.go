// Package nb201search runs weight-sharing searches of the NAS-Bench-201 space [1]
// with real training on CIFAR-10 images, and judges them on the benchmark's table:
// the pick is looked up (its accuracies, its rank among the 15,625 cells), beside a
// random control run on the same supernet, and the evaluator's ranking of a fixed
// set of cells is compared with the table after every epoch (Kendall τ, Spearman ρ;
// nas.KendallTau, nas.SpearmanRho).
//
// The supernet (supernet.go, net.go) is the benchmark's skeleton — sized down in
// the small presets — with one op per edge and the weights of every op of every
// edge in one store, trained by single-path SGD on the train half of CIFAR-10's
// training images (NB201's split); the valid half gives rewards and scores.
//
// Strategies (strategy.go; RegisterStrategy adds one, and a Scorer replaces the
// shared-weight score, e.g. with a zero-cost proxy):
//
//   - random: uniform paths train the supernet; the best-scored of Candidates
//     random cells is the pick (RSPS [4]). The same search, run K times with
//     other seeds on the final supernet, is every strategy's control.
//   - oneshot: the same supernet (bit for bit, for a seed); regularized evolution
//     [5] over Candidates cells scored with the shared weights picks [2].
//   - enas: ENAS [3]: the LSTM controller (controllers.NB201Tuned) and the shared
//     weights alternate, the controller rewarded by validation minibatches; its
//     pick is the best-scored of Candidates cells it samples.
//
// Against ENAS's collapse. ENAS's published NB201 pick is in the table's bottom 1%
// [1]: the controller drifts to cells of skip connections, pooling and none, which
// score best on a young supernet, and then trains mostly those (rich get richer).
// The guards here: the controller starts only after WarmupEpochs of uniform paths;
// UniformMix of the child steps keep uniform paths, so every op keeps training;
// the cells' batch norms have no affine parameters and always use the minibatch's
// statistics, as in NB201's own search models [1], so no architecture is scored
// with statistics left by others; the controller's logits are bounded (tanh
// constant 2.5) and its reward has an entropy bonus; the pick is the best score on
// one fixed validation subset, the same images for every candidate. The share of
// each op among the trained paths is recorded every epoch (op_shares in
// history.jsonl). Measured (BENCHMARKS.md): at the short preset's budget these
// guards do not stop the drift — the supernet itself scores parameter-free cells
// highest (its rank agreement with the table is near 0) and every strategy,
// the random control included, picks such cells.
//
// Score. An architecture's score is measured on ScoreImages fixed random images of
// the valid half, a few minibatches with batch-norm statistics of each (as NB201's
// RSPS/ENAS code evaluates): its negative mean loss (Config.ScoreBy "loss", the
// tiny and short presets), or its accuracy with ties broken by the lower loss
// ("accuracy"), or "loss+zero-cost" (the scaled preset): the loss's rank among the
// fixed cells plus the zero-cost proxies' ranks (Config.Proxies; the scaled
// preset's are NASWOT and synflow, SupernetPresetProxies), the supernet and the proxies at
// initialisation weighing alike (hybridScore; it ranks the table's cells best,
// BENCHMARKS.md). After
// the last epoch, result.json keeps the fixed cells' scores beside their table
// accuracies (FinalAgreement.Cells), and report.html plots them. Each cell also
// carries what its score was made of — its loss and accuracy with the final shared
// weights, its raw proxies at initialisation — so another combination of them can
// be ranked against the table from the file alone.
//
// Outputs in Options.Out: result.json (Result: the pick's NB201 string under
// "arch", its table accuracies, rank and percentile, the control's picks, the
// final τ/ρ, the settings), history.jsonl (an EpochRecord per epoch) and
// report.html. Searches are not checkpointed: the short preset takes minutes.
//
// References:
//
//	[1] Dong & Yang, "NAS-Bench-201: Extending the Scope of Reproducible Neural
//	    Architecture Search", ICLR 2020; code: github.com/D-X-Y/AutoDL-Projects
//	    (exps/NAS-Bench-201-algos, models/cell_searchs).
//	[2] Guo et al., "Single Path One-Shot Neural Architecture Search with
//	    Uniform Sampling", ECCV 2020.
//	[3] Pham et al., "Efficient Neural Architecture Search via Parameter
//	    Sharing", ICML 2018.
//	[4] Li & Talwalkar, "Random Search and Reproducibility for Neural
//	    Architecture Search", UAI 2019.
//	[5] Real et al., "Regularized Evolution for Image Classifier Architecture
//	    Search", AAAI 2019.
package nb201search
