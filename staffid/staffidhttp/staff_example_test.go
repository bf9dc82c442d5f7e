package staffidhttp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidhttp"
	"github.com/bookingkit/bookingkit/storage/memory"
)

// staffEngineSignIn is an engine's own sign-in as staffidhttp.Employees:
// its front door has already authenticated the employee and names them by
// personnel number in a header the engine sets itself.
type staffEngineSignIn struct{ people staffid.PeopleStore }

func (s staffEngineSignIn) Employee(r *http.Request) (staffid.SignedIn, error) {
	group, err := s.people.GroupPeople(r.Context(), r.Header.Get("X-Engine-Employee"))
	if err != nil {
		return staffid.SignedIn{}, err
	}
	for _, p := range group {
		if p.IsEmployee && !p.Blocked {
			return staffid.SignedIn{Employee: p, Account: account.Account{Email: p.Email}}, nil
		}
	}
	return staffid.SignedIn{}, fmt.Errorf("not an employee on the list: %w", bookingkit.ErrUnauthorized)
}

// An engine with its own sign-in mounts the employees' cabinet under
// "/travel" (and not bookingkit's own sign-in routes), and lists the
// signed-in employee's passengers.
func ExampleStaffHandler() {
	ctx := context.Background()
	stores := memory.New().Stores()
	cfg := staffid.Config{}
	importer, _ := staffid.NewImporter(cfg, stores.StaffID)
	list := `[
	  {"LastName": "Леннон", "FirstName": "Джон", "LastNameEng": "Lennon", "FirstNameEng": "John", "BirthDay": "09.10.1940",
	   "Sex": "M", "DateOfEmployment": "09.11.1980", "EmployeeID": 884220062, "IsEmployee": 1, "CategoryCode": 5,
	   "Email": "it@websky.tech"},
	  {"LastName": "Оно", "FirstName": "Йоко", "LastNameEng": "Ono", "FirstNameEng": "Yoko", "BirthDay": "18.02.1933",
	   "Sex": "F", "EmployeeID": 884220062, "IsEmployee": 0, "CategoryCode": 1, "RelationDegree": "wife"}
	]`
	if _, err := importer.Import(ctx, strings.NewReader(list), staffid.FormatJSON, staffid.ImportOptions{}); err != nil {
		panic(err)
	}

	// No standby fares here, so no standby queue.
	bookings, err := staffid.NewBookings(cfg, stores.StaffID, stores.StaffBookings, nil)
	if err != nil {
		panic(err)
	}
	cabinet, err := staffidhttp.NewStaffHandler(bookings, staffEngineSignIn{stores.StaffID}, staffidhttp.StaffOptions{})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	httpapi.Mount(mux, httpapi.WithPrefix("/travel", cabinet.Routes()))

	get := func(employee string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", "/travel/api/staff/passengers", nil)
		r.Header.Set("X-Engine-Employee", employee)
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		return w
	}
	w := get("884220062")
	var out struct {
		Passengers []struct {
			FirstNameEng   string `json:"first_name_eng"`
			LastNameEng    string `json:"last_name_eng"`
			IsEmployee     bool   `json:"is_employee"`
			RelationDegree string `json:"relation_degree"`
		} `json:"passengers"`
	}
	if err := json.NewDecoder(w.Body).Decode(&out); err != nil {
		panic(err)
	}
	fmt.Println(w.Code)
	for _, p := range out.Passengers {
		fmt.Printf("%s %s (employee %v, %q)\n", p.FirstNameEng, p.LastNameEng, p.IsEmployee, p.RelationDegree)
	}
	fmt.Println(get("100").Code)
	// Output:
	// 200
	// John Lennon (employee true, "")
	// Yoko Ono (employee false, "wife")
	// 401
}
