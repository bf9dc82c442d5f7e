// Command bookingkit runs the offline jobs an operator does by hand against
// a bookingkit database: apply the schema, back up a live SQLite file, copy
// every row into another database (SQLite to PostgreSQL), validate or
// import an employee list, print a flight's standby queue, write a
// booking's QR code, print the partner reports.
//
// Usage:
//
//	bookingkit <command> [subcommand] [flags] [arguments]
//	bookingkit help [command]
//
// Commands that open a database take -db (env BOOKINGKIT_DB): a SQLite file
// (default bookingkit.db) or a postgres:// URL, as the server does.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/bookingkit/bookingkit/cmd/internal/backend"
	"github.com/bookingkit/bookingkit/storage"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	var exit exitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		os.Exit(int(exit))
	default:
		fmt.Fprintln(os.Stderr, "bookingkit:", err)
		os.Exit(2)
	}
}

// exitError ends the program with a status and no further message: the
// command has already printed what the operator needs (a failed validation
// report exits 1).
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// env is what a command may use from the process.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one entry of the tool; a module's command may have
// subcommands of its own (see dispatch).
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

// commands lists every command. Each module adds its entry.
func commands() []command {
	return []command{
		{"migrate", "create or update the database schema", runMigrate},
		{"backup", "write a consistent copy of a live SQLite database to a new file", runBackup},
		{"copy", "copy every row into another, empty database (SQLite to PostgreSQL)", runCopy},
		moguCommand(),
		standbyCommand(),
		partnerCommand(),
		staffidCommand(),
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	return dispatch(ctx, e, "bookingkit", commands(), args[1:])
}

// dispatch runs the command named by args[0] among cmds; "help", "-h" and
// no argument print the list.
func dispatch(ctx context.Context, e *env, prog string, cmds []command, args []string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			return dispatch(ctx, e, prog, cmds, []string{args[1], "-h"})
		}
		printUsage(e.stdout, prog, cmds)
		if len(args) == 0 {
			return exitError(2)
		}
		return nil
	}
	for _, c := range cmds {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	printUsage(e.stderr, prog, cmds)
	return fmt.Errorf("%s: unknown command %q", prog, args[0])
}

func printUsage(w io.Writer, prog string, cmds []command) {
	fmt.Fprintf(w, "Usage: %s <command> [flags] [arguments]\n\nCommands:\n", prog)
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun '%s <command> -h' for a command's flags.\n", prog)
}

// newFlags returns a flag set for one command, printing its usage to stderr.
func newFlags(e *env, name, argsUsage, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: %s [flags] %s\n\n%s\n\nFlags:\n", name, argsUsage, summary)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args and turns -h into a nil-error exit.
func parse(fs *flag.FlagSet, args []string) (ok bool, err error) {
	err = fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return false, nil
	}
	return err == nil, err
}

// dbFlag adds -db to fs with the environment's default.
func dbFlag(e *env, fs *flag.FlagSet) *string {
	def := e.getenv("BOOKINGKIT_DB")
	if def == "" {
		def = backend.DefaultDB
	}
	return fs.String("db", def, "database: a SQLite `file` or a postgres:// URL (env BOOKINGKIT_DB)")
}

func openDB(ctx context.Context, dsn string) (storage.Stores, error) {
	s, err := backend.Open(ctx, dsn)
	if err != nil {
		return s, fmt.Errorf("open %s: %w", backend.Describe(dsn), err)
	}
	return s, nil
}

func runMigrate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bookingkit migrate", "", "Creates the database when missing and applies the schema migrations it lacks.\nThe server does the same at start; run this to prepare a database ahead of time.")
	db := dbFlag(e, fs)
	if ok, err := parse(fs, args); !ok {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("migrate: unexpected argument %q", strings.Join(fs.Args(), " "))
	}
	s, err := openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(e.stdout, "schema up to date (%s: %s)\n", s.Backend, backend.Describe(*db))
	return nil
}
