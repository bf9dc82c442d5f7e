package staffid

import "strings"

// field identifies one column of the employee list. The list's own field
// names (GUID, LastName, ...) are the public vocabulary: Config and error
// messages use them; field is only the decoder's index.
type field uint8

const (
	fieldGUID field = iota
	fieldLastName
	fieldFirstName
	fieldMiddleName
	fieldLastNameEng
	fieldFirstNameEng
	fieldMiddleNameEng
	fieldBirthDay
	fieldSex
	fieldDateOfEmployment
	fieldEmployeeID
	fieldIsEmployee
	fieldCategoryCode
	fieldEmail
	fieldRelationDegree
	numFields
)

// Field names as the list spells them.
const (
	FieldGUID             = "GUID"
	FieldLastName         = "LastName"
	FieldFirstName        = "FirstName"
	FieldMiddleName       = "MiddleName"
	FieldLastNameEng      = "LastNameEng"
	FieldFirstNameEng     = "FirstNameEng"
	FieldMiddleNameEng    = "MiddleNameEng"
	FieldBirthDay         = "BirthDay"
	FieldSex              = "Sex"
	FieldDateOfEmployment = "DateOfEmployment"
	FieldEmployeeID       = "EmployeeID"
	FieldIsEmployee       = "IsEmployee"
	FieldCategoryCode     = "CategoryCode"
	FieldEmail            = "Email"
	FieldRelationDegree   = "RelationDegree"
)

var fieldNames = [numFields]string{
	fieldGUID:             FieldGUID,
	fieldLastName:         FieldLastName,
	fieldFirstName:        FieldFirstName,
	fieldMiddleName:       FieldMiddleName,
	fieldLastNameEng:      FieldLastNameEng,
	fieldFirstNameEng:     FieldFirstNameEng,
	fieldMiddleNameEng:    FieldMiddleNameEng,
	fieldBirthDay:         FieldBirthDay,
	fieldSex:              FieldSex,
	fieldDateOfEmployment: FieldDateOfEmployment,
	fieldEmployeeID:       FieldEmployeeID,
	fieldIsEmployee:       FieldIsEmployee,
	fieldCategoryCode:     FieldCategoryCode,
	fieldEmail:            FieldEmail,
	fieldRelationDegree:   FieldRelationDegree,
}

var fieldByExactName = func() map[string]field {
	m := make(map[string]field, numFields)
	for f, name := range fieldNames {
		m[name] = field(f)
	}
	return m
}()

func (f field) String() string { return fieldNames[f] }

// lookupField finds a field by its name. Names match case-insensitively,
// with Unicode's simple case folding as encoding/json matches struct
// fields: "birthday" and "BIRTHDAY" are BirthDay, and so is "ſex" (long
// s) Sex, which a record must then not hold twice. (Compared bytewise,
// "ſex" was an unknown field, and {"Sex":"M","ſex":"F"} silently took the
// first.) The exact spelling is tried first because it is the common case
// and costs no allocation.
func lookupField(name []byte) (field, bool) {
	if f, ok := fieldByExactName[string(name)]; ok {
		return f, true
	}
	if len(name) > 3*maxFieldNameLen {
		return 0, false // no folding of a field name is that long
	}
	for f, n := range fieldNames {
		if strings.EqualFold(n, string(name)) {
			return field(f), true
		}
	}
	return 0, false
}

// maxFieldNameLen is the length of the longest field name.
const maxFieldNameLen = len(FieldDateOfEmployment)

// fieldSet is a set of fields, one bit each.
type fieldSet uint32

func (s fieldSet) has(f field) bool      { return s&(1<<f) != 0 }
func (s *fieldSet) add(f field)          { *s |= 1 << f }
func (s fieldSet) with(f field) fieldSet { return s | 1<<f }
