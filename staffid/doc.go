// Package staffid is the airline staff travel module ("Websky Colleagues"):
// an airline uploads the whole list of its employees and their companions
// (relatives who may fly with them on staff fares), and the module keeps
// the set of people who may book; employees then register, sign in and
// book staff and standby fares for themselves and their companions only.
//
// # The list
//
// One upload is the whole list, never a delta: a JSON array of records, or
// an Excel workbook (.xlsx; first sheet, row 1 = the field names). The
// fields ([FieldLastName], [FieldBirthDay], ...) and their rules are the
// seed's: native names of at most 30 characters ([MaxNameLength], counted
// in characters, not bytes), passport names in Latin letters, dates as
// DD.MM.YYYY ([ParseDate]; a birth date not in the future), Sex M or F,
// IsEmployee 1 or 0, CategoryCode 0–9. JSON scalars may be numbers or
// strings; null is an absent value; unknown fields are ignored. Records
// sharing the value of the group field ([Config.GroupField], EmployeeID or
// GUID) form a group of exactly one employee and their companions; a
// companion's empty DateOfEmployment and EmployeeID take its employee's.
//
// # Importing
//
// An [Importer] reads a list, checks every record and the whole list, and
// makes the stored people match it, all or nothing ([Importer.Import]);
// [Importer.Validate] does the same checks without a store. Each person's
// ID is a versioned hash of the native full name and the configured
// identity fields ([IdentityID], [Normalize]; docs/identity-hash.md
// specifies it with test vectors). Against the stored people, the import
// plans ([PlanSync]) who is created, updated, unchanged, unblocked or
// blocked: someone absent from the list is blocked, never deleted, and
// unblocked when back. An empty list, or one that would block more than
// [Config.MassBlockThreshold] of the active people, is refused unless
// forced ([ImportOptions.Force]); with a [HeldListStore]
// ([Importer.HeldStore]) the second is held instead, like Entra ID's
// accidental-deletion quarantine: a manager told of it
// ([Importer.OnHold], [HeldMail]) sees whom it would block
// ([Importer.Held]) and approves ([Importer.ApproveHeld]) or rejects
// ([Importer.RejectHeld]) it, and a newer list replaces or supersedes it
// ([HeldList] says how an approval avoids stale data).
//
// The answer is a [Report] in the seed's JSON shape; every upload,
// accepted or refused, is kept in the import history ([HistoryEntry],
// read in pages with [Importer.History]). [Importer.ImportContentType]
// takes an upload's MIME type instead of a [Format], and refuses (and
// records) one it cannot read as it refuses an unreadable list;
// [Forceable] tells the refusals that forcing would let through. [Export]
// writes the stored list back (JSON, .xlsx or CSV, blocked people marked,
// formula cells neutralised in the spreadsheet formats), page by page; the
// JSON export of the active people imports again unchanged. Package
// staffid/staffidhttp serves all of it over HTTP.
//
// # Errors
//
// A refused upload comes back with its report and an error to test with
// errors.Is: [ErrInvalidRecords] (the report lists each invalid record as
// sent, with the reason), [ErrMalformed], [ErrUnsupportedFormat] and
// [ErrLegacyXLS], [ErrEmptyList], all matching bookingkit.ErrInvalid (the
// two unsupported formats also bookingkit.ErrUnsupportedMediaType);
// [ErrMassBlock], matching bookingkit.ErrConflict; a list or workbook over
// the [Limits], matching bookingkit.ErrTooLarge. Two messages are the
// seed's own, word for word: "Invalid date 18.32.1933, the format is d.m.Y"
// and "No GUID field found: EmployeeID" (naming the configured group
// field); every other one names the field, the value and what is expected.
//
// # Accounts
//
// [Accounts] ([NewAccounts]) lets a listed, unblocked employee register:
// the configured [Config.RegistrationFields] and an email are compared with
// the list, normalised as for identity; when the list holds the employee's
// email, only that email is accepted. [Accounts.Register] returns no error
// for any well-formed form within the rate limits, so the answer tells
// nobody whether the details are right or who has an account: the mail to
// the address given carries the one-time link, or says why there is none
// (already registered, registered under another address, the address
// belongs to another account, the details do not match). Register does
// that within the call, so how long it takes still tells what it found; a
// server answering strangers calls [Accounts.QueueRegister] and
// [Accounts.QueueReset] instead, which check the form and take the rate
// limits, then store the request in [AccountsConfig.Queue] (package
// outbox) and return having read neither the list nor the accounts: every
// form does the same writes. The outbox's worker completes each with
// [Accounts.CompleteRegister] or [Accounts.CompleteReset]. Opening the link
// only shows the form, posting a password uses it and signs in. Passwords, links,
// sessions and rate limits are the shared machinery of package
// [github.com/bookingkit/bookingkit/account] (realm [StaffRealm]); its gate
// asks this package at every sign-in and request whether the person is
// still listed, so an import that blocks someone signs them out at once,
// and listing them again lets the old password work.
//
// The list is the authority on an account's address: when it gives an
// employee an email that differs from their account's (someone registered
// them first with another address, or the address changed), the account
// moves to the list's address, its password, sessions and links end, and a
// link to choose the password goes to the new address
// ([Accounts.FollowList], run by the importer's [Importer.AfterImport]).
// The gate refuses an address the list does not give on every server of
// the database, and moves the account at its first use when no import did;
// the employee registering with the listed address moves it too.
//
// # Passengers and bookings
//
// [Passengers] returns an employee's group: themselves first, then their
// unblocked companions, read-only. [CheckPassengers] refuses a booking's
// passenger outside the group, blocked, or with any passport field changed,
// naming the field. [Bookings] ([NewBookings]) creates staff bookings; a
// fare whose passenger type is one of [Config.StandbyPassengerTypes] is a
// standby fare, and its passengers join the flight's queue through the
// [StandbyQueue] interface (the standby package's Service satisfies it),
// companions with their employee's employer and employment date. The
// booking is stored first and queued second; [Bookings.Reconcile], run at
// start, queues any standby booking a crash between the two left without
// its place. [Bookings.Estimate] gives the place each of an employee's
// passengers would get if booked now, on the same rights a booking uses
// (so an estimate cannot drift from the real place), and
// [Bookings.QueueView] a page of a flight's queue as the employee sees it,
// their group's places marked.
//
// # Storage
//
// The package declares what it needs from storage: [Store], made of
// [ImportStore] (one transaction per import, [ImportStore.ApplyImport],
// computing the plan under the store's lock so that concurrent uploads
// never interleave, and the history) and [PeopleStore] (lookups by ID,
// by group, and keyset pages), [HeldListStore] for the held list, and
// [BookingStore] for staff bookings. The adapters under storage/
// implement them.
//
// # Test data
//
// Package [github.com/bookingkit/bookingkit/staffid/staffidtest] generates
// realistic lists of any size, as JSON or as a workbook, for tests and
// benchmarks here and in the adapters and the server.
package staffid
