// Package nn holds the layers that GoNAS's search spaces build child networks from:
// convolutions with any stride, dilation and group count (depthwise and separable
// included), batch normalisation, pooling with TensorFlow's SAME padding, and dense
// heads. Inputs are NHWC. Every layer takes a *model.Scope: the variables of a layer
// live in that scope, which is how cells/ shares weights between architectures.
//
// The layers use only GoMLX graph ops, so they run unchanged on XLA and on the
// embedded "gonas" backend (kernels/).
//
// References:
//
//	[1] Ioffe & Szegedy, "Batch Normalization", ICML 2015.
//	[2] Chollet, "Xception: Deep Learning with Depthwise Separable Convolutions", CVPR 2017.
//	[3] TensorFlow's SAME padding: output = ceil(input/stride).
//	[4] Tanaka et al., "Pruning neural networks without any data by iteratively
//	    conserving synaptic flow", NeurIPS 2020.
package nn
