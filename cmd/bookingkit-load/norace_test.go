//go:build !race

package main

// raceEnabled: this test binary is built without -race, and so is the
// server it starts.
const raceEnabled = false
