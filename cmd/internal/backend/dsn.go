package backend

import "strings"

// IsPostgres reports whether dsn names a PostgreSQL database (a
// postgres:// or postgresql:// URL), as Open decides.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}
