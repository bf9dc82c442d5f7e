//go:build race

package main

// raceEnabled: this test binary is built with -race, so the server it
// starts is built with -race too.
const raceEnabled = true
