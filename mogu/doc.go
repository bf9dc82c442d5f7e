// Package mogu links bookings of the engine to travellers' accounts in
// MOGU, a trip-companion mobile app. Each voucher carries a QR code; a
// traveller who scans it sees the trip in the app. The rules differ for
// bookings made by the traveller (B2C) and by a travel agent (B2B), MOGU is
// switched on per microsite, and in MOGU's back office every agency is a
// separate account.
//
// # Linking rules
//
// [Decide] is the whole rule set as one pure function of a [Booking], a
// [Viewer] and whether they scanned the QR code; it returns the [Outcome]:
// the app's [Step]s, the [Link] made, and whether the trip is then listed.
// The contact email is the traveller's when the booking is B2C or when a
// B2B booking's contact email is not the agent's
// ([Booking.ContactIsTraveler]). Only then is a trip listed by email
// without scanning; a B2B booking carrying the agent's email stays out of
// every list until the traveller scans. Emails compare case-insensitively
// ([SameEmail]).
//
// # Claim tokens
//
// There is no way to add a trip by typing its locator: a six-character
// booking reference is about 31 bits and one wrong digit opens someone
// else's trip. The QR code carries a claim URL ending in a token that a
// [Keyring] signs: HMAC-SHA256 over the booking ID, the booking's token
// generation and an expiry, truncated to 128 bits, tagged with the ID of
// the signing key so keys can be rotated. Tokens are upper-case base32,
// inside QR's alphanumeric alphabet, so the claim URL encodes compactly.
// [Keyring.Verify] refuses a forged, altered, truncated or expired token,
// or one signed with a removed key, with one error, [ErrInvalidToken].
// Keys are configured in the written form "2:<base64>,1:<base64>", the
// current key first ([ParseKeyring], [FormatKey]).
//
// A printed voucher is shared by the people travelling together, so a
// token is not single-use: [Service.Claim] links up to [Trip.Travelers]
// accounts. [Service.ReissueVoucher] rotates the token; claims are
// rate-limited through a [Limiter]. Opening the claim URL (a GET, which
// mail scanners do on their own) must only show a landing page: the claim
// is an authenticated request from the app.
//
// # Vouchers and activation
//
// The account manager turns MOGU on or off per microsite
// ([Service.SetActive]); every change is kept with who and when
// ([Service.ActivationHistory]). Bookings are registered with
// [Service.RegisterBooking], which refuses bookings of inactive microsites
// with a [*NotActiveError]. [Service.Voucher] chooses what the voucher
// prints: MOGU's claim URL for a claimable booking, otherwise the engine's
// own "add services" page ([Config.ServicesURLTemplate]).
// [Service.Status] answers the support question "why is this booking not
// in MOGU?" in words. [EncodeQR] draws a URL as PNG or SVG at recovery
// level Q with the 4-module quiet zone.
//
// # App and back office
//
// MOGU sees an app account as an [Account] (ID and verified email),
// whoever signs the traveller in: the engine's own sign-in, or [Accounts],
// the app's accounts over the project's shared accounts machinery (realm
// [Realm]). Anyone signs up with an address and the mailed one-time link
// proves it. The answers to a sign-up and a reset never tell who has an
// account: [Accounts.QueueRegister] and [Accounts.QueueReset] store one
// queued request whatever the accounts hold, and the worker's
// [Accounts.CompleteRegister] and [Accounts.CompleteReset] decide what
// to mail (a new account's link; a new password's link when the address
// already has an account; nothing for a reset of an unknown address),
// in the texts of [MailTemplates]. [Service.UpcomingTrips] and
// [Service.TripDetail] show an account its trips. In the back office,
// [Service.OpenBookingLink] and [Service.OpenAgencyLink] give B2B users an
// "open in MOGU" link naming the agency account; [Service.EnterAccount]
// puts an operator in an account they were granted ([Service.Grant], which
// only the operators named in [Config.Administrators] may do) or refuses
// with a [*ForbiddenAccountError]; [Service.AccountBookings] lists only the
// current account's bookings.
//
// # Storage
//
// The service keeps its data through a [Store], which the adapters under
// storage/ implement (storage/memory, storage/sqlite, storage/postgres,
// held to one conformance suite); each method's comment is its contract, and the
// writes that must commit together (a claim and its bound, an activation
// change and its history, a revocation and leaving the account) are one
// method each.
//
// # Errors
//
// Errors match the sentinels of package bookingkit under [errors.Is]:
// bad input is a [*bookingkit.ValidationError]; a refused token
// [bookingkit.ErrUnauthorized]; an operator outside an account or an agent
// claiming in the app [bookingkit.ErrForbidden]; an inactive microsite or
// exhausted claims [bookingkit.ErrConflict]; too many claims
// [bookingkit.ErrRateLimited]; a trip an account may not see
// [bookingkit.ErrNotFound].
package mogu
