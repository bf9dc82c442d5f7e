package mogu_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/mogu"
)

// TestDecideSeed walks every case the seed describes, in its order: a B2C
// booking; a B2B booking whose contact email is the traveller's ("as in
// B2C"); a B2B booking carrying the agent's email. For each: no app, app
// signed out, app signed in (all three scanning), and signed in without
// scanning.
func TestDecideSeed(t *testing.T) {
	const traveller = "ana@example.com"
	const agent = "agent@agency.example"
	b2c := mogu.Booking{ID: "B1", Channel: mogu.B2C, ContactEmail: traveller, MicrositeID: "main"}
	b2bTraveller := mogu.Booking{ID: "B2", Channel: mogu.B2B, ContactEmail: traveller, AgentEmail: agent, AgencyID: "AG1", MicrositeID: "main"}
	b2bAgent := mogu.Booking{ID: "B3", Channel: mogu.B2B, ContactEmail: agent, AgentEmail: agent, AgencyID: "AG1", MicrositeID: "main"}

	noApp := mogu.Viewer{HasApp: false, Email: traveller} // the email they will register with
	signedOut := mogu.Viewer{HasApp: true, SignedIn: false, Email: traveller}
	signedIn := mogu.Viewer{HasApp: true, SignedIn: true, Email: traveller}

	storeRegisterOpen := []mogu.Step{mogu.StepStore, mogu.StepRegister, mogu.StepOpenTrip}
	signInOpen := []mogu.Step{mogu.StepSignIn, mogu.StepOpenTrip}
	open := []mogu.Step{mogu.StepOpenTrip}

	tests := []struct {
		name    string
		b       mogu.Booking
		v       mogu.Viewer
		scanned bool
		want    mogu.Outcome
	}{
		// B2C: "the traveller always puts their own email as contact".
		{"B2C/no app: store, register, trip opens", b2c, noApp, true,
			mogu.Outcome{Steps: storeRegisterOpen, Link: mogu.LinkByEmail, Listed: true}},
		{"B2C/app signed out: sign in, trip opens", b2c, signedOut, true,
			mogu.Outcome{Steps: signInOpen, Link: mogu.LinkByEmail, Listed: true}},
		{"B2C/app signed in: trip opens at once", b2c, signedIn, true,
			mogu.Outcome{Steps: open, Link: mogu.LinkByEmail, Listed: true}},
		{"B2C/signed in, not scanned: listed in upcoming trips", b2c, signedIn, false,
			mogu.Outcome{Link: mogu.LinkByEmail, Listed: true}},

		// B2B with the traveller's email: "as explained for B2C".
		{"B2B traveller email/no app", b2bTraveller, noApp, true,
			mogu.Outcome{Steps: storeRegisterOpen, Link: mogu.LinkByEmail, Listed: true}},
		{"B2B traveller email/app signed out", b2bTraveller, signedOut, true,
			mogu.Outcome{Steps: signInOpen, Link: mogu.LinkByEmail, Listed: true}},
		{"B2B traveller email/app signed in", b2bTraveller, signedIn, true,
			mogu.Outcome{Steps: open, Link: mogu.LinkByEmail, Listed: true}},
		{"B2B traveller email/signed in, not scanned: listed", b2bTraveller, signedIn, false,
			mogu.Outcome{Link: mogu.LinkByEmail, Listed: true}},

		// B2B with the agent's email: the QR is the proof.
		{"B2B agent email/no app: store, register, linked as traveller", b2bAgent, noApp, true,
			mogu.Outcome{Steps: storeRegisterOpen, Link: mogu.LinkAsTraveler, Listed: true}},
		{"B2B agent email/app signed out: sign in, linked as traveller", b2bAgent, signedOut, true,
			mogu.Outcome{Steps: signInOpen, Link: mogu.LinkAsTraveler, Listed: true}},
		{"B2B agent email/app signed in: linked automatically", b2bAgent, signedIn, true,
			mogu.Outcome{Steps: open, Link: mogu.LinkAsTraveler, Listed: true}},
		{"B2B agent email/signed in, not scanned: nothing, must scan", b2bAgent, signedIn, false,
			mogu.Outcome{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mogu.Decide(tt.b, tt.v, tt.scanned)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Decide (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDecideEdges covers what the seed implies but does not spell out.
func TestDecideEdges(t *testing.T) {
	b2c := mogu.Booking{ID: "B1", Channel: mogu.B2C, ContactEmail: "  Ana@Example.COM ", MicrositeID: "main"}
	b2bAgent := mogu.Booking{ID: "B3", Channel: mogu.B2B, ContactEmail: "Agent@Agency.example", AgentEmail: "agent@agency.EXAMPLE ", AgencyID: "AG1"}
	b2bNoAgent := mogu.Booking{ID: "B4", Channel: mogu.B2B, ContactEmail: "ana@example.com"}
	tests := []struct {
		name    string
		b       mogu.Booking
		v       mogu.Viewer
		scanned bool
		want    mogu.Outcome
	}{
		{"emails compare case-insensitively and trimmed", b2c, mogu.Viewer{HasApp: true, SignedIn: true, Email: "ana@EXAMPLE.com"}, false,
			mogu.Outcome{Link: mogu.LinkByEmail, Listed: true}},
		{"agent email recognised whatever its case", b2bAgent, mogu.Viewer{HasApp: true, SignedIn: true, Email: "AGENT@agency.example"}, false,
			mogu.Outcome{}},
		{"the agent scanning would be linked as traveller, not by email", b2bAgent, mogu.Viewer{HasApp: true, SignedIn: true, Email: "agent@agency.example"}, true,
			mogu.Outcome{Steps: []mogu.Step{mogu.StepOpenTrip}, Link: mogu.LinkAsTraveler, Listed: true}},
		{"B2C, other email, scanned: linked as traveller", b2c, mogu.Viewer{HasApp: true, SignedIn: true, Email: "bob@example.com"}, true,
			mogu.Outcome{Steps: []mogu.Step{mogu.StepOpenTrip}, Link: mogu.LinkAsTraveler, Listed: true}},
		{"B2C, other email, not scanned: nothing", b2c, mogu.Viewer{HasApp: true, SignedIn: true, Email: "bob@example.com"}, false,
			mogu.Outcome{}},
		{"B2C, signed out, not scanned: nothing", b2c, mogu.Viewer{HasApp: true, Email: "ana@example.com"}, false,
			mogu.Outcome{}},
		{"B2C, no app, not scanned: nothing", b2c, mogu.Viewer{Email: "ana@example.com"}, false,
			mogu.Outcome{}},
		{"without the app nobody is signed in", b2c, mogu.Viewer{HasApp: false, SignedIn: true, Email: "ana@example.com"}, false,
			mogu.Outcome{}},
		{"without the app, SignedIn is ignored when scanning", b2c, mogu.Viewer{HasApp: false, SignedIn: true, Email: "ana@example.com"}, true,
			mogu.Outcome{Steps: []mogu.Step{mogu.StepStore, mogu.StepRegister, mogu.StepOpenTrip}, Link: mogu.LinkByEmail, Listed: true}},
		{"empty emails match nothing", mogu.Booking{ID: "B5", Channel: mogu.B2C}, mogu.Viewer{HasApp: true, SignedIn: true}, false,
			mogu.Outcome{}},
		{"B2B without agent email: contact counts as the traveller's", b2bNoAgent, mogu.Viewer{HasApp: true, SignedIn: true, Email: "ana@example.com"}, false,
			mogu.Outcome{Link: mogu.LinkByEmail, Listed: true}},
		{"unknown channel is never listed by email", mogu.Booking{ID: "B6", ContactEmail: "ana@example.com"}, mogu.Viewer{HasApp: true, SignedIn: true, Email: "ana@example.com"}, false,
			mogu.Outcome{}},
		{"unknown channel scanned: linked as traveller", mogu.Booking{ID: "B6", ContactEmail: "ana@example.com"}, mogu.Viewer{HasApp: true, SignedIn: true, Email: "ana@example.com"}, true,
			mogu.Outcome{Steps: []mogu.Step{mogu.StepOpenTrip}, Link: mogu.LinkAsTraveler, Listed: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mogu.Decide(tt.b, tt.v, tt.scanned)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Decide (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDecideInvariants checks, over every combination of inputs, the
// properties the rules promise whatever the case.
func TestDecideInvariants(t *testing.T) {
	emails := []string{"", "ana@example.com", "ANA@example.com", "agent@agency.example", "bob@example.com"}
	for _, ch := range []mogu.Channel{0, mogu.B2C, mogu.B2B, 7} {
		for _, contact := range emails {
			for _, agentEmail := range emails {
				b := mogu.Booking{ID: "B", Channel: ch, ContactEmail: contact, AgentEmail: agentEmail}
				for _, email := range emails {
					for _, hasApp := range []bool{false, true} {
						for _, signedIn := range []bool{false, true} {
							for _, scanned := range []bool{false, true} {
								v := mogu.Viewer{HasApp: hasApp, SignedIn: signedIn, Email: email}
								o := mogu.Decide(b, v, scanned)
								require.True(t, o.Link.Valid())
								require.Equal(t, o.Link != mogu.LinkNone, o.Listed, "listed exactly when linked: %+v %+v %v", b, v, scanned)
								if scanned {
									require.True(t, o.Listed, "a scan always links")
									require.Equal(t, mogu.StepOpenTrip, o.Steps[len(o.Steps)-1], "a scan ends with the trip open")
								} else {
									require.Empty(t, o.Steps, "no scan, no screens")
								}
								if ch == mogu.B2B && mogu.SameEmail(contact, agentEmail) {
									require.NotEqual(t, mogu.LinkByEmail, o.Link, "the agent's email never links by email")
									if !scanned {
										require.False(t, o.Listed, "a B2B booking with the agent's email is listed only after a scan")
									}
								}
							}
						}
					}
				}
			}
		}
	}
}

func TestSameEmail(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"a@x.io", "a@x.io", true},
		{" A@X.io\t", "a@x.IO", true},
		{"a@x.io", "b@x.io", false},
		{"", "", false},
		{" ", "", false},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, mogu.SameEmail(tt.a, tt.b), "%q vs %q", tt.a, tt.b)
	}
}
