package choice_test

import (
	"fmt"

	"github.com/gonas/gonas/controllers"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/backends"
	"github.com/gonas/gonas/nas/choice"
	"github.com/gonas/gonas/nas/choice/models"
	"github.com/gonas/gonas/nas/data"
)

// ExampleNew traces a model function with choices into a search space.
func ExampleNew() {
	space, err := choice.New("mlp", models.MLP(3), 1, 1, 4) // 4 features, 3 classes
	if err != nil {
		panic(err)
	}
	for _, d := range space.Decisions() {
		fmt.Println(d.Name, d.Labels)
	}
	// Output:
	// layers [1 2 3]
	// layers/0/units [16 32 64]
	// layers/0/act [relu tanh]
	// layers/1/units [16 32 64]
	// layers/1/act [relu tanh]
	// layers/2/units [16 32 64]
	// layers/2/act [relu tanh]
}

// ExampleSpace_Format writes an architecture as choice name → label, and costs it.
func ExampleSpace_Format() {
	space, _ := choice.New("mlp", models.MLP(3), 1, 1, 4)
	a, err := space.Parse(`{"layers":2,"layers/0/units":32,"layers/0/act":"tanh","layers/1/units":16,"layers/1/act":"relu","layers/2/units":16,"layers/2/act":"relu"}`)
	if err != nil {
		panic(err)
	}
	text, _ := space.Format(a)
	fmt.Println(text)
	params, madds, _ := space.Cost(a, 3)
	fmt.Println(params, "parameters,", madds, "multiply-adds") // 4·32+32 + 32·16+16 + 16·3+3
	// Output:
	// {"layers":"2","layers/0/units":"32","layers/0/act":"tanh","layers/1/units":"16","layers/1/act":"relu","layers/2/units":"16","layers/2/act":"relu"}
	// 739 parameters, 688 multiply-adds
}

// ExampleShared runs a weight-sharing search with nas.Search and any controller
// (here regularized evolution): every architecture trains a few steps in one store.
func ExampleShared() {
	rows, labels := [][]float32{}, []int{}
	for i := range 64 {
		rows = append(rows, []float32{float32(2*(i%2)-1) + float32(i%5)*0.1, float32(i%3) * 0.1})
		labels = append(labels, i%2)
	}
	ds, _ := data.FromRows("blobs", rows, labels, 2)
	space, _ := choice.New("mlp", models.MLP(2), 1, 1, 2)
	backend, _ := backends.Default()
	shared, err := choice.NewShared(backend, space, ds, ds, choice.SharedConfig{BatchSize: 16, StepsPerArch: 3})
	if err != nil {
		panic(err)
	}
	defer shared.Close()
	ctrl, _ := controllers.NewEvolution(space, 4, 2, 1)
	h, err := nas.Search(ctrl, shared.Evaluate, nas.SearchConfig{Queries: 10, CountDuplicates: true})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(h.Curve), "architectures,", shared.Steps(), "steps on the shared weights")
	// Output:
	// 10 architectures, 30 steps on the shared weights
}
