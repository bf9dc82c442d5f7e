package staffid

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
// with [ParseMailTemplates] or [DefaultMailTemplates].
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

const defaultRegisterTemplate = `Subject: Your staff travel account

Hello {{.FirstName}},

You asked to register for staff travel with this address ({{.Email}}).
Open this link to choose your password; it works once, within {{.ValidFor}}:

{{.Link}}

From then on, sign in with your email and that password.
If you did not ask for this, ignore this message: nothing happens without the link.
`

const defaultResetTemplate = `Subject: Your staff travel password

Hello {{.FirstName}},

Open this link to choose a new password for staff travel; it works once, within {{.ValidFor}}:

{{.Link}}

If you did not ask for this, ignore this message: your password stays as it is.
`

const defaultMovedTemplate = `Subject: Your staff travel account now uses this address

Hello {{.FirstName}},

Your airline's employee list gives this address ({{.Email}}) for your staff
travel account, so the account now uses it. The previous address no longer
signs in, and its password and sessions have ended.

Open this link to choose your password; it works once, within {{.ValidFor}}:

{{.Link}}

If you did not expect this, ask your staff travel office.
`

const defaultAlreadyTemplate = `Subject: Your staff travel account

Hello{{if .FirstName}} {{.FirstName}}{{end}},

Someone, perhaps you, asked to register for staff travel with this address
({{.Email}}), which already has a staff travel account.

Sign in with this address and your password. If you forgot the password,
choose "Forgot password" on the sign-in page to get a link for a new one.
One address holds one account: to register other details, use another
address.

If you did not ask for this, ignore this message: nothing has changed.
`

const defaultElsewhereTemplate = `Subject: Your staff travel account

Hello{{if .FirstName}} {{.FirstName}}{{end}},

Someone, perhaps you, asked to register for staff travel with this address
({{.Email}}). The details given belong to an employee who already has a
staff travel account, under another address.

Sign in with that address. If it is not yours, or you no longer have it,
ask your staff travel office: once your employer's list gives your own
address, the account moves to it and a link to choose your password is
sent there.

If you did not ask for this, ignore this message: nothing has changed.
`

const defaultRefusedTemplate = `Subject: Your staff travel registration

Hello,

Someone, perhaps you, asked to register for staff travel with this address
({{.Email}}), but the details given do not match an employee of your
airline's list who may register. Every field must be as your employer
recorded it, and when the list holds your email address, register with that
one. Check the details and try again, or ask your staff travel office.

If you did not ask for this, ignore this message: no account was made.
`

type mailTemplate struct {
	name string
	tpl  *template.Template
	// linked says the message carries the one-time link: the template
	// must show it.
	linked bool
}

// DefaultMailTemplates returns the built-in English texts.
func DefaultMailTemplates() *MailTemplates {
	t, err := ParseMailTemplates(nil)
	if err != nil {
		panic("staffid: built-in mail templates: " + err.Error())
	}
	return t
}

// ParseMailTemplates reads the message templates a deployment supplies
// in fsys (the *TemplateFile names); a file that is
// absent, or a nil fsys, keeps the built-in text. Each template is checked
// by rendering it with sample data, so a mistake shows at start, not when
// the first employee registers.
func ParseMailTemplates(fsys fs.FS) (*MailTemplates, error) {
	load := func(file, def string, linked bool) (*mailTemplate, error) {
		text := def
		if fsys != nil {
			b, err := fs.ReadFile(fsys, file)
			switch {
			case err == nil:
				text = string(b)
			case !errors.Is(err, fs.ErrNotExist):
				return nil, fmt.Errorf("mail template %s: %w", file, err)
			}
		}
		tpl, err := template.New(file).Option("missingkey=error").Parse(text)
		if err != nil {
			return nil, bookingkit.Invalid(file, "", "a text/template: "+err.Error())
		}
		mt := &mailTemplate{name: file, tpl: tpl, linked: linked}
		sample := MailData{FirstName: "Anna", FullName: "Petrova Anna", Email: "anna@example.com"}
		if linked {
			sample.Link, sample.ValidFor = "https://example.com/x", "24 hours"
		}
		if _, err := mt.render(sample); err != nil {
			return nil, err
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

// render executes the template and splits the subject from the body.
func (t *mailTemplate) render(d MailData) (account.Message, error) {
	var b bytes.Buffer
	if err := t.tpl.Execute(&b, d); err != nil {
		return account.Message{}, bookingkit.Invalid(t.name, "", "a template that renders: "+err.Error())
	}
	link := ""
	if t.linked {
		link = d.Link
	}
	return account.ParseMessage(t.name, b.String(), link)
}
