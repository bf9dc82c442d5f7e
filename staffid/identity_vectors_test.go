package staffid

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// vectorPerson builds a Person from a test vector's record: text fields as
// they are, dates in DD.MM.YYYY.
func vectorPerson(rec map[string]string) (Person, error) {
	var p Person
	for name, v := range rec {
		f, ok := fieldByExactName[name]
		if !ok {
			return p, fmt.Errorf("unknown field %q", name)
		}
		switch f {
		case fieldBirthDay, fieldDateOfEmployment:
			d, err := ParseDate(v)
			if err != nil {
				return p, err
			}
			if f == fieldBirthDay {
				p.BirthDay = d
			} else {
				p.DateOfEmployment = d
			}
		case fieldGUID:
			p.GUID = v
		case fieldLastName:
			p.LastName = v
		case fieldFirstName:
			p.FirstName = v
		case fieldMiddleName:
			p.MiddleName = v
		case fieldLastNameEng:
			p.LastNameEng = v
		case fieldFirstNameEng:
			p.FirstNameEng = v
		case fieldMiddleNameEng:
			p.MiddleNameEng = v
		case fieldSex:
			p.Sex = v
		case fieldEmployeeID:
			p.EmployeeID = v
		case fieldEmail:
			p.Email = v
		default:
			return p, fmt.Errorf("field %s cannot be part of an identity", name)
		}
	}
	return p, nil
}

// The test vectors of docs/identity-hash.md are read from the document
// itself, so the document and the code cannot drift apart.
func TestIdentityHashDocumentVectors(t *testing.T) {
	doc, err := os.ReadFile("../docs/identity-hash.md")
	require.NoError(t, err)
	const start, end = "```json vectors\n", "```\n"
	i := bytes.Index(doc, []byte(start))
	require.GreaterOrEqual(t, i, 0, "the document has a ```json vectors block")
	block := doc[i+len(start):]
	block = block[:bytes.Index(block, []byte(end))]

	var vectors []struct {
		IdentityFields []string          `json:"identity_fields"`
		Record         map[string]string `json:"record"`
		Message        string            `json:"message"`
		ID             string            `json:"id"`
	}
	dec := json.NewDecoder(bytes.NewReader(block))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&vectors))
	require.GreaterOrEqual(t, len(vectors), 10)
	for _, v := range vectors {
		p, err := vectorPerson(v.Record)
		require.NoError(t, err)
		require.NoError(t, Config{IdentityFields: v.IdentityFields}.Validate())
		h := newIdentityHasher(v.IdentityFields)
		require.Equal(t, v.Message, h.canonical(&p), "message of %v", v.Record)
		require.Equal(t, v.ID, h.id(&p), "ID of %v", v.Record)
		require.Equal(t, v.ID, IdentityID(Config{IdentityFields: v.IdentityFields}, p))
	}
}
