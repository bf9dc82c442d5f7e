// Package outbox keeps messages that must leave the process — one-time
// sign-in links by mail, partners' webhooks (package partner's
// "partner.webhook") — in the database until a
// worker has delivered them, so that a request never waits for a mail
// server and a mail server outage loses nothing.
//
// # Flow
//
// A request stores a [Message] with [Outbox.Enqueue] (or through the
// [account.Mailer] that [Outbox.Mailer] returns, which the modules already
// call) and answers at once: the time it takes no longer depends on the
// mail server, so an existing account and an unknown one answer alike.
// [Outbox.Run], started once per process, claims due messages one at a
// time, oldest first, and hands each to the [Handler] registered for its
// kind ([MailHandler] sends a mail through a real mailer). A delivered
// message is deleted; a failed one is tried again later, after a delay
// that doubles from Config.RetryFirst up to Config.RetryMax, until it is
// Config.GiveUpAfter old or its handler says the failure is [Permanent];
// then it is dropped and logged at error level.
//
// A request whose work depends on what is stored can leave all of it to
// the worker: a form for a password reset or a registration checks its
// input and rate limits, then enqueues the form as a message of its own
// kind (package staffid's "staffid.register" and "staffid.reset"; the
// reference server's "mogu.register", "mogu.reset", "partner.reset"), and
// the handler for that kind looks the account or person up, issues the
// link and mails it (through [Outbox.Mailer]: a second message). Every
// such request then writes the same one row whatever the database holds,
// and takes as long. A handler that fails because its message can never
// succeed (bad data) returns [Permanent]; any other failure is retried.
//
// # Several processes, crashes
//
// Every server that shares the database runs a worker over the same
// stored messages. [Store.Claim] leases a message to one worker for
// Config.Lease (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: the write
// lock), so two workers never deliver one message at the same time; a
// delivery is cancelled well before its lease ends. A worker that dies
// mid-delivery leaves its message leased: once the lease runs out, any
// worker claims it again. Delivery is therefore at least once: a crash
// between the mail server's acceptance and the deletion sends that
// message a second time, which for a one-time link is harmless; a queued
// form completed twice mails two links (or two answers), as the same form
// sent twice does.
//
// # Security
//
// A stored mail holds its link in clear text until it is delivered (the
// accounts keep only the links' hashes); it is deleted as soon as the mail
// server accepts it, and never logged. A queued form holds personal data
// (an employee's names, birth date and personnel number, an email address)
// until its handler has completed it: it is deleted then, as a delivered
// mail is (or when dropped), and its payload is never logged either. A
// backup taken meanwhile holds it, as it holds the accounts.
//
// # Storage
//
// The [Store] interface is implemented by every adapter under storage/
// and checked by the conformance suite (storage/storagetest).
package outbox
