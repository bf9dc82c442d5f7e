package mogu

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"text/template"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
)

// MailData is what a message template sees.
type MailData struct {
	Email    string // where the message goes
	Link     string // the one-time link
	ValidFor string // the link's lifetime in words, e.g. "24 hours"
}

// MailTemplates are the texts of the messages [Accounts] sends, each with
// a one-time link: one on sign-up, with the link to choose the first
// password ([RegisterTemplateFile]); one on a sign-up for an address that
// already has an account, whose link chooses a new password
// ([AlreadyTemplateFile]: the answer to the sign-up was the same, so only
// this mailbox learns that the account exists); and one on a
// forgotten-password request ([ResetTemplateFile]). Each is a
// text/template that renders, from a [MailData], a "Subject: …" line, an
// empty line, and a body that shows the link. Build them with
// [ParseMailTemplates] or [DefaultMailTemplates].
type MailTemplates struct {
	register *mailTemplate
	already  *mailTemplate
	reset    *mailTemplate
}

// Names of the template files [ParseMailTemplates] reads.
const (
	RegisterTemplateFile = "mogu_register.txt"
	AlreadyTemplateFile  = "mogu_already_registered.txt"
	ResetTemplateFile    = "mogu_reset.txt"
)

const mailFooter = `

{{.Link}}

The link works once and expires in {{.ValidFor}}. If you did not ask for it, ignore this message.
`

const (
	defaultRegisterTemplate = `Subject: Your MOGU account

Welcome to MOGU. Open this link to choose your password; your trips open right after:` + mailFooter
	defaultAlreadyTemplate = `Subject: Your MOGU password

Someone (we hope you) tried to register this address in MOGU, where it already has an account. Open this link to choose a new password:` + mailFooter
	defaultResetTemplate = `Subject: Your MOGU password

Open this link to choose a new MOGU password:` + mailFooter
)

type mailTemplate struct {
	name string
	tpl  *template.Template
}

// DefaultMailTemplates returns the built-in English texts.
func DefaultMailTemplates() *MailTemplates {
	t, err := ParseMailTemplates(nil)
	if err != nil {
		panic("mogu: built-in mail templates: " + err.Error())
	}
	return t
}

// ParseMailTemplates reads the message templates a deployment supplies in
// fsys (the *TemplateFile names); a file that is absent, or a nil fsys,
// keeps the built-in text. Each template is checked by rendering it with
// sample data, so a mistake shows at start, not at the first sign-up.
func ParseMailTemplates(fsys fs.FS) (*MailTemplates, error) {
	var t MailTemplates
	for _, m := range []struct {
		dst        **mailTemplate
		file, text string
	}{
		{&t.register, RegisterTemplateFile, defaultRegisterTemplate},
		{&t.already, AlreadyTemplateFile, defaultAlreadyTemplate},
		{&t.reset, ResetTemplateFile, defaultResetTemplate},
	} {
		text := m.text
		if fsys != nil {
			b, err := fs.ReadFile(fsys, m.file)
			switch {
			case err == nil:
				text = string(b)
			case !errors.Is(err, fs.ErrNotExist):
				return nil, fmt.Errorf("mail template %s: %w", m.file, err)
			}
		}
		tpl, err := template.New(m.file).Option("missingkey=error").Parse(text)
		if err != nil {
			return nil, bookingkit.Invalid(m.file, "", "a text/template: "+err.Error())
		}
		mt := &mailTemplate{name: m.file, tpl: tpl}
		if _, err := mt.render(MailData{Email: "ana@example.com", Link: "mogu://set-password?token=x", ValidFor: "24 hours"}); err != nil {
			return nil, err
		}
		*m.dst = mt
	}
	return &t, nil
}

// render executes the template and splits the subject from the body.
func (t *mailTemplate) render(d MailData) (account.Message, error) {
	var b bytes.Buffer
	if err := t.tpl.Execute(&b, d); err != nil {
		return account.Message{}, bookingkit.Invalid(t.name, "", "a template that renders: "+err.Error())
	}
	return account.ParseMessage(t.name, b.String(), d.Link)
}
