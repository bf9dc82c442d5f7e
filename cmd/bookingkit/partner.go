package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/partner"
)

// partnerCommand is "bookingkit partner": the partner channel's offline
// jobs — bootstrapping administrators and users, and the report.
func partnerCommand() command {
	return command{"partner", "partner channel: add administrators, partners and users; print the report", func(ctx context.Context, e *env, args []string) error {
		return dispatch(ctx, e, "bookingkit partner", []command{
			{"report", "print the counts of instances or licences by type, profile and state", runPartnerReport},
			{"admin", "add an administrator (admin add EMAIL NAME)", func(ctx context.Context, e *env, args []string) error {
				return dispatch(ctx, e, "bookingkit partner admin", []command{
					{"add", "add an administrator and print their one-time set-password link", runPartnerAdminAdd},
				}, args)
			}},
			{"user", "add a partner user (user add -partner ID EMAIL NAME)", func(ctx context.Context, e *env, args []string) error {
				return dispatch(ctx, e, "bookingkit partner user", []command{
					{"add", "add a partner user and print their one-time set-password link", runPartnerUserAdd},
				}, args)
			}},
			{"partners", "add or list partners", func(ctx context.Context, e *env, args []string) error {
				return dispatch(ctx, e, "bookingkit partner partners", []command{
					{"add", "add a partner and print its ID", runPartnerPartnersAdd},
					{"list", "list the partners", runPartnerPartnersList},
				}, args)
			}},
		}, args)
	}}
}

// partnerOperator is who the tool acts as: the operator at the database,
// an administrator. Audit records name it.
var partnerOperator = partner.Actor{UserID: "bookingkit-cli", Role: partner.RoleAdministrator}

// partnerParse parses flags that may come before, between or after the
// positional arguments, and returns the positional ones.
func partnerParse(fs *flag.FlagSet, args []string) (positional []string, ok bool, err error) {
	for {
		if ok, err := parse(fs, args); !ok {
			return nil, false, err
		}
		if fs.NArg() == 0 {
			return positional, true, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

type partnerStates []partner.State

func (s *partnerStates) String() string {
	out := make([]string, len(*s))
	for i, st := range *s {
		out[i] = string(st)
	}
	return strings.Join(out, ",")
}

func (s *partnerStates) Set(v string) error {
	for part := range strings.SplitSeq(v, ",") {
		if part = strings.TrimSpace(part); part != "" {
			*s = append(*s, partner.State(part))
		}
	}
	return nil
}

// partnerTime reads a flag's time: RFC 3339 or a date (midnight UTC).
func partnerTime(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("-%s %q: want a date such as 2026-03-01 or a time such as 2026-03-01T09:00:00Z", name, v)
}

func runPartnerReport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bookingkit partner report", "",
		"Prints the counts of instances (or licences) by type, profile and state, as the\n"+
			"reports page charts them: one row per group and a total. An instance past its\n"+
			"expiry counts as expired. Instances are filtered by when they were generated,\n"+
			"licences by when they were added.")
	db := dbFlag(e, fs)
	subject := fs.String("subject", "instances", "what to count: `instances` or licences")
	partnerID := fs.String("partner", "", "count one partner's objects (`ID`; default all partners)")
	typ := fs.String("type", "", "count one instance `type` (WDS, MCRM, S360, WTA)")
	from := fs.String("from", "", "activated at or after this `date` or time")
	to := fs.String("to", "", "activated before this `date` or time")
	var states partnerStates
	fs.Var(&states, "state", "keep these `states` (repeat or comma-separate; instances: draft, provisioned,\ncancelled, active, expired, deactivation_requested, deactivated)")
	asCSV := fs.Bool("csv", false, "print CSV instead of an aligned table (formula cells neutralised, as the server's exports)")
	rest, ok, err := partnerParse(fs, args)
	if !ok {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("partner report: unexpected argument %q", rest[0])
	}
	f := partner.ReportFilter{Subject: partner.Subject(*subject), PartnerID: *partnerID, Type: *typ, States: states}
	if f.ActivatedFrom, err = partnerTime("from", *from); err != nil {
		return err
	}
	if f.ActivatedTo, err = partnerTime("to", *to); err != nil {
		return err
	}
	s, err := openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	svc := &partner.Service{Store: s.Partner}
	if f.PartnerID != "" {
		// An unknown partner would count zero of everything: say so instead.
		if _, err := svc.Partner(ctx, partnerOperator, f.PartnerID); err != nil {
			return fmt.Errorf("partner report: -partner: %w", err)
		}
	}
	rep, err := svc.Report(ctx, partnerOperator, f)
	if err != nil {
		return fmt.Errorf("partner report: %w", err)
	}
	if *asCSV {
		return partner.WriteCSV(e.stdout, rep.Table())
	}
	return partnerPrintTable(e.stdout, rep.Table())
}

// partnerPrintTable prints rows as aligned columns, two spaces apart:
// text left-aligned, the last column (the counts) right-aligned.
func partnerPrintTable(w io.Writer, rows [][]string) error {
	widths := map[int]int{}
	for _, row := range rows {
		for i, cell := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	for _, row := range rows {
		var b strings.Builder
		for i, cell := range row {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell))
			switch {
			case i == len(row)-1:
				b.WriteString(pad + cell)
			default:
				b.WriteString(cell + pad + "  ")
			}
		}
		if _, err := fmt.Fprintln(w, b.String()); err != nil {
			return err
		}
	}
	return nil
}

// partnerBaseURLFlag is where printed links point: the server's
// BOOKINGKIT_PUBLIC_URL, else its BOOKINGKIT_ADDR, else its default.
func partnerBaseURLFlag(e *env, fs *flag.FlagSet) *string {
	def := "http://127.0.0.1:8080"
	if addr := e.getenv("BOOKINGKIT_ADDR"); addr != "" {
		def = "http://" + addr
	}
	if public := e.getenv("BOOKINGKIT_PUBLIC_URL"); public != "" {
		def = public
	}
	return fs.String("base-url", def, "the server's address as browsers reach it, for the printed `URL` (env BOOKINGKIT_PUBLIC_URL)")
}

// partnerAddUser creates the user and their account, and prints the
// one-time link to choose a password.
func partnerAddUser(ctx context.Context, e *env, dsn, base string, in partner.NewUser) error {
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("-base-url %q: want an http:// or https:// address", base)
	}
	s, err := openDB(ctx, dsn)
	if err != nil {
		return err
	}
	defer s.Close()
	svc := &partner.Service{Store: s.Partner}
	accounts := account.New(s.Accounts, account.Config{Realm: partner.Realm})
	u, err := svc.CreateUser(ctx, partnerOperator, in)
	if err != nil {
		return err
	}
	_, token, err := accounts.Create(ctx, u.Email, u.ID)
	if err != nil {
		return fmt.Errorf("user %s was created, but not their sign-in account: %w", u.ID, err)
	}
	link := partner.SetPasswordLink(base, token)
	fmt.Fprintf(e.stdout, "added %s %s <%s> (ID %s)\n", strings.ReplaceAll(string(u.Role), "_", " "), u.Name, u.Email, u.ID)
	fmt.Fprintf(e.stdout, "one-time link to choose the password (works once, for 24 hours; give it only to them):\n%s\n", link)
	return nil
}

func runPartnerAdminAdd(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bookingkit partner admin add", "EMAIL NAME",
		"Adds an administrator (vendor staff: sees every partner, approves deactivations)\n"+
			"and prints the one-time link with which they choose their password. This is how\n"+
			"the first administrator is made; later ones may also be added over the API.")
	db := dbFlag(e, fs)
	base := partnerBaseURLFlag(e, fs)
	rest, ok, err := partnerParse(fs, args)
	if !ok {
		return err
	}
	if len(rest) < 2 {
		fs.Usage()
		return errors.New("partner admin add: EMAIL and NAME are required")
	}
	return partnerAddUser(ctx, e, *db, *base, partner.NewUser{Role: partner.RoleAdministrator, Email: rest[0], Name: strings.Join(rest[1:], " ")})
}

func runPartnerUserAdd(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bookingkit partner user add", "-partner ID EMAIL NAME",
		"Adds a user of a partner and prints the one-time link with which they choose\n"+
			"their password. They see only their partner's companies, instances and reports.")
	db := dbFlag(e, fs)
	base := partnerBaseURLFlag(e, fs)
	partnerID := fs.String("partner", "", "the partner's `ID` (required; see partners list)")
	rest, ok, err := partnerParse(fs, args)
	if !ok {
		return err
	}
	if len(rest) < 2 || *partnerID == "" {
		fs.Usage()
		return errors.New("partner user add: -partner, EMAIL and NAME are required")
	}
	return partnerAddUser(ctx, e, *db, *base, partner.NewUser{Role: partner.RolePartnerUser, PartnerID: *partnerID, Email: rest[0], Name: strings.Join(rest[1:], " ")})
}

func runPartnerPartnersAdd(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bookingkit partner partners add", "NAME", "Adds a partner (a reseller) and prints its ID.")
	db := dbFlag(e, fs)
	rest, ok, err := partnerParse(fs, args)
	if !ok {
		return err
	}
	if len(rest) == 0 {
		fs.Usage()
		return errors.New("partner partners add: NAME is required")
	}
	s, err := openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	p, err := (&partner.Service{Store: s.Partner}).CreatePartner(ctx, partnerOperator, partner.NewPartner{Name: strings.Join(rest, " ")})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "added partner %s (ID %s)\n", p.Name, p.ID)
	return nil
}

func runPartnerPartnersList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bookingkit partner partners list", "", "Lists the partners: ID and name, in creation order.")
	db := dbFlag(e, fs)
	rest, ok, err := partnerParse(fs, args)
	if !ok {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("partner partners list: unexpected argument %q", rest[0])
	}
	s, err := openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	svc := &partner.Service{Store: s.Partner}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tname\tcreated")
	for q := (partner.PartnerQuery{Limit: partner.MaxPageSize}); ; {
		list, err := svc.Partners(ctx, partnerOperator, q)
		if err != nil {
			return err
		}
		for _, p := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", p.ID, p.Name, p.CreatedAt.UTC().Format(time.DateOnly))
		}
		if len(list) < q.Limit {
			break
		}
		q.After = list[len(list)-1].ID
	}
	return tw.Flush()
}
