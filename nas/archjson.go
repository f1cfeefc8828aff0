package nas

import (
	"bytes"
	"encoding/json"

	"github.com/pkg/errors"
)

// ArchObject is an architecture's canonical JSON text (Arch.String) as a JSON
// value to embed in a file: the object itself, not a string holding it. Text that
// is not a JSON object stays a JSON string; empty text is null.
func ArchObject(text string) json.RawMessage {
	if text == "" {
		return json.RawMessage("null")
	}
	if t := bytes.TrimSpace([]byte(text)); len(t) > 0 && t[0] == '{' && json.Valid(t) {
		return json.RawMessage(t)
	}
	blob, _ := json.Marshal(text)
	return blob
}

// ArchText reads an architecture written by ArchObject back as canonical JSON
// text. It also reads the older form, a JSON string holding the object; null or
// nothing is "".
func ArchText(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return "", nil
	case raw[0] == '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, errors.Wrap(err, "an architecture")
	}
	var a Arch
	if err := json.Unmarshal(raw, &a); err != nil {
		return "", errors.Wrapf(err, "an architecture %.80s", raw)
	}
	return a.String(), nil
}
