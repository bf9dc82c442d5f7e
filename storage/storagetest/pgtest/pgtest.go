// Package pgtest gives each test its own empty PostgreSQL schema.
//
// Tests that need PostgreSQL call [URL]; it reads the server's connection
// string from the environment variable BOOKINGKIT_TEST_POSTGRES and skips
// the test, saying so, when the variable is unset, so `go test ./...` passes
// on a machine without PostgreSQL.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// EnvVar names the environment variable holding the test server's URL.
const EnvVar = "BOOKINGKIT_TEST_POSTGRES"

// URL creates a fresh schema in the test database and returns a connection
// URL whose search_path selects it. The schema is dropped when the test ends,
// so runs never see each other's rows and leave nothing behind.
func URL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(EnvVar)
	if base == "" {
		tb.Skipf("%s is not set: skipping the PostgreSQL test (set it to e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)", EnvVar)
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		tb.Fatal(err)
	}
	schema := "bk_test_" + hex.EncodeToString(b[:])

	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("pgtest: open %s: %v", EnvVar, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		tb.Fatalf("pgtest: create schema: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("pgtest: drop schema %s: %v", schema, err)
		}
		admin.Close()
	})
	return withSearchPath(tb, base, schema)
}

func withSearchPath(tb testing.TB, base, schema string) string {
	if strings.HasPrefix(base, "postgres://") || strings.HasPrefix(base, "postgresql://") {
		u, err := url.Parse(base)
		if err != nil {
			tb.Fatalf("pgtest: %s is not a URL: %v", EnvVar, err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return base + " search_path=" + schema // key=value form
}
