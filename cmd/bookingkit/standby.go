package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/bookingkit/bookingkit/standby"
)

// standbyCommand is "bookingkit standby": the standby queues' offline jobs.
func standbyCommand() command {
	return command{"standby", "standby queues: print a flight's queue", func(ctx context.Context, e *env, args []string) error {
		return dispatch(ctx, e, "bookingkit standby", []command{
			{"queue", "print a flight's standby queue, in order, from the database", runStandbyQueue},
		}, args)
	}}
}

// runStandbyQueue prints the passengers waiting on one flight in queue
// order, read from the database (not from a running server's memory), as
// an aligned table.
func runStandbyQueue(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bookingkit standby queue", "CARRIER NUMBER DATE | FLIGHT-KEY",
		"Prints the passengers waiting on a flight, in queue order: position, booking,\n"+
			"passenger index, cabin, category, employer, employment date and booking time (UTC).\n"+
			"The flight is the operating carrier, its flight number as printed and the local\n"+
			"departure date (SU 0100 2026-11-23), or its key (SU-100-2026-11-23).")
	db := dbFlag(e, fs)
	// Flags may come before, between or after the arguments.
	var flightArgs []string
	for rest := args; ; {
		if ok, err := parse(fs, rest); !ok {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		flightArgs = append(flightArgs, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	var (
		flight standby.Flight
		err    error
	)
	switch len(flightArgs) {
	case 1:
		flight, err = standby.ParseFlightKey(flightArgs[0])
	case 3:
		flight, err = standby.ParseFlight(flightArgs[0], flightArgs[1], flightArgs[2])
	default:
		fs.Usage()
		return fmt.Errorf("standby queue: want CARRIER NUMBER DATE or a flight key, got %d arguments", len(flightArgs))
	}
	if err != nil {
		return fmt.Errorf("standby queue: %w", err)
	}

	s, err := openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	key := flight.Key()
	entries, _, err := s.Standby.ActiveEntries(ctx, key)
	if err != nil {
		return fmt.Errorf("standby queue: %w", err)
	}
	standby.Sort(entries)
	if len(entries) == 0 {
		fmt.Fprintf(e.stdout, "%s: nobody waiting\n", key)
		return nil
	}
	fmt.Fprintf(e.stdout, "%s: %d waiting\n", key, len(entries))
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "POS\tBOOKING\tPAX\tCABIN\tCATEGORY\tEMPLOYER\tEMPLOYED ON\tBOOKED AT (UTC)")
	for i, en := range entries {
		fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%d\t%s\t%s\t%s\n", i+1, en.BookingID,
			en.Passenger, en.Cabin, en.Category, en.Employer, en.EmployedOn.Format(time.DateOnly), en.BookedAt.Format("2006-01-02 15:04:05.000000"))
	}
	return tw.Flush()
}
