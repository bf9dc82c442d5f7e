package config

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/standby"
)

// StaffID is the "staffid" section of the config file: the module's
// settings (staffid.Config: group_field, identity_fields,
// registration_fields, standby_passenger_types, airline_code,
// mass_block_threshold), the upload's own, and the managers mailed about
// a held list.
type StaffID struct {
	staffid.Config
	// ImportAllowList holds the addresses (203.0.113.7) and CIDR ranges
	// (203.0.113.0/24, 2001:db8::/32) allowed to upload the list, through
	// the API or the control-panel page; empty allows any address.
	ImportAllowList []string `json:"import_allow_list,omitempty"`
	// MaxUploadBytes is the largest upload body (default 64 MiB: a
	// 100 000-person list is about 40 MB of JSON).
	MaxUploadBytes int64 `json:"max_upload_bytes,omitempty"`
	// Managers are the addresses mailed when the mass-block guard holds
	// a list for a manager's decision (staffid.HeldMail); none, no mail.
	Managers []string `json:"managers,omitempty"`
}

// Module returns the module's settings, defaults filled in: the one
// staffid.Config of the whole server. It checks the upload's settings too.
func (c StaffID) Module() (staffid.Config, error) {
	sc := c.Config.WithDefaults()
	if err := sc.Validate(); err != nil {
		return staffid.Config{}, fmt.Errorf("config file, section staffid: %w", err)
	}
	if c.MaxUploadBytes < 0 {
		return staffid.Config{}, fmt.Errorf("config file, section staffid: %w", bookingkit.Invalid("max_upload_bytes", strconv.FormatInt(c.MaxUploadBytes, 10), "expected a positive number of bytes"))
	}
	for _, m := range c.Managers {
		if _, err := account.NormaliseEmail(m); err != nil {
			return staffid.Config{}, fmt.Errorf("config file, section staffid: %w", bookingkit.Invalid("managers", m, "expected email addresses"))
		}
	}
	return sc, nil
}

// StaffAccounts is the "staff_accounts" section of the config file:
// how employees sign in. The list's own settings (registration fields,
// standby passenger types, airline code) are the staffid section's. Every
// field has a default.
type StaffAccounts struct {
	// LinkLifetime (a Go duration) is how long a mailed one-time link
	// works; default 24h.
	LinkLifetime string `json:"link_lifetime"`
	// SessionLifetime (a Go duration) is how long a sign-in lasts; default
	// 7 days.
	SessionLifetime string `json:"session_lifetime"`
	// MinPasswordLength is the shortest password accepted; default 8.
	MinPasswordLength int `json:"min_password_length"`
	// TemplatesDir is a folder with the deployment's own message texts
	// (staff_register.txt, staff_reset.txt, staff_moved.txt,
	// staff_already_registered.txt, staff_registered_elsewhere.txt,
	// staff_register_refused.txt: text/templates rendering
	// "Subject: …", an empty line, the body); a file absent there keeps
	// the built-in text.
	TemplatesDir string `json:"templates_dir"`
	// Registration, sign-in and link requests: AttemptsPerAddress at once
	// from one client address and AttemptsPerAccount for one account (or
	// one employee's details), then one more per AttemptInterval (a Go
	// duration). Defaults 10, 5 and "1m".
	AttemptsPerAddress int    `json:"attempts_per_address"`
	AttemptsPerAccount int    `json:"attempts_per_account"`
	AttemptInterval    string `json:"attempt_interval"`
}

// StaffSignIn is the staff_accounts section read, defaults filled in.
type StaffSignIn struct {
	LinkLifetime, SessionLifetime time.Duration
	MinPasswordLength             int
	// Templates is the deployment's own message texts, or nil.
	Templates *staffid.MailTemplates
	// AttemptsPerAddress and AttemptsPerAccount at once, then one more
	// per AttemptInterval.
	AttemptsPerAddress, AttemptsPerAccount int
	AttemptInterval                        time.Duration
}

// SignIn reads the section.
func (c StaffAccounts) SignIn() (StaffSignIn, error) {
	var s StaffSignIn
	var err error
	for _, d := range []struct {
		field string
		v     string
		def   time.Duration
		to    *time.Duration
	}{
		{"staff_accounts.link_lifetime", c.LinkLifetime, 24 * time.Hour, &s.LinkLifetime},
		{"staff_accounts.session_lifetime", c.SessionLifetime, 7 * 24 * time.Hour, &s.SessionLifetime},
		{"staff_accounts.attempt_interval", c.AttemptInterval, time.Minute, &s.AttemptInterval},
	} {
		if *d.to, err = Duration(d.field, d.v, d.def); err != nil {
			return s, err
		}
	}
	for _, n := range []struct {
		field  string
		v, def int
		to     *int
	}{
		{"staff_accounts.attempts_per_address", c.AttemptsPerAddress, 10, &s.AttemptsPerAddress},
		{"staff_accounts.attempts_per_account", c.AttemptsPerAccount, 5, &s.AttemptsPerAccount},
		{"staff_accounts.min_password_length", c.MinPasswordLength, 8, &s.MinPasswordLength},
	} {
		if *n.to, err = Positive(n.field, n.v, n.def); err != nil {
			return s, err
		}
	}
	if c.TemplatesDir != "" {
		if s.Templates, err = staffid.ParseMailTemplates(os.DirFS(c.TemplatesDir)); err != nil {
			return s, fmt.Errorf("config staff_accounts.templates_dir %s: %w", c.TemplatesDir, err)
		}
	}
	return s, nil
}

// Standby is the "standby" section of the config file. Every field
// has a default.
type Standby struct {
	// Shared says that other servers write the same database, so each read
	// first checks the flight's version in the database and reloads a
	// stale queue. Absent (null), it is true on PostgreSQL and false on
	// SQLite and memory. Set it false on PostgreSQL only when this server
	// is the database's only writer, and true on SQLite when several
	// processes write one file.
	Shared *bool `json:"shared"`
	// MaxQueuePage is the largest limit of one page of a flight's queue
	// view (standby.Service.MaxViewLimit). Default 500.
	MaxQueuePage int `json:"max_queue_page"`
}

// Queues returns whether other servers write the same database (backend
// is the storage's: "postgres" is shared unless the section says not) and
// the largest page of a queue view.
func (c Standby) Queues(backend string) (shared bool, maxPage int, err error) {
	shared = backend == "postgres"
	if c.Shared != nil {
		shared = *c.Shared
	}
	maxPage, err = Positive("standby.max_queue_page", c.MaxQueuePage, standby.DefaultMaxViewLimit)
	return shared, maxPage, err
}
