package staffid

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bookingkit/bookingkit"
)

// Defaults of [Config].
const (
	DefaultGroupField         = FieldEmployeeID
	DefaultMassBlockThreshold = 0.30
)

// DefaultIdentityFields and DefaultRegistrationFields are used when
// [Config] leaves the lists empty.
var (
	DefaultIdentityFields     = []string{FieldBirthDay}
	DefaultRegistrationFields = []string{FieldLastName, FieldFirstName, FieldBirthDay, FieldEmployeeID}
)

// Config holds one airline deployment's settings of the module. The zero
// Config is usable: [Config.WithDefaults] fills what is left empty.
type Config struct {
	// GroupField names the field whose equal value ties companions to
	// their employee: "EmployeeID" (default) or "GUID". Every record must
	// carry it.
	GroupField string `json:"group_field,omitempty"`

	// IdentityFields name the fields that, with the native full name
	// (LastName, FirstName, MiddleName), make a person unique, so that full
	// namesakes are told apart (default: BirthDay). Every record must carry
	// them. Changing this list changes every person's ID: the next import
	// then sees everyone as new and the mass-block guard refuses it unless
	// forced.
	IdentityFields []string `json:"identity_fields,omitempty"`

	// RegistrationFields name the fields an employee types to register;
	// each must match the list. Every employee record must carry them.
	RegistrationFields []string `json:"registration_fields,omitempty"`

	// StandbyPassengerTypes are the passenger type codes (e.g. "ZED",
	// "STB") that mark a fare as a standby fare.
	StandbyPassengerTypes []string `json:"standby_passenger_types,omitempty"`

	// AirlineCode is the IATA code of the airline that employs the imported
	// people (e.g. "SU", "U6"). Its employees go first in the standby queue
	// of its own flights.
	AirlineCode string `json:"airline_code,omitempty"`

	// MassBlockThreshold is the largest share of the active people one
	// import may block without being forced (default 0.30). It must lie in
	// (0, 1]; 1 turns the share check off (an empty list is still refused).
	MassBlockThreshold float64 `json:"mass_block_threshold,omitempty"`
}

// WithDefaults returns c with every empty setting replaced by its default.
func (c Config) WithDefaults() Config {
	if c.GroupField == "" {
		c.GroupField = DefaultGroupField
	}
	if len(c.IdentityFields) == 0 {
		c.IdentityFields = slices.Clone(DefaultIdentityFields)
	}
	if len(c.RegistrationFields) == 0 {
		c.RegistrationFields = slices.Clone(DefaultRegistrationFields)
	}
	if c.MassBlockThreshold == 0 {
		c.MassBlockThreshold = DefaultMassBlockThreshold
	}
	return c
}

// Fields that may serve as identity fields: any field of the list except
// the native names (always part of the identity) and the ones whose change
// must not turn a person into someone new.
var identityFieldChoices = []string{
	FieldBirthDay, FieldSex, FieldGUID, FieldEmployeeID, FieldLastNameEng,
	FieldFirstNameEng, FieldMiddleNameEng, FieldDateOfEmployment, FieldEmail,
}

// Fields an employee may be asked at registration. Email is asked anyway.
var registrationFieldChoices = []string{
	FieldGUID, FieldLastName, FieldFirstName, FieldMiddleName, FieldLastNameEng,
	FieldFirstNameEng, FieldMiddleNameEng, FieldBirthDay, FieldSex,
	FieldDateOfEmployment, FieldEmployeeID,
}

// Validate checks c after [Config.WithDefaults]; an unset setting is not an
// error. The error is a *bookingkit.ValidationError naming the setting.
func (c Config) Validate() error {
	c = c.WithDefaults()
	if c.GroupField != FieldEmployeeID && c.GroupField != FieldGUID {
		return bookingkit.Invalid("GroupField", c.GroupField, "expected EmployeeID or GUID")
	}
	if err := checkFieldList("IdentityFields", c.IdentityFields, identityFieldChoices); err != nil {
		return err
	}
	if err := checkFieldList("RegistrationFields", c.RegistrationFields, registrationFieldChoices); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, t := range c.StandbyPassengerTypes {
		if len(t) != 3 || !isUpperAlnum(t) {
			return bookingkit.Invalid("StandbyPassengerTypes", t, "expected a three-character passenger type code of capital letters and digits, like ZED")
		}
		if seen[t] {
			return bookingkit.Invalid("StandbyPassengerTypes", t, "listed twice")
		}
		seen[t] = true
	}
	if c.AirlineCode != "" && (len(c.AirlineCode) != 2 || !isUpperAlnum(c.AirlineCode) || strings.Trim(c.AirlineCode, "0123456789") == "") {
		return bookingkit.Invalid("AirlineCode", c.AirlineCode, "expected a two-character IATA airline code of capital letters and digits, like SU or U6")
	}
	if !(c.MassBlockThreshold > 0 && c.MassBlockThreshold <= 1) {
		return bookingkit.Invalid("MassBlockThreshold", fmt.Sprint(c.MassBlockThreshold), "expected a share greater than 0 and at most 1, like 0.3")
	}
	return nil
}

func checkFieldList(setting string, names, choices []string) error {
	for i, name := range names {
		if !slices.Contains(choices, name) {
			return bookingkit.Invalid(setting, name, "expected one of "+strings.Join(choices, ", "))
		}
		if slices.Contains(names[:i], name) {
			return bookingkit.Invalid(setting, name, "listed twice")
		}
	}
	return nil
}

func isUpperAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if !(s[i] >= 'A' && s[i] <= 'Z' || s[i] >= '0' && s[i] <= '9') {
			return false
		}
	}
	return true
}

// fieldsOf converts field names checked by Validate into a fieldSet.
func fieldsOf(names []string) fieldSet {
	var s fieldSet
	for _, n := range names {
		if f, ok := fieldByExactName[n]; ok {
			s.add(f)
		}
	}
	return s
}
