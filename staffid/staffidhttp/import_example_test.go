package staffidhttp_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidhttp"
	"github.com/bookingkit/bookingkit/storage/memory"
)

// An engine takes only the airline's upload endpoint: it mounts that one
// route under its own prefix "/hr" on its own mux, over storage/memory's
// staffid store (or its own), and the airline uploads a list of two
// people, an employee and his wife, with the import token.
func ExampleImportHandler_UploadRoutes() {
	importer, err := staffid.NewImporter(staffid.Config{}, memory.New().Stores().StaffID)
	if err != nil {
		panic(err)
	}
	imports, err := staffidhttp.NewImportHandler(importer, staffidhttp.ImportOptions{
		Auth:   staffidhttp.NewImportToken("token-the-airline-knows"),
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux() // the engine's own, with its own routes
	upload := httpapi.WithPrefix("/hr", imports.UploadRoutes())
	httpapi.Mount(mux, upload)
	engine := httptest.NewServer(httpapi.LimitBodies(mux, 1<<20, httpapi.BodyLimits(upload), mux))
	defer engine.Close()

	list := `[
	  {"LastName": "Lennon", "FirstName": "John", "LastNameEng": "Lennon", "FirstNameEng": "John",
	   "BirthDay": "09.10.1940", "Sex": "M", "DateOfEmployment": "01.06.1962", "EmployeeID": 884220062,
	   "IsEmployee": 1, "CategoryCode": 5},
	  {"LastName": "Ono", "FirstName": "Yoko", "LastNameEng": "Ono", "FirstNameEng": "Yoko",
	   "BirthDay": "18.02.1933", "Sex": "F", "EmployeeID": 884220062, "IsEmployee": 0, "CategoryCode": 1,
	   "RelationDegree": "wife"}
	]`
	req, err := http.NewRequest(http.MethodPost, engine.URL+"/hr/api__airline_employee_upload", strings.NewReader(list))
	if err != nil {
		panic(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer token-the-airline-knows")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	report, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode)
	fmt.Print(string(report))
	// Output:
	// 200
	// {"status":"Ok","input_records_count":2,"imported_total":2,"employees_imported":1,"companions_imported":1,"invalid_records":[],"created":2,"updated":0,"unchanged":0,"blocked":0,"unblocked":0}
}
