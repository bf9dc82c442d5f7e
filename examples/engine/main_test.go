package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	text := out.String()

	require.Contains(t, text, "import 1: Ok, 3 employees, 2 companions: created 5, updated 0, unchanged 0, blocked 0, unblocked 0\n")
	require.Contains(t, text, "import 2: Ok, 3 employees, 1 companions: created 0, updated 1, unchanged 3, blocked 1, unblocked 0\n")
	require.Contains(t, text, "blocked: Иванов Пётр (Petr Ivanov)\n")
	// The blocked son is no longer one of his father's passengers.
	require.Contains(t, text, "Иванов Иван (estimated place 2) books economy on SU100 2026-11-23 for Ivan Ivanov, Mariia Ivanova\n")

	// Business first; then category 1 before 2; then a booking's
	// passengers in their order.
	places := regexp.MustCompile(`(?m)^  (\d) of 4  (\S+ \S+)`).FindAllStringSubmatch(text, -1)
	var queue []string
	for i, m := range places {
		require.Equal(t, string(rune('1'+i)), m[1], "positions count up from 1")
		queue = append(queue, m[2])
	}
	require.Equal(t, []string{"Sergei Sidorov", "Anna Petrova", "Ivan Ivanov", "Mariia Ivanova"}, queue)
	require.Contains(t, text, "why after Sergei Sidorov: business goes before economy\n")
	require.True(t, strings.HasSuffix(text, "after a restart: 1 flight, 4 passengers rebuilt from the store\nthe rebuilt queue is the same\n"), text)
}
