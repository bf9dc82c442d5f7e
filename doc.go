// Package bookingkit holds what every bookingkit module shares: the error
// sentinels callers test with [errors.Is] ([ErrNotFound], [ErrConflict],
// [ErrInvalid], [ErrUnauthorized], [ErrForbidden], [ErrRateLimited],
// [ErrTooLarge]) and the [ValidationError] that names a bad field and value.
//
// The modules live in their own packages:
//
//   - [github.com/bookingkit/bookingkit/staffid]: airline staff travel — the employee list, accounts, staff bookings.
//   - [github.com/bookingkit/bookingkit/standby]: the standby queue of a flight.
//   - [github.com/bookingkit/bookingkit/mogu]: QR claim codes linking bookings to travellers' app accounts.
//   - [github.com/bookingkit/bookingkit/partner]: a vendor's resellers, their instances and licences.
//
// Each module declares the storage interface it needs; the adapters under
// storage/ (memory, sqlite, postgres) implement all of them and are held to
// one conformance suite, storage/storagetest.
package bookingkit
