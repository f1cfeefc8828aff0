package draw

import "strings"

// Op families: the colour groups of op boxes and edge tags.
const (
	FamilySep        = "sep"        // separable convolutions
	FamilyConv       = "conv"       // ordinary convolutions (1x1, 3x3, 1x7-7x1, ...)
	FamilyDilated    = "dilated"    // dilated convolutions
	FamilyPool       = "pool"       // max and average pooling
	FamilyIdentity   = "identity"   // identity / skip connections
	FamilyNone       = "none"       // the zero op
	FamilyActivation = "activation" // tanh, ReLU, sigmoid (RNN cells)
	FamilyOther      = "other"
)

// Family guesses the op family of an op label: "sep 3x3", "sep_conv_5x5" → sep;
// "dil 3x3", "dil_conv_3x3" → dilated; "conv 1x1", "1x7 then 7x1" → conv;
// "max 3x3", "avg_pool_3x3" → pool; "identity", "skip_connect" → identity;
// "none", "zero" → none; "tanh", "relu", "sigmoid" → activation.
func Family(label string) string {
	l := strings.ToLower(label)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(l, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("sep"):
		return FamilySep
	case has("dil"):
		return FamilyDilated
	case has("pool", "max", "avg"):
		return FamilyPool
	case has("identity", "skip"):
		return FamilyIdentity
	case has("none", "zero"):
		return FamilyNone
	case has("tanh", "relu", "sigmoid", "act"):
		return FamilyActivation
	case has("conv", "x"):
		return FamilyConv
	}
	return FamilyOther
}

// palette is (fill, stroke) per family and per non-op kind.
type palette struct{ fill, stroke string }

var familyColours = map[string]palette{
	FamilySep:        {"#cfe0fc", "#2f5fa8"},
	FamilyConv:       {"#ffe1b8", "#b5651d"},
	FamilyDilated:    {"#e6d5f5", "#6a3d9a"},
	FamilyPool:       {"#d3efd9", "#2e7d32"},
	FamilyIdentity:   {"#eeeeee", "#616161"},
	FamilyNone:       {"#ffffff", "#9e9e9e"},
	FamilyActivation: {"#fadbe6", "#ad1457"},
	FamilyOther:      {"#fff3c4", "#8d6e00"},
}

var kindColours = map[Kind]palette{
	Input:   {"#b9e4c0", "#1b5e20"},
	Combine: {"#fff59d", "#9a8a00"},
	State:   {"#bbdefb", "#0d47a1"},
	Output:  {"#ffd59e", "#a84300"},
}

func (n Node) family() string {
	if n.Family != "" {
		return n.Family
	}
	return Family(n.text())
}

func (n Node) colours() palette {
	if n.Kind == Op {
		if p, ok := familyColours[n.family()]; ok {
			return p
		}
		return familyColours[FamilyOther]
	}
	return kindColours[n.Kind]
}
