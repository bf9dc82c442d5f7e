package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestConvertValue(t *testing.T) {
	var (
		// SQLite columns, as sqliteKind reads their declared types
		sqText      = copyColumn{name: "c", typ: "TEXT", kind: kindText, notNull: true}
		sqDateText  = copyColumn{name: "birth_day", typ: "TEXT", kind: kindText, notNull: true}
		sqBool      = copyColumn{name: "c", typ: "BOOLEAN", kind: kindBool, notNull: true}
		sqTime      = copyColumn{name: "c", typ: "TIMESTAMP", kind: kindTime, notNull: true}
		sqDate      = copyColumn{name: "c", typ: "DATE", kind: kindDate, notNull: true}
		sqInt       = copyColumn{name: "c", typ: "INTEGER", kind: kindInteger, notNull: true}
		sqNullTime  = copyColumn{name: "c", typ: "TIMESTAMP", kind: kindTime}
		pgText      = copyColumn{name: "c", typ: "text", kind: kindText, notNull: true}
		pgBool      = copyColumn{name: "c", typ: "boolean", kind: kindBool, notNull: true}
		pgTime      = copyColumn{name: "c", typ: "timestamp with time zone", kind: kindTime, notNull: true}
		pgNullDate  = copyColumn{name: "date_of_employment", typ: "date", kind: kindDate}
		pgDate      = copyColumn{name: "birth_day", typ: "date", kind: kindDate, notNull: true}
		pgJSON      = copyColumn{name: "report", typ: "json", kind: kindJSON, notNull: true}
		pgSmallint  = copyColumn{name: "c", typ: "smallint", kind: kindInteger, notNull: true}
		pgNullTime  = copyColumn{name: "c", typ: "timestamp with time zone", kind: kindTime}
		moscow      = time.FixedZone("MSK", 3*60*60)
		instant     = time.Date(2026, 11, 23, 12, 30, 0, 123456000, moscow)
		instantUTC  = time.Date(2026, 11, 23, 9, 30, 0, 123456000, time.UTC)
		pgDateValue = time.Date(1984, 2, 29, 0, 0, 0, 0, time.UTC)
	)
	for _, tt := range []struct {
		name     string
		v        any
		src, dst copyColumn
		want     any
		err      string
	}{
		{"text", "Ёлкина", sqText, pgText, "Ёлкина", ""},
		{"integer", int64(70000), sqInt, pgSmallint, int64(70000), ""}, // the range is the database's to check
		{"SQLite boolean true", int64(1), sqBool, pgBool, true, ""},
		{"SQLite boolean false", int64(0), sqBool, pgBool, false, ""},
		{"SQLite boolean out of range", int64(2), sqBool, pgBool, nil, "cannot convert 2 (int64 from type BOOLEAN) to type boolean"},
		{"PostgreSQL boolean", true, pgBool, sqBool, true, ""},
		{"time in UTC", instant, pgTime, sqTime, instantUTC, ""},
		{"time text", "2026-11-23 12:30:00.123456 +0300 MSK", sqTime, pgTime, instantUTC, ""},
		{"time text with a monotonic reading", "2026-11-23 09:30:00.123456 +0000 UTC m=+0.001", sqTime, pgTime, instantUTC, ""},
		{"not a time", "soon", sqTime, pgTime, nil, `"soon" is not a time`},
		{"no time", nil, sqNullTime, pgNullTime, nil, ""},
		{"NULL in NOT NULL", nil, sqNullTime, pgTime, nil, "NULL in a NOT NULL timestamp with time zone column"},
		{"date text to date", "1984-02-29", sqDateText, pgDate, "1984-02-29", ""},
		{"no date text to a nullable date", "", sqDateText, pgNullDate, nil, ""},
		{"no date text to a NOT NULL date", "", sqDateText, pgDate, nil, `no date ("") in a NOT NULL date column`},
		{"bad date text", "29.02.1984", sqDateText, pgDate, nil, `"29.02.1984" is not a YYYY-MM-DD date`},
		{"date to date text", pgDateValue, pgDate, sqDateText, "1984-02-29", ""},
		{"no date to date text", nil, pgNullDate, sqDateText, "", ""},
		{"SQLite DATE to date", pgDateValue, sqDate, pgDate, "1984-02-29", ""},
		{"date to SQLite DATE", pgDateValue, pgDate, sqDate, "1984-02-29", ""},
		{"JSON text", `{"status": "Ok"}`, sqText, pgJSON, `{"status": "Ok"}`, ""},
		{"not JSON", `{"status": `, sqText, pgJSON, nil, `"{\"status\": " is not JSON`},
		{"JSON to text", []byte(`{"status": "Ok"}`), pgJSON, sqText, `{"status": "Ok"}`, ""},
		{"time to text", instant, pgTime, sqText, nil, "cannot convert 2026-11-23 12:30:00.123456 +0300 MSK (time.Time from type timestamp with time zone) to type TEXT"},
		{"integer to text", int64(3), sqInt, pgText, nil, "cannot convert 3 (int64 from type INTEGER) to type text"},
	} {
		got, err := convertValue(tt.v, tt.src, tt.dst)
		if tt.err != "" {
			require.EqualError(t, err, tt.err, tt.name)
			continue
		}
		require.NoError(t, err, tt.name)
		if want, ok := tt.want.(time.Time); ok {
			require.Equal(t, want, got, tt.name) // the location too: UTC, as the adapters write
			continue
		}
		require.Equal(t, tt.want, got, tt.name)
	}
}

func TestSQLiteAndPostgresKinds(t *testing.T) {
	for declared, want := range map[string]valueKind{
		"TEXT": kindText, "INTEGER": kindInteger, "BIGINT": kindInteger, "BOOLEAN": kindBool, "TIMESTAMP": kindTime,
		"DATE": kindDate, "BLOB": kindBytes, "REAL": kindUnknown, "": kindUnknown,
	} {
		require.Equal(t, want, sqliteKind(declared), declared)
	}
	for dataType, want := range map[string]valueKind{
		"text": kindText, "smallint": kindInteger, "bigint": kindInteger, "boolean": kindBool, "timestamp with time zone": kindTime,
		"timestamp without time zone": kindTime, "date": kindDate, "json": kindJSON, "bytea": kindBytes, "numeric": kindUnknown,
	} {
		require.Equal(t, want, postgresKind(dataType), dataType)
	}
}
