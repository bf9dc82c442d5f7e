// Package account signs people in: accounts in a realm, one-time emailed
// links, passwords and sessions. It is the machinery shared by the modules
// that have users — staffid's employees and mogu's travellers — written once.
//
// # Flow
//
// A module creates an account with [Service.Create] once it has checked
// who the person is (staffid compares the registration form with the
// airline's list), and mails the returned one-time token as a link.
// Opening the link shows a form ([Service.CheckLink] does not use it up:
// mail scanners open links by themselves); posting a password to
// [Service.SetPassword] uses the link, stores the password and signs the
// person in. From then on [Service.Login] takes the email and password, and
// [Service.Authenticate] turns a session token into the account.
// [Service.RequestReset] issues a new link for a forgotten password.
//
// # Security
//
//   - Tokens (links and sessions) carry 256 random bits and are stored only
//     as SHA-256 hashes; links expire (24 h by default) and work once.
//   - Passwords follow NIST SP 800-63B (minimum length, no composition
//     rules) and must be hard to guess: the zxcvbn estimator refuses
//     common passwords, words, keyboard walks, repeats, and passwords
//     built from the email or the person's details the module gives
//     ([Config.UserInputs]). They are stored as argon2id PHC strings with
//     OWASP's parameters ([OWASPHashParams]) or the engine's own
//     ([Config.HashParams]), upgraded at login when the parameters change.
//   - Login failures all read the same ([ErrBadCredentials]) and take the
//     same time; attempts are rate-limited per address and per account
//     ([Config.PerAddress], [Config.PerAccount]: in this process by
//     default (throttle.NewMemory), or across every process sharing a
//     database with package throttle's limiters over its store).
//   - A module's [Gate] is asked at every login and request, so a person
//     the module blocks is signed out at once and can sign in again with
//     the same password when unblocked. The gate sees the whole account:
//     staffid also refuses an address the airline's list no longer gives
//     the employee, and [Service.Move] hands the account to the listed
//     address (password, sessions and links end; a new link goes there).
//   - A sign-up form can answer the same whether or not the address has an
//     account: [Service.CreateOrReset] and [Service.IssueLink] take the
//     same steps and limits either way, and the difference goes only into
//     the mail.
//   - A form can also take as long either way: the request does only what
//     depends on nothing stored ([Service.CheckReset]: the address's form
//     and the limits; [Service.Limit] for a sign-up) and puts the rest in a
//     [Queue] (package outbox), and the worker completes it
//     ([Service.CompleteReset], [Service.CreateOrReset]) without taking
//     the limits again. [Service.RequestReset] does both in one call, and
//     its time tells whether a link was stored.
//
// # Storage
//
// The [Store] interface is implemented by every adapter under storage/
// and checked by the conformance suite.
package account
