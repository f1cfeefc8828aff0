// Package optim holds the optimizer pieces GoNAS needs to train child networks that GoMLX (v0.28.2) lacks:
// SGD with heavy-ball or Nesterov momentum and coupled L2 weight decay (sgd.go), learning-rate schedules as
// graph functions of the global step, notably cosine annealing with warm restarts (schedule.go), and
// gradient clipping by global norm (clip.go).
//
// Where it sits in GoNAS: the architecture-search controller samples child architectures, which are built as
// GoMLX models and trained with a GoMLX train.Trainer; this package supplies the train.Trainer's optimizer
// (an optimizer.Interface) and the learning-rate schedule for those child-training runs, reproducing the
// ENAS [4] recipe: Nesterov momentum 0.9, L2 weight decay, SGDR with T0=10 epochs, Tmul=2, lr_max=0.05,
// lr_min=0.0005, and gradient clipping by global norm.
//
// Typical use with a train.Trainer:
//
//	opt := optim.SGD().
//		Momentum(0.9).Nesterov().
//		WeightDecay(5e-4).ExcludeFromWeightDecay(optim.ExcludeBiasesAndNorms).
//		ClipByGlobalNorm(5).
//		Schedule(optim.ENASSchedule(stepsPerEpoch)).
//		Done()
//	trainer := train.NewTrainer(backend, store, modelFn, loss.SparseCategoricalCrossEntropyLogits, opt, nil, nil)
//
// To drive any other GoMLX optimizer (e.g. optimizer.Adam) with a schedule, call ScheduleLearningRate from
// the model function: it sets GoMLX's learning-rate variable, which all GoMLX optimizers read.
//
// Sources:
//
//	[1] I. Loshchilov, F. Hutter. "SGDR: Stochastic Gradient Descent with Warm Restarts". ICLR 2017. arXiv:1608.03983.
//	[2] I. Sutskever, J. Martens, G. Dahl, G. Hinton. "On the importance of initialization and momentum in deep
//	    learning". ICML 2013.
//	[3] PyTorch documentation, torch.optim.SGD (update equations, including momentum, nesterov and weight_decay):
//	    https://pytorch.org/docs/stable/generated/torch.optim.SGD.html
//	[4] H. Pham, M. Guan, B. Zoph, Q. Le, J. Dean. "Efficient Neural Architecture Search via Parameter Sharing".
//	    ICML 2018. arXiv:1802.03268; reference code https://github.com/melodyguan/enas (src/utils.py, get_train_ops).
package optim
