// Package partner is a software vendor's partner (reseller) channel: the
// partners manage their customers' product instances and licences
// themselves, talk to support in one thread per company, read reports and
// search terminal activity.
//
// The package holds the rules; a [Store] keeps the data. Storage adapters
// (memory, SQLite, PostgreSQL) implement Store; this package imports none
// of them. Everything is done through a [Service]:
//
//	svc := &partner.Service{Store: store}
//	inst, err := svc.CreateInstance(ctx, actor, partner.NewInstance{...})
//
// # Who sees what
//
// Every call takes the acting user as an [Actor]. A partner user
// ([RolePartnerUser]) sees and changes only their own partner's companies,
// instances, licences, threads, reports and activity: anything else fails
// with an error matching [bookingkit.ErrNotFound], exactly as if it did not
// exist, so IDs of other partners leak nothing. An administrator
// ([RoleAdministrator]) sees every partner and alone approves or rejects
// deactivation requests — never one they made themselves.
//
// # Instance types
//
// The types on sale are a [Registry] of type specs ([TypeSpec]): [WDS]
// (split by contracted [Profile]), [MCRM], [S360] and [WTA] in
// [DefaultRegistry]. Each declares the fields ([Field]) of its company data
// and configuration, and
// [TypeSpec.CheckCompany] and [TypeSpec.CheckConfig] validate them; every
// bad value comes back as a [*bookingkit.ValidationError] naming the field,
// the value and what was expected. Adding a type is adding a TypeSpec.
//
// # Life cycle
//
// An instance goes draft → provisioned → active → deactivation_requested →
// deactivated, or is cancelled before it is generated. The transitions are
// a table (see [NextInstanceState] and [InstanceEvents]); an event the
// current state does not allow fails with a [*TransitionError] that names
// both and matches [bookingkit.ErrConflict], and nothing changes.
//
//   - [Service.CreateInstance] records a draft.
//   - [Service.Provision] renders the [Contract] from a text/template
//     ([DefaultContractTemplate]) and keeps its SHA-256 digest; the
//     partner reads it with [Service.Contract] and may [Service.Cancel].
//   - [Service.Generate] takes the digest of the contract that was read
//     and activates the instance; there is no cancelling after that.
//   - [Service.EditInstance], [Service.ExtendExpiry] (effective at once),
//     [Service.ClearSession] (a new configuration version for terminals).
//   - [Service.RequestDeactivation] with a reason, then
//     [Service.ApproveDeactivation] or [Service.RejectDeactivation] by an
//     administrator, or [Service.WithdrawDeactivation].
//
// "Expired" is never stored: [Instance.Status] derives it from the expiry
// date whenever the instance is read, so extending the expiry takes effect
// at once.
//
// Every change is written together with its [AuditRecord] (who, what,
// when, why) in one store call, and with an optimistic version check:
// of two concurrent changes to one instance, one fails with
// [bookingkit.ErrConflict].
//
// # Licences and terminals
//
// [Service.AddLicences] adds licences to an active instance;
// [Service.Licences] lists and searches them. A terminal binds a licence
// with [Service.BindTerminal]; [Service.ReleaseLicence] frees it for
// another terminal. Licence deactivation works like an instance's.
// [Service.ImpersonationLink] makes a short-lived, single-use, HMAC-signed
// link that opens the web panel as a licence's user;
// [Service.OpenImpersonation] verifies it in constant time and refuses it
// once expired or used.
//
// # Activity
//
// Terminal activity (sign-in, configuration fetch, licence bound,
// released) goes to an append-only log. [Service.SearchActivity] finds a
// terminal's events by serial or PIN within a time window, newest first,
// a page at a time with an opaque cursor ([ActivityCursor]); stores answer
// it from an index, so the cost does not grow with the log.
//
// # Support
//
// One thread per company: [Service.PostMessage] adds a message whose
// [Direction] follows who wrote it, [Service.Threads] lists threads with
// unread counts per side, [Service.MarkRead] moves a side's read mark. The
// other side is told through a [Notifier]: [LogNotifier] or
// [WebhookNotifier], whose requests carry an HMAC-SHA256 signature that
// [VerifyWebhookSignature] checks; and through the partner's webhooks.
//
// # Webhooks
//
// Partners' systems follow their instances, licences and support threads
// through webhooks: [Service.CreateWebhookEndpoint] registers a URL and
// answers its secret ("whsec_…") once. After every change partners follow
// (an instance's status, a deactivation request or decision of an instance
// or a licence, a support message: [WebhookEventTypes]) the service
// records a [WebhookEvent] with one delivery per endpoint of the partner,
// and per catch-all (the server's configured URL, which gets every
// partner's events), and [Webhooks] enqueues each delivery in the outbox,
// whose worker sends it ([Webhooks.Deliver]) with the Standard Webhooks
// headers (webhook-id, webhook-timestamp, webhook-signature; a receiver
// checks them with [VerifyStandardWebhook]) and retries it with backoff.
// A delivery waits while an earlier one about the same object to the same
// endpoint is pending, so that each object's events arrive in order.
// Every attempt is kept in the endpoint's delivery log
// ([Service.WebhookDeliveries], [Service.WebhookDelivery]), and
// [Service.RedeliverWebhook] sends one event again.
//
// # Reports
//
// [Service.Report] counts instances or licences by type, profile and state
// (the store does the counting) and arranges the counts as chart bars, one
// colour per type, and as a table ([Report.Table]). The list behind a
// count is [ReportFilter.InstanceQuery] or [ReportFilter.LicenceQuery]
// passed to [Service.Instances] or [Service.Licences].
// [Service.MonthlySeries] counts activations per month.
//
// # Exports
//
// [CSVWriter] writes CSV for spreadsheets with formula cells neutralised
// (a cell starting with =, +, -, @, a tab or a carriage return gets a
// leading single quote, as OWASP advises); [Report.Table],
// [LicenceCSVRecord] and [ActivityCSVRecord] are the rows of the report,
// licence and activity exports.
//
// # API keys
//
// A partner's own systems sign in with an API key instead of a person's
// password. An administrator creates one for a partner, optionally
// read-only ([Service.CreateAPIKey]: the key is returned once and stored
// only as its SHA-256) and revokes it ([Service.RevokeAPIKey]).
// [Service.AuthenticateAPIKey] checks a key (starting [APIKeyPrefix]) and
// keeps its last-used time, written at most once a minute; the key acts as
// a partner user of its partner ([APIKey.Actor]), so it sees and changes
// only that partner's objects, and the audit log names it as the actor.
// Enforcing read-only keys is the caller's: partnerhttp refuses them every
// request but GET and HEAD.
package partner
