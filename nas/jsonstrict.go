package nas

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/pkg/errors"
)

// checkStrictJSON refuses what encoding/json lets through silently: more JSON (or
// anything) after the first value, and an object key given twice (json keeps the
// last, so two readers of one file could disagree on what it says).
func checkStrictJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		keys      map[string]bool // nil for an array
		expectKey bool
	}
	var stack []*frame
	values := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if len(stack) == 0 && values > 0 {
			return errors.New("more data after the JSON value")
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{':
				stack = append(stack, &frame{keys: map[string]bool{}, expectKey: true})
				continue
			case '[':
				stack = append(stack, &frame{})
				continue
			}
			stack = stack[:len(stack)-1] // a closed object or array is a value of its parent
		case string:
			if n := len(stack); n > 0 && stack[n-1].keys != nil && stack[n-1].expectKey {
				top := stack[n-1]
				if top.keys[v] {
					return errors.Errorf("key %q given twice", v)
				}
				top.keys[v], top.expectKey = true, false
				continue
			}
		}
		if n := len(stack); n > 0 && stack[n-1].keys != nil {
			stack[n-1].expectKey = true
		}
		if len(stack) == 0 {
			values++
		}
	}
}
