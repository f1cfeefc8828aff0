package multitrial

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestPresetsValidateAndDiffer(t *testing.T) {
	ids := map[string]bool{}
	for _, name := range PresetNames() {
		cfg, err := Preset(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := cfg.Validate(); err != nil {
			t.Errorf("preset %s: %v", name, err)
		}
		if cfg.Preset != name || cfg.Controller.Name == "" {
			t.Errorf("preset %s: name %q, controller %q", name, cfg.Preset, cfg.Controller.Name)
		}
		id := cfg.SearchID()
		if !strings.HasPrefix(id, "nasnet-"+name+"-s1-") || strings.ContainsAny(id, "./ *>") || ids[id] {
			t.Errorf("preset %s: search ID %q (must be unique and NATS-token safe)", name, id)
		}
		ids[id] = true
	}
	if _, err := Preset("huge"); err == nil || !strings.Contains(err.Error(), "paper, proxy, tiny") {
		t.Errorf("unknown preset: got %v, want an error listing the presets", err)
	}
	table := PresetTable()
	if !strings.Contains(table, "| setting | paper | proxy | tiny |") || strings.Count(table, "\n") != 13 {
		t.Errorf("preset table:\n%s", table)
	}
}

func TestConfigValidateNamesTheField(t *testing.T) {
	for _, tc := range []struct {
		change func(c *Config)
		want   string
	}{
		{func(c *Config) { c.Data = "imagenet" }, `unknown data set "imagenet"`},
		{func(c *Config) { c.Preset = "my/preset" }, "preset name"},
		{func(c *Config) { c.Batch = 0 }, "batch m"},
		{func(c *Config) { c.ValidSize = 0 }, "valid size"},
		{func(c *Config) { c.Child.Filters = 7 }, "search child"},
		{func(c *Config) { c.Transfer.Train.LRMax = 0 }, "transfer training"},
		{func(c *Config) { c.Rerank.TopK = 0 }, "rerank"},
	} {
		cfg, _ := Preset("tiny")
		tc.change(&cfg)
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want an error containing %q", err, tc.want)
		}
	}
}

func TestSearchIDFollowsTheSettings(t *testing.T) {
	a, _ := Preset("tiny")
	b := a
	b.Train.Epochs++
	if a.SearchID() == b.SearchID() {
		t.Fatal("two searches with different settings share a search ID")
	}
	c, _ := Preset("tiny")
	if a.SearchID() != c.SearchID() {
		t.Fatal("the search ID is not stable")
	}
}

func TestRecipeJSONRoundTrip(t *testing.T) {
	cfg, _ := Preset("proxy")
	for _, r := range []Recipe{cfg.SearchRecipe(), cfg.RerankRecipe(), cfg.TransferRecipe()} {
		back, err := ParseRecipe(r.JSON())
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(*back, r) {
			t.Errorf("round trip: got %+v, want %+v", *back, r)
		}
	}
	if r := cfg.RerankRecipe(); r.Train.Epochs != cfg.Rerank.Epochs || r.ValidSize != cfg.ValidSize {
		t.Errorf("rerank recipe %+v", r)
	}
	if r := cfg.TransferRecipe(); !r.Test || r.ValidSize != 0 || r.Child != cfg.Transfer.Child {
		t.Errorf("transfer recipe %+v", r)
	}
	var m map[string]any
	blob := cfg.SearchRecipe().JSON()
	_ = json.Unmarshal(blob, &m)
	m["dropout"] = 0.5
	bad, _ := json.Marshal(m)
	for _, tc := range []struct {
		blob []byte
		want string
	}{
		{bad, `unknown field "dropout"`},
		{[]byte(`{"kind":"search"`), "recipe"},
		{[]byte(strings.Replace(string(blob), `"cifar10"`, `"svhn"`, 1)), `unknown data set "svhn"`},
		{[]byte(strings.Replace(string(blob), `"kind":"search"`, `"kind":"final"`, 1)), `kind "final"`},
	} {
		if _, err := ParseRecipe(tc.blob); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want an error containing %q", err, tc.want)
		}
	}
}
