package staffid_test

import (
	"testing"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/stretchr/testify/require"
)

func TestConfigDefaults(t *testing.T) {
	c := staffid.Config{}.WithDefaults()
	require.Equal(t, staffid.Config{
		GroupField:         "EmployeeID",
		IdentityFields:     []string{"BirthDay"},
		RegistrationFields: []string{"LastName", "FirstName", "BirthDay", "EmployeeID"},
		MassBlockThreshold: 0.30,
	}, c)
	require.NoError(t, staffid.Config{}.Validate())

	// Defaults are copies: changing one config does not change another.
	c.IdentityFields[0] = "Sex"
	require.Equal(t, []string{"BirthDay"}, staffid.Config{}.WithDefaults().IdentityFields)
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  staffid.Config
		want string // "" when valid
	}{
		{"GUID groups", staffid.Config{GroupField: "GUID"}, ""},
		{"everything set", staffid.Config{GroupField: "EmployeeID", IdentityFields: []string{"BirthDay", "Sex"}, RegistrationFields: []string{"EmployeeID", "BirthDay"}, StandbyPassengerTypes: []string{"ZED", "STB"}, AirlineCode: "U6", MassBlockThreshold: 1}, ""},
		{"unknown group field", staffid.Config{GroupField: "Email"}, `GroupField "Email": expected EmployeeID or GUID`},
		{"names are always in the identity", staffid.Config{IdentityFields: []string{"LastName"}}, `IdentityFields "LastName": expected one of BirthDay, Sex, GUID, EmployeeID, LastNameEng, FirstNameEng, MiddleNameEng, DateOfEmployment, Email`},
		{"identity field twice", staffid.Config{IdentityFields: []string{"BirthDay", "BirthDay"}}, `IdentityFields "BirthDay": listed twice`},
		{"unknown registration field", staffid.Config{RegistrationFields: []string{"Birthday"}}, `RegistrationFields "Birthday": expected one of GUID, LastName, FirstName, MiddleName, LastNameEng, FirstNameEng, MiddleNameEng, BirthDay, Sex, DateOfEmployment, EmployeeID`},
		{"passenger type", staffid.Config{StandbyPassengerTypes: []string{"zed"}}, `StandbyPassengerTypes "zed": expected a three-character passenger type code of capital letters and digits, like ZED`},
		{"passenger type twice", staffid.Config{StandbyPassengerTypes: []string{"ZED", "ZED"}}, `StandbyPassengerTypes "ZED": listed twice`},
		{"airline code", staffid.Config{AirlineCode: "SVO"}, `AirlineCode "SVO": expected a two-character IATA airline code of capital letters and digits, like SU or U6`},
		{"airline code of digits", staffid.Config{AirlineCode: "12"}, `AirlineCode "12": expected a two-character IATA airline code of capital letters and digits, like SU or U6`},
		{"threshold above 1", staffid.Config{MassBlockThreshold: 1.5}, `MassBlockThreshold "1.5": expected a share greater than 0 and at most 1, like 0.3`},
		{"negative threshold", staffid.Config{MassBlockThreshold: -0.1}, `MassBlockThreshold "-0.1": expected a share greater than 0 and at most 1, like 0.3`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tt.want)
			require.ErrorIs(t, err, bookingkit.ErrInvalid)
			_, err = staffid.NewImporter(tt.cfg, nil)
			require.EqualError(t, err, tt.want)
		})
	}
}
