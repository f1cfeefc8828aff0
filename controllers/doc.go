// Package controllers holds GoNAS's search strategies, each a nas.Controller that
// works on any nas.Space from its decision list: Random (uniform sampling, the
// baseline every search must beat), LSTM (the recurrent policy of NAS [2] and ENAS
// [3], trained with REINFORCE [1]) and Evolution (regularized evolution [4]).
// nas.Search runs any of them against an evaluator; cmd/gonas bench201 compares them
// on NAS-Bench-201 [5].
//
// It sits above package nas (the Space, Controller and REINFORCE primitives) and
// below the CLI and the notebooks; it knows no particular search space.
//
// References:
//
//	[1] Williams, "Simple statistical gradient-following algorithms for connectionist
//	    reinforcement learning", Machine Learning 8, 1992 (REINFORCE).
//	[2] Zoph & Le, "Neural Architecture Search with Reinforcement Learning", ICLR 2017;
//	    Zoph, Vasudevan, Shlens & Le, "Learning Transferable Architectures for Scalable
//	    Image Recognition", CVPR 2018 (NASNet).
//	[3] Pham, Guan, Zoph, Le & Dean, "Efficient Neural Architecture Search via
//	    Parameter Sharing", ICML 2018; code: github.com/melodyguan/enas.
//	[4] Real, Aggarwal, Huang & Le, "Regularized Evolution for Image Classifier
//	    Architecture Search", AAAI 2019.
//	[5] Dong & Yang, "NAS-Bench-201: Extending the Scope of Reproducible Neural
//	    Architecture Search", ICLR 2020.
package controllers
