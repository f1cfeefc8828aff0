package nas

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/pkg/errors"
)

// DecisionKind says what a decision chooses; controllers may treat kinds differently
// (ENAS attends over earlier nodes for Input decisions, samples Skip decisions as
// Bernoulli variables).
type DecisionKind int

const (
	// Op chooses an operation (conv3x3, sep5x5, max3x3, ...).
	Op DecisionKind = iota
	// Input chooses one earlier node (or cell input) as an input.
	Input
	// Skip is a yes/no decision: is there a skip connection to an earlier layer.
	Skip
	// Combine chooses how two inputs are combined (add, concat).
	Combine
	// Activation chooses an activation function (RNN cells).
	Activation
)

var decisionKindNames = []string{"op", "input", "skip", "combine", "activation"}

// String returns the kind's name, e.g. "op".
func (k DecisionKind) String() string {
	if int(k) < len(decisionKindNames) {
		return decisionKindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Decision is one categorical choice of an architecture. The number of choices may
// depend on the decision's position (the input of node i has i+2 candidates) but
// never on earlier choices, so every architecture of a space has the same decisions.
type Decision struct {
	Name       string       // unique within the space, e.g. "normal/node2/x_op"
	Kind       DecisionKind // what is chosen
	NumChoices int          // choices are 0 .. NumChoices-1
	Labels     []string     // optional names of the choices (op names); len == NumChoices when set
	// Node is, for Input and Skip decisions, the index of the node (or layer) that
	// takes the input: candidates are the nodes before it. Controllers use it to
	// attend over earlier nodes (ENAS). -1 when it does not apply.
	Node int
	// Group names the part of the architecture the decision belongs to ("normal",
	// "reduce", "layers", "cell"): a controller may keep separate embeddings per group.
	Group string
}

// Label returns the name of choice c (the number itself when the decision has no labels).
func (d Decision) Label(c int) string {
	if c >= 0 && c < len(d.Labels) {
		return d.Labels[c]
	}
	return strconv.Itoa(c)
}

// Arch is one architecture of a search space: one choice per decision, in the
// space's decision order.
type Arch struct {
	Space   string `json:"space"`
	Choices []int  `json:"choices"`
}

// String returns the canonical JSON form, e.g. {"space":"nb201","choices":[3,1,0,2,4,1]}.
func (a Arch) String() string {
	blob, _ := json.Marshal(a)
	return string(blob)
}

// ParseArchJSON reads the canonical JSON form: one object, each key once.
func ParseArchJSON(text string) (Arch, error) {
	if err := checkStrictJSON([]byte(text)); err != nil {
		return Arch{}, errors.Wrapf(err, "architecture JSON %q", truncate(text, 80))
	}
	var a Arch
	dec := json.NewDecoder(bytes.NewReader([]byte(text)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return Arch{}, errors.Wrapf(err, "architecture JSON %q", truncate(text, 80))
	}
	if a.Space == "" {
		return Arch{}, errors.Errorf("architecture JSON %q: missing \"space\"", truncate(text, 80))
	}
	return a, nil
}

// Space is a search space: an ordered list of decisions and a way to check an
// architecture. What a space can build (an image classifier, a recurrent cell), draw
// and count is offered through the optional interfaces below, so a new space is
// one file in cells/ implementing what applies to it.
type Space interface {
	// Name identifies the space ("nasnet", "enas-micro", "enas-macro", "enas-rnn", "nb201").
	Name() string
	// Decisions lists the decisions of every architecture of the space, in order.
	Decisions() []Decision
	// Validate reports what is wrong with a (wrong space, length, a choice out of
	// range, a structural rule of the space), naming the decision.
	Validate(a Arch) error
}

// ValidateChoices is the check every space starts with: the space name, the number of
// choices, and each choice within its decision's range.
func ValidateChoices(s Space, a Arch) error {
	if a.Space != s.Name() {
		return errors.Errorf("architecture of space %q given to space %q", a.Space, s.Name())
	}
	ds := s.Decisions()
	if len(a.Choices) != len(ds) {
		return errors.Errorf("space %q has %d decisions, architecture has %d choices", s.Name(), len(ds), len(a.Choices))
	}
	for i, d := range ds {
		if c := a.Choices[i]; c < 0 || c >= d.NumChoices {
			return errors.Errorf("space %q, decision #%d %q: choice %d out of range [0, %d)", s.Name(), i, d.Name, c, d.NumChoices)
		}
	}
	return nil
}

// Describe lists an architecture's decisions as "name=label" lines, for humans.
func Describe(s Space, a Arch) string {
	var b strings.Builder
	for i, d := range s.Decisions() {
		if i < len(a.Choices) {
			fmt.Fprintf(&b, "%s=%s\n", d.Name, d.Label(a.Choices[i]))
		}
	}
	return b.String()
}

// NumArchitectures is the size of the space (the product of the numbers of
// choices), as a float64 since it overflows integers for most spaces.
func NumArchitectures(s Space) float64 {
	n := 1.0
	for _, d := range s.Decisions() {
		n *= float64(d.NumChoices)
	}
	return n
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
