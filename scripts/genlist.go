//go:build ignore

// genlist writes a generated employee list of N people as JSON to
// standard output (staffidtest.GenerateRecords, seed 1): the list
// scripts/import-rss.sh uploads.
//
//	go run scripts/genlist.go 500000 > list.json
package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/bookingkit/bookingkit/staffid/staffidtest"
)

func main() {
	n, err := strconv.Atoi(os.Args[len(os.Args)-1])
	if len(os.Args) != 2 || err != nil || n <= 0 {
		fmt.Fprintln(os.Stderr, "usage: go run scripts/genlist.go PEOPLE > list.json")
		os.Exit(2)
	}
	os.Stdout.Write(staffidtest.MarshalList(staffidtest.GenerateRecords(n, 1)))
}
