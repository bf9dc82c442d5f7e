package partner

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"text/template"
	"time"

	"github.com/bookingkit/bookingkit"
)

// Contract is the document generated from an instance's data when it is
// provisioned: what the partner reads before generating the instance. Its
// SHA-256 digest is kept with it, so what was agreed can be proven later.
type Contract struct {
	Text        string
	SHA256      string // hex of the SHA-256 of Text
	GeneratedAt time.Time
}

// IsZero reports whether no contract has been generated.
func (c Contract) IsZero() bool { return c.Text == "" && c.SHA256 == "" }

// Verify checks that Text still has the recorded digest. A mismatch means
// the stored contract was changed after it was generated.
func (c Contract) Verify() error {
	if c.IsZero() {
		return fmt.Errorf("partner: no contract: %w", bookingkit.ErrNotFound)
	}
	if Digest(c.Text) != c.SHA256 {
		return fmt.Errorf("partner: contract text does not match its digest %s: %w", c.SHA256, bookingkit.ErrConflict)
	}
	return nil
}

// Digest returns the hex SHA-256 of text: the digest kept with a contract.
func Digest(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// ContractData is what a contract template is executed with.
type ContractData struct {
	Partner     Partner
	Company     Company
	Type        TypeSpec
	Profile     Profile // zero for a type without profiles
	Instance    Instance
	CompanyData []LabeledValue // in the type's field order
	Config      []LabeledValue // in the type's field order
	At          time.Time      // when it is generated
	ActorID     string         // who provisioned
}

// LabeledValue is one field of company data or configuration, for display.
type LabeledValue struct {
	Name, Label, Value string
}

func labeled(fields []Field, values map[string]string) []LabeledValue {
	out := make([]LabeledValue, 0, len(values))
	for _, f := range fields {
		if v, ok := values[f.Name]; ok {
			out = append(out, LabeledValue{Name: f.Name, Label: f.Label, Value: v})
		}
	}
	return out
}

// DefaultContractTemplate is the plain-text contract used when
// [Service.ContractTemplate] is nil. Its wording is a placeholder for the
// vendor's own terms; keep whatever template you use deterministic (no
// map ranges, no clock reads) so that the same data gives the same digest.
var DefaultContractTemplate = template.Must(template.New("contract").Option("missingkey=error").Parse(
	`SERVICE CONTRACT {{.Instance.ID}}

Vendor partner: {{.Partner.Name}} ({{.Partner.ID}})
Customer:       {{.Company.Name}} ({{.Company.ID}})
Product:        {{.Type.Title}} ({{.Type.Name}}){{if .Profile.Name}}, profile {{.Profile.Title}}{{end}}
Valid until:    {{.Instance.ExpiresAt.Format "2006-01-02 15:04 MST"}}

Customer data
{{range .CompanyData}}  {{.Label}}: {{.Value}}
{{end}}
Configuration
{{range .Config}}  {{.Label}}: {{.Value}}
{{end}}
The partner provides the product above to the customer under the vendor's
terms for partners, from the day the instance is generated until the date
above unless extended or deactivated earlier.

Generated {{.At.Format "2006-01-02 15:04:05 MST"}} by user {{.ActorID}}.
`))

// RenderContract executes tmpl (nil means [DefaultContractTemplate]) with
// data and returns the contract with its digest.
func RenderContract(tmpl *template.Template, data ContractData) (Contract, error) {
	if tmpl == nil {
		tmpl = DefaultContractTemplate
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, data); err != nil {
		return Contract{}, fmt.Errorf("partner: rendering the contract of instance %s: %w", data.Instance.ID, err)
	}
	text := buf.String()
	if text == "" {
		return Contract{}, fmt.Errorf("partner: the contract template of instance %s rendered nothing", data.Instance.ID)
	}
	return Contract{Text: text, SHA256: Digest(text), GeneratedAt: data.At}, nil
}
