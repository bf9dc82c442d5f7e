package staffid

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strings"
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
// ([MovedTemplateFile]). Each is a text/template that renders, from a
// [MailData], a "Subject: …" line, an empty line, and the body. Build them
// with [ParseMailTemplates] or [DefaultMailTemplates].
type MailTemplates struct {
	register *mailTemplate
	reset    *mailTemplate
	moved    *mailTemplate
}

// Names of the template files [ParseMailTemplates] reads.
const (
	RegisterTemplateFile = "staff_register.txt"
	ResetTemplateFile    = "staff_reset.txt"
	MovedTemplateFile    = "staff_moved.txt"
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

type mailTemplate struct {
	name string
	tpl  *template.Template
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
// in fsys ([RegisterTemplateFile], [ResetTemplateFile],
// [MovedTemplateFile]); a file that is
// absent, or a nil fsys, keeps the built-in text. Each template is checked
// by rendering it with sample data, so a mistake shows at start, not when
// the first employee registers.
func ParseMailTemplates(fsys fs.FS) (*MailTemplates, error) {
	load := func(file, def string) (*mailTemplate, error) {
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
		mt := &mailTemplate{name: file, tpl: tpl}
		if _, err := mt.render(MailData{FirstName: "Anna", FullName: "Petrova Anna", Email: "anna@example.com", Link: "https://example.com/x", ValidFor: "24 hours"}); err != nil {
			return nil, err
		}
		return mt, nil
	}
	reg, err := load(RegisterTemplateFile, defaultRegisterTemplate)
	if err != nil {
		return nil, err
	}
	reset, err := load(ResetTemplateFile, defaultResetTemplate)
	if err != nil {
		return nil, err
	}
	moved, err := load(MovedTemplateFile, defaultMovedTemplate)
	if err != nil {
		return nil, err
	}
	return &MailTemplates{register: reg, reset: reset, moved: moved}, nil
}

// render executes the template and splits the subject from the body.
func (t *mailTemplate) render(d MailData) (account.Message, error) {
	var b bytes.Buffer
	if err := t.tpl.Execute(&b, d); err != nil {
		return account.Message{}, bookingkit.Invalid(t.name, "", "a template that renders: "+err.Error())
	}
	text := strings.ReplaceAll(b.String(), "\r\n", "\n")
	head, body, ok := strings.Cut(text, "\n\n")
	subject, isSubject := strings.CutPrefix(head, "Subject:")
	if !ok || !isSubject || strings.Contains(head, "\n") {
		return account.Message{}, bookingkit.Invalid(t.name, "", `a first line "Subject: …", then an empty line, then the body`)
	}
	subject = strings.TrimSpace(subject)
	if subject == "" || strings.TrimSpace(body) == "" {
		return account.Message{}, bookingkit.Invalid(t.name, "", "a non-empty subject and body")
	}
	if !strings.Contains(body, d.Link) {
		return account.Message{}, bookingkit.Invalid(t.name, "", "a body that shows the link ({{.Link}})")
	}
	return account.Message{Subject: subject, Body: body}, nil
}
