package main

import (
	"fmt"

	"github.com/gonas/gonas/nas"
)

func runBackend(args []string) error {
	b, err := nas.NewBackend()
	if err != nil {
		return err
	}
	fmt.Printf("backend=%s\ndescription=%s\n", b.String(), b.Description())
	return nil
}
