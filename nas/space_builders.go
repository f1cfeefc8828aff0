package nas

// ImageSpace is a space whose architectures are image classifiers.
type ImageSpace interface {
	Space
	// ImageModel returns the network of architecture a, for images of the given
	// size and numClasses outputs. Weights live in scope under keys that depend on
	// the op's position and kind only (see cells/), so building two architectures in
	// one store shares the weights of the ops they have in common (ENAS).
	ImageModel(a Arch, numClasses int) (ImageModel, error)
}

// Drawer draws architectures of a space.
type Drawer interface {
	// SVG draws architecture a as a standalone SVG document.
	SVG(a Arch) (string, error)
	// DOT writes architecture a in graphviz's DOT language.
	DOT(a Arch) (string, error)
}

// Counter counts what an architecture costs for a given input.
type Counter interface {
	// Cost returns the number of trainable parameters and the multiply-adds of one
	// forward pass of one example.
	Cost(a Arch, numClasses int) (params int, flops int64, err error)
}

// Format reads and writes architectures of a space in a text format other tools use
// (ENAS integer strings, DARTS genotypes, NAS-Bench-201 strings).
type Format interface {
	// FormatName is a short name: "enas", "genotype", "nb201".
	FormatName() string
	// Parse reads text; errors name the token, its position and what was expected.
	Parse(text string) (Arch, error)
	// Format writes a in the format.
	Format(a Arch) (string, error)
}
