// Package zerocost scores image networks at initialisation, without training them:
// the zero-cost proxies of the NAS literature, as an evaluator any search strategy
// can use on any image space (nas.ImageSpace gives the network of an architecture).
//
// Five proxies, each as its reference code computes it:
//
//   - NASWOT [1]: one minibatch through the network at initialisation (batch norm
//     on the batch's statistics); every ReLU gives each image a binary code (which
//     of its inputs are positive). The kernel K[i][j] sums, over the ReLUs, the
//     number of units on which images i and j agree, c·cᵀ + (1-c)·(1-c)ᵀ, and the
//     score is log|det K| (BayesWatch/nas-without-training, score_networks.py:
//     hooks on every ReLU module that the backward pass visits, on NAS-Bench-201
//     every ReLU the network builds; scores.py:
//     hooklogdet = slogdet). Networks that separate the images score higher.
//   - synflow [2, 3]: every parameter replaced by its absolute value, batch norm
//     removed, float64, one all-ones input; R is the sum of the output and the
//     score is Σ |θ ⊙ ∂R/∂θ| over the weights of the convolutions and dense layers
//     (SamsungLabs/zero-cost-nas, foresight/pruners/measures/synflow.py, bn=False).
//   - grad-norm [3]: the cross-entropy loss of one minibatch (batch norm on the
//     batch's statistics); the score is the sum over the convolution and dense
//     layers of the L2 norm of the loss gradient of the layer's weights
//     (zero-cost-nas, grad_norm.py: Σ_l ‖∂L/∂W_l‖₂, weights only).
//   - ZiCo [4]: the gradients of the weights on two batches (the minibatch's two
//     halves, batch norm on each half's statistics); per weight, the mean of |g|
//     over the batches divided by its standard deviation; the score is
//     Σ_l log Σ_{θ∈l} mean/std over the convolution and dense layers
//     (SLDGroup/ZiCo, ZeroShotProxy/compute_zico.py). Networks whose gradients
//     are large and consistent across batches, which train fast, score higher.
//   - NTK [5]: TE-NAS's trainability score, minus the log of the condition number
//     λ_max/λ_min of the neural tangent kernel Θ_ij = J_i·J_j on the minibatch's
//     first 16 images, J_i the gradient of image i's summed logits with respect to
//     the weights (VITA-Group/TENAS, procedures/ntk.py; here each image runs as a
//     batch of one, so batch norm does not mix the images).
//
// Two further scores are GoNAS's own. NASWOTPerUnit divides NASWOT's kernel by the
// number of ReLU units, which removes NASWOT's growth with the network's size.
// StemGrad is minus the log of ‖∂L/∂W_1‖₂, the norm of the cross-entropy gradient of
// the first weights the network creates (its stem), on the minibatch with batch norm
// on its statistics: in networks of batch-normalized layers without shortcuts the
// gradient grows exponentially on its way back to the input [6], and a residual path
// tempers it. It comes free with grad-norm (same backward pass).
//
// "Weights of the convolutions and dense layers" are the trainable variables of
// rank two or more (kernels and weight matrices, not biases or batch-norm scales).
// NASWOT sees the ReLUs built with nn.Relu, which every layer of GoNAS's spaces
// uses; a network built with another ReLU has none to record and NASWOT says so.
//
// A Scorer holds the minibatch and the weight seed; Search samples architectures
// of a space, scores them and ranks them (by one proxy, or by the sum of the ranks
// of several).
//
// References:
//
//	[1] Mellor, Turner, Storkey & Crowley, "Neural Architecture Search without
//	    Training", ICML 2021.
//	[2] Tanaka, Kunin, Yamins & Ganguli, "Pruning neural networks without any data
//	    by iteratively conserving synaptic flow", NeurIPS 2020.
//	[3] Abdelfattah, Mehrotra, Dudziak & Lane, "Zero-Cost Proxies for Lightweight
//	    NAS", ICLR 2021.
//	[4] Li, Yang, Bhardwaj & Marculescu, "ZiCo: Zero-shot NAS via Inverse
//	    Coefficient of Variation on Gradients", ICLR 2023.
//	[5] Chen, Gong & Wang, "Neural Architecture Search on ImageNet in Four GPU
//	    Hours: A Theoretically Inspired Perspective" (TE-NAS), ICLR 2021.
//	[6] Yang, Pennington, Rao, Sohl-Dickstein & Schoenholz, "A Mean Field Theory
//	    of Batch Normalization", ICLR 2019.
package zerocost
