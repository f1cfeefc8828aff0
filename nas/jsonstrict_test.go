package nas

import (
	"strings"
	"testing"
)

func TestParseArchJSONIsStrict(t *testing.T) {
	good := `{"space":"nb201","choices":[3,1,0,2,4,1]}`
	if a, err := ParseArchJSON(good); err != nil || a.String() != good {
		t.Fatalf("ParseArchJSON(%s) = %v, %v", good, a, err)
	}
	if _, err := ParseArchJSON(" \n" + good + "\n "); err != nil {
		t.Errorf("white space around the object: %v", err)
	}
	for _, c := range []struct{ text, want string }{
		{good + `{"space":"x","choices":[]}`, "more data after the JSON value"},
		{good + ` 5`, "more data after the JSON value"},
		{good + `]`, "invalid character"},
		{`{"space":"nb201","space":"nasnet","choices":[1]}`, `key "space" given twice`},
		{`{"space":"nb201","choices":[1],"choices":[2]}`, `key "choices" given twice`},
		{`{"space":"nb201","choices":[` + strings.Repeat("1,", 100000) + `1]} x`, "..."},
	} {
		_, err := ParseArchJSON(c.text)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseArchJSON(%.60q): %v, want an error containing %q", c.text, err, c.want)
		}
		if err != nil && len(err.Error()) > 400 {
			t.Errorf("the error repeats the input: %d bytes", len(err.Error()))
		}
	}
}
