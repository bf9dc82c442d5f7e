package staffid

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
	FirstName string // the employee's first name, native spelling
	FullName  string // "LastName FirstName MiddleName", native spelling
	Email     string // where the message goes
	Link      string // the one-time link
	ValidFor  string // the link's lifetime in words, e.g. "24 hours"
}

// MailTemplates are the texts of the messages [Accounts] sends: one on
// registration, with the link to set the first password
// ([RegisterTemplateFile]), one on a forgotten-password request
// ([ResetTemplateFile]), and one when the airline's list gives an employee
// another address than their account's and the account moves there
// ([MovedTemplateFile]). A registration that cannot make an account is
// answered by mail too, since its HTTP answer is the same for every form:
// the address already has an account ([AlreadyTemplateFile]), the employee
// has one under another address ([ElsewhereTemplateFile]), the details do
// not match the list ([RefusedTemplateFile]). Those three carry no link,
// and the last no name (.FirstName and .FullName are empty). Each is a text/template that renders, from a
// [MailData], a "Subject: …" line, an empty line, and the body. Build them
// with [ParseMailTemplates] or [DefaultMailTemplates]. A message is in the
// language of the request it answers (locale.Of of its context: a queued
// registration or reset keeps its request's), and the account-moved
// message, which answers nobody's request, in the deployment's default
// (locale.DefaultOf).
type MailTemplates struct {
	register  *mailTemplate
	reset     *mailTemplate
	moved     *mailTemplate
	already   *mailTemplate
	elsewhere *mailTemplate
	refused   *mailTemplate
}

// Names of the template files [ParseMailTemplates] reads.
const (
	RegisterTemplateFile  = "staff_register.txt"
	ResetTemplateFile     = "staff_reset.txt"
	MovedTemplateFile     = "staff_moved.txt"
	AlreadyTemplateFile   = "staff_already_registered.txt"
	ElsewhereTemplateFile = "staff_registered_elsewhere.txt"
	RefusedTemplateFile   = "staff_register_refused.txt"
)

const defaultRegisterTemplate = `Subject: {{t "Your staff travel account"}}

{{t "Hello %s," .FirstName}}

{{t "You asked to register for staff travel with this address (%s). Open this link to choose your password; it works once, within %s:" .Email .ValidFor}}

{{.Link}}

{{t "From then on, sign in with your email and that password."}}
{{t "If you did not ask for this, ignore this message: nothing happens without the link."}}
`

const defaultResetTemplate = `Subject: {{t "Your staff travel password"}}

{{t "Hello %s," .FirstName}}

{{t "Open this link to choose a new password for staff travel; it works once, within %s:" .ValidFor}}

{{.Link}}

{{t "If you did not ask for this, ignore this message: your password stays as it is."}}
`

const defaultMovedTemplate = `Subject: {{t "Your staff travel account now uses this address"}}

{{t "Hello %s," .FirstName}}

{{t "Your airline's employee list gives this address (%s) for your staff travel account, so the account now uses it. The previous address no longer signs in, and its password and sessions have ended." .Email}}

{{t "Open this link to choose your password; it works once, within %s:" .ValidFor}}

{{.Link}}

{{t "If you did not expect this, ask your staff travel office."}}
`

// mailHello greets by first name when the message may name the person.
const mailHello = `{{if .FirstName}}{{t "Hello %s," .FirstName}}{{else}}{{t "Hello,"}}{{end}}`

const defaultAlreadyTemplate = `Subject: {{t "Your staff travel account"}}

` + mailHello + `

{{t "Someone, perhaps you, asked to register for staff travel with this address (%s), which already has a staff travel account." .Email}}

{{t "Sign in with this address and your password. If you forgot the password, choose “Forgot password” on the sign-in page to get a link for a new one. One address holds one account: to register other details, use another address."}}

{{t "If you did not ask for this, ignore this message: nothing has changed."}}
`

const defaultElsewhereTemplate = `Subject: {{t "Your staff travel account"}}

` + mailHello + `

{{t "Someone, perhaps you, asked to register for staff travel with this address (%s). The details given belong to an employee who already has a staff travel account, under another address." .Email}}

{{t "Sign in with that address. If it is not yours, or you no longer have it, ask your staff travel office: once your employer's list gives your own address, the account moves to it and a link to choose your password is sent there."}}

{{t "If you did not ask for this, ignore this message: nothing has changed."}}
`

const defaultRefusedTemplate = `Subject: {{t "Your staff travel registration"}}

{{t "Hello,"}}

{{t "Someone, perhaps you, asked to register for staff travel with this address (%s), but the details given do not match an employee of your airline's list who may register. Every field must be as your employer recorded it, and when the list holds your email address, register with that one. Check the details and try again, or ask your staff travel office." .Email}}

{{t "If you did not ask for this, ignore this message: no account was made."}}
`

type mailTemplate struct {
	name string
	tpl  locale.PerLanguage[*template.Template]
	// linked says the message carries the one-time link: the template
	// must show it.
	linked bool
}

// DefaultMailTemplates returns the built-in texts, in English, Russian
// and Spanish.
func DefaultMailTemplates() *MailTemplates {
	t, err := ParseMailTemplates(nil)
	if err != nil {
		panic("staffid: built-in mail templates: " + err.Error())
	}
	return t
}

// ParseMailTemplates reads the message templates a deployment supplies
// in fsys (the *TemplateFile names); a file that is
// absent, or a nil fsys, keeps the built-in text. A file replaces the
// message in every language, and one under a language's folder
// ("ru/staff_register.txt") in that language alone. The templates are
// parsed once per language with its translation functions
// (locale.Funcs: {{t "…"}}), and the recipient's language picks one
// ([Accounts]). Each template is checked by rendering it with sample
// data, so a mistake shows at start, not when the first employee
// registers.
func ParseMailTemplates(fsys fs.FS) (*MailTemplates, error) {
	load := func(file, def string, linked bool) (*mailTemplate, error) {
		tpl, err := locale.Build(func(tag language.Tag) (*template.Template, error) {
			text, err := account.TemplateText(fsys, tag, file, def)
			if err != nil {
				return nil, err
			}
			tpl, err := template.New(file).Funcs(locale.Funcs(tag)).Option("missingkey=error").Parse(text)
			if err != nil {
				return nil, bookingkit.Invalid(file, "", "a text/template: "+err.Error())
			}
			return tpl, nil
		})
		if err != nil {
			return nil, err
		}
		mt := &mailTemplate{name: file, tpl: tpl, linked: linked}
		sample := MailData{FirstName: "Anna", FullName: "Petrova Anna", Email: "anna@example.com"}
		if linked {
			sample.Link, sample.ValidFor = "https://example.com/x", "24 hours"
		}
		for _, tag := range locale.Supported {
			if _, err := mt.render(tag, sample); err != nil {
				return nil, err
			}
		}
		return mt, nil
	}
	var t MailTemplates
	for _, m := range []struct {
		dst        **mailTemplate
		file, text string
		linked     bool
	}{
		{&t.register, RegisterTemplateFile, defaultRegisterTemplate, true},
		{&t.reset, ResetTemplateFile, defaultResetTemplate, true},
		{&t.moved, MovedTemplateFile, defaultMovedTemplate, true},
		{&t.already, AlreadyTemplateFile, defaultAlreadyTemplate, false},
		{&t.elsewhere, ElsewhereTemplateFile, defaultElsewhereTemplate, false},
		{&t.refused, RefusedTemplateFile, defaultRefusedTemplate, false},
	} {
		mt, err := load(m.file, m.text, m.linked)
		if err != nil {
			return nil, err
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
	link := ""
	if t.linked {
		link = d.Link
	}
	return account.ParseMessage(t.name, b.String(), link)
}
