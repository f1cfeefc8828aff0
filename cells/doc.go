// Package cells holds GoNAS's search spaces, one file each: NASNet [1] (nasnet.go),
// ENAS micro [2] (enas_micro.go), ENAS macro [2] (enas_macro.go), the ENAS recurrent
// cell [2] (enas_rnn.go) and NAS-Bench-201 [4] (nasbench201.go). Each implements
// nas.Space and what applies of nas.ImageSpace, nas.Drawer, nas.Counter and
// nas.Format; NewSpace builds any of them by name and ParseArch reads an
// architecture in any of its space's formats.
//
// # Cell spaces: NASNet and ENAS micro
//
// Both search a normal and a reduction cell of B nodes; node k ≥ 2 adds (or, in
// NASNet, may concatenate) two ops applied to two earlier nodes, nodes 0 and 1 being
// the outputs of the two previous cells, and the cell outputs the concatenation of
// the nodes no node reads (NASNet: or TensorFlow's lists, or a DARTS genotype's;
// see ConcatRule in common_concat.go). The shared machinery is in the common_*.go files: the
// layers (common_net.go, which both builds graphs and counts parameters and
// multiply-adds, so Cost always describes the network built), hidden states as lists
// of parts (common_state.go), the ops (common_ops.go), the cell (common_cell.go), the
// stacking of 3N+2 cells with stems and heads (common_stack.go), the drawings
// (common_draw.go, with nas/draw) and the DARTS genotype text (common_genotype.go).
//
// Weight sharing. Every variable lives in a scope named by where its op sits, never
// by which architecture is built, so two architectures built in one model.Store
// share the weights of the ops they have in common (ENAS [2]):
//
//	stem/conv, stem/bn                       the CIFAR stem (NASNet's ImageNet stem adds stem_cell0, stem_cell1)
//	cell<i>/pre0, cell<i>/pre1               fitting the inputs h(i-2), h(i-1) to the cell's width
//	cell<i>/node<k>/<slot>/<op>/...          the op in input slot x or y of node k of cell i,
//	                                         e.g. cell3/node2/x/sep3x3/sep1/depthwise/weights
//	cell<i>/out/reduce_in<k>, cell<i>/out/conv  reducing an unused cell input; ENAS's output 1x1 conv
//	head/<part>/dense, head/bias             the classifier (aux/... for the auxiliary head)
//
// Cells are numbered 0 to 3N+1 along the network, reduction cells included. ENAS's
// code also indexes a node's op weights by the chosen input node; here an op keeps
// its weights whatever node it reads (the key is cell, node, slot, op). A layer
// whose weights depend on the width of its input (the 1x1 convolutions fitting a
// previous cell's output, a separable convolution reading a concatenated node, the
// head) keeps one weight block per part of the input state, in a sub-scope named
// after the part ("node4", "node3x", "in0"), and sums the blocks' outputs: the same
// function and parameter count as one layer over the concatenation, whose blocks no
// longer depend on which other nodes are concatenated.
//
// Formats: canonical JSON (nas.Arch), DARTS genotypes [3] for both spaces (nodes
// that concatenate cannot be written; FitSpace, in common_fit.go, sizes a space
// to a genotype's blocks and concat lists, or to an ENAS arc's length, as gonas
// draw and info read them), and ENAS integer strings for ENAS micro
// (per node "x_id x_op y_id y_op", normal cell then reduction cell, ops numbered
// 0 sep3x3, 1 sep5x5, 2 avg3x3, 3 max3x3, 4 identity as in the reference code).
// Parse errors name the token, its position and what was expected.
//
// Ops follow DARTS's code where DARTS has them [3]: separable convolutions are
// applied twice, dil_conv_3x3 is a separable dilated convolution (ReLU, depthwise
// 3x3 of dilation 2, pointwise, BN).
//
// Named architectures: NASNet-A (nasnet-a) [1], the ENAS paper's best micro cell
// (enas) and the reference code's fixed architecture (enas-fixed-arc) [2]; and
// PublishedGenotypes (darts-v1, darts-v2, amoebanet-a) for FitSpace; the
// drawings of NASNet-A's and the ENAS cell's normal and reduction cells are under
// docs/. Costs are checked against PyTorch builds of the same networks
// (testdata/cells_torch.py writes testdata/cells_torch.json), and published
// models' counts against their papers and code (common_published_test.go).
//
// References:
//
//	[1] Zoph, Vasudevan, Shlens & Le, "Learning Transferable Architectures for
//	    Scalable Image Recognition", CVPR 2018; code: tensorflow/models,
//	    research/slim/nets/nasnet (nasnet.py, nasnet_utils.py).
//	[2] Pham, Guan, Zoph, Le & Dean, "Efficient Neural Architecture Search via
//	    Parameter Sharing", ICML 2018; code: melodyguan/enas (src/cifar10/micro_child.py).
//	[3] Liu, Simonyan & Yang, "DARTS: Differentiable Architecture Search", ICLR 2019;
//	    code: quark0/darts (cnn/genotypes.py).
//	[4] Dong & Yang, "NAS-Bench-201: Extending the Scope of Reproducible Neural
//	    Architecture Search", ICLR 2020.
package cells
