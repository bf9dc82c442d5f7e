package staffid

import (
	"context"
	"log/slog"
	"strings"
	"text/template"

	"golang.org/x/text/language"

	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/locale"
)

// HeldMail tells the managers that a list is held, by mail, in the
// deployment's default language (locale.DefaultOf of the context): its
// [HeldMail.Send] is an [Importer.OnHold]. The mail says who uploaded it,
// when, and how many people it would block, and where to see whom and
// decide; it names nobody on the list, since mail travels further than
// the page.
type HeldMail struct {
	// Mailer sends the mails (package outbox's, so that the upload's
	// answer does not wait for the mail server).
	Mailer account.Mailer
	// To are the managers' addresses; none, no mail.
	To []string
	// PageURL is the address of the page where a manager sees the held
	// list and decides; empty, the mail names the API and the command.
	PageURL string
	// Logger receives the mails that could not be sent; slog.Default()
	// when nil.
	Logger *slog.Logger
}

// heldMailData is what heldMailTemplate sees.
type heldMailData struct {
	HeldList
	PageURL string
}

// heldMailText is the mail, in the deployment's default language
// (package locale).
const heldMailText = `Subject: {{t "Employee list held: it would block %d people" .Counts.Blocked}}

{{t "An employee list uploaded at %s (%s, %s) was not imported:" (.At.Format "2006-01-02 15:04 MST") .Source .Actor}}
{{.Report.ErrorMsg}}.

{{t "It is held as list %d until a manager approves or rejects it. If approved, it would create %d, update %d, block %d and unblock %d people (%d unchanged)." .ID .Counts.Created .Counts.Updated .Counts.Blocked .Counts.Unblocked .Counts.Unchanged}}
{{if .PageURL}}
{{t "See whom it changes, and approve or reject it, on the import page:"}}
{{.PageURL}}
{{else}}
{{t "See whom it changes with GET /api/staffid/held or \"bookingkit staffid held show\", then approve or reject it there."}}
{{end}}
{{t "A newer list replaces this one. If nobody decides, nothing changes."}}
`

var heldMailTemplates = func() locale.PerLanguage[*template.Template] {
	t, err := locale.Build(func(tag language.Tag) (*template.Template, error) {
		return template.New("held").Funcs(locale.Funcs(tag)).Parse(heldMailText)
	})
	if err != nil {
		panic("staffid: the held list's mail: " + err.Error())
	}
	return t
}()

// Send mails each manager about h; a mail that cannot be queued is
// logged, and the list stays held all the same.
func (m HeldMail) Send(ctx context.Context, h HeldList) {
	if len(m.To) == 0 || m.Mailer == nil {
		return
	}
	logger := m.Logger
	if logger == nil {
		logger = slog.Default()
	}
	var b strings.Builder
	tpl := heldMailTemplates.In(locale.DefaultOf(ctx))
	msg, err := account.Message{}, tpl.Execute(&b, heldMailData{HeldList: h, PageURL: m.PageURL})
	if err == nil {
		msg, err = account.ParseMessage("held list mail", b.String(), "")
	}
	if err != nil {
		logger.ErrorContext(ctx, "staffid: the held list's mail", "held", h.ID, "error", err)
		return
	}
	for _, to := range m.To {
		msg.To = to
		if err := m.Mailer.Send(ctx, msg); err != nil {
			logger.ErrorContext(ctx, "staffid: the held list's mail", "held", h.ID, "to", to, "error", err)
		}
	}
}
