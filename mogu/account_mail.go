package mogu

import (
	"bytes"
	"io/fs"
	"text/template"

	"golang.org/x/text/language"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/locale"
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

{{t "The link works once and expires in %s. If you did not ask for it, ignore this message." .ValidFor}}
`

const (
	defaultRegisterTemplate = `Subject: {{t "Your MOGU account"}}

{{t "Welcome to MOGU. Open this link to choose your password; your trips open right after:"}}` + mailFooter
	defaultAlreadyTemplate = `Subject: {{t "Your MOGU password"}}

{{t "Someone (we hope you) tried to register this address in MOGU, where it already has an account. Open this link to choose a new password:"}}` + mailFooter
	defaultResetTemplate = `Subject: {{t "Your MOGU password"}}

{{t "Open this link to choose a new MOGU password:"}}` + mailFooter
)

type mailTemplate struct {
	name string
	tpl  locale.PerLanguage[*template.Template]
}

// DefaultMailTemplates returns the built-in texts, in English, Russian
// and Spanish.
func DefaultMailTemplates() *MailTemplates {
	t, err := ParseMailTemplates(nil)
	if err != nil {
		panic("mogu: built-in mail templates: " + err.Error())
	}
	return t
}

// ParseMailTemplates reads the message templates a deployment supplies in
// fsys (the *TemplateFile names); a file that is absent, or a nil fsys,
// keeps the built-in text. A file replaces the message in every language,
// and one under a language's folder ("es/mogu_register.txt") in that
// language alone; the templates are parsed once per language with its
// translation functions (locale.Funcs: {{t "…"}}), and a message is in
// the language of the request it answers (locale.Of of its context; a
// queued sign-up or reset keeps its request's). Each template is checked by rendering it with
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
		tpl, err := locale.Build(func(tag language.Tag) (*template.Template, error) {
			text, err := account.TemplateText(fsys, tag, m.file, m.text)
			if err != nil {
				return nil, err
			}
			tpl, err := template.New(m.file).Funcs(locale.Funcs(tag)).Option("missingkey=error").Parse(text)
			if err != nil {
				return nil, bookingkit.Invalid(m.file, "", "a text/template: "+err.Error())
			}
			return tpl, nil
		})
		if err != nil {
			return nil, err
		}
		mt := &mailTemplate{name: m.file, tpl: tpl}
		for _, tag := range locale.Supported {
			if _, err := mt.render(tag, MailData{Email: "ana@example.com", Link: "mogu://set-password?token=x", ValidFor: "24 hours"}); err != nil {
				return nil, err
			}
		}
		*m.dst = mt
	}
	return &t, nil
}

// render executes the template in tag and splits the subject from the
// body.
func (t *mailTemplate) render(tag language.Tag, d MailData) (account.Message, error) {
	var b bytes.Buffer
	if err := t.tpl.In(tag).Execute(&b, d); err != nil {
		return account.Message{}, bookingkit.Invalid(t.name, "", "a template that renders: "+err.Error())
	}
	return account.ParseMessage(t.name, b.String(), d.Link)
}
