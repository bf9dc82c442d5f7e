package staffid_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/storage/memory"
)

// A list with a bad date is refused as a whole; the report names the
// record as sent and what is wrong with it.
func ExampleImporter_Validate() {
	list := `[
	  {"GUID": 0, "LastName": "Lennon", "FirstName": "John", "LastNameEng": "Lennon", "FirstNameEng": "John",
	   "BirthDay": "09.11.1940", "Sex": "M", "DateOfEmployment": "09.11.1980", "EmployeeID": 884220062,
	   "IsEmployee": 1, "CategoryCode": 5},
	  {"GUID": 1, "LastName": "Yoko", "FirstName": "Ono", "LastNameEng": "Yoko", "FirstNameEng": "Ono",
	   "BirthDay": "18.32.1933", "Sex": "F", "EmployeeID": 884220062, "IsEmployee": 0, "CategoryCode": "1"}
	]`
	im, err := staffid.NewImporter(staffid.Config{}, nil)
	if err != nil {
		panic(err)
	}
	report, err := im.Validate(context.Background(), strings.NewReader(list), staffid.FormatJSON)
	fmt.Println(errors.Is(err, staffid.ErrInvalidRecords))

	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	enc.Encode(report)
	// Output:
	// true
	// {
	//   "status": "Error",
	//   "error_msg": "Has invalid records",
	//   "input_records_count": 2,
	//   "imported_total": 0,
	//   "employees_imported": 0,
	//   "companions_imported": 0,
	//   "invalid_records": [
	//     {
	//       "record": {
	//         "GUID": 1,
	//         "LastName": "Yoko",
	//         "FirstName": "Ono",
	//         "LastNameEng": "Yoko",
	//         "FirstNameEng": "Ono",
	//         "BirthDay": "18.32.1933",
	//         "Sex": "F",
	//         "EmployeeID": 884220062,
	//         "IsEmployee": 0,
	//         "CategoryCode": "1"
	//       },
	//       "error": "Invalid date 18.32.1933, the format is d.m.Y"
	//     }
	//   ]
	// }
}

// Importing twice: the second list drops a companion (blocked) and
// changes the employee's email (updated).
func ExampleImporter_Import() {
	store := memory.New().Stores().StaffID // or sqlite's, postgres's, an engine's own
	im, err := staffid.NewImporter(staffid.Config{MassBlockThreshold: 0.5}, store)
	if err != nil {
		panic(err)
	}
	im.Now = func() time.Time { return time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC) }

	employee := `{"LastName": "Иванов", "FirstName": "Иван", "MiddleName": "Петрович", "LastNameEng": "Ivanov",
	  "FirstNameEng": "Ivan", "BirthDay": "01.02.1970", "Sex": "M", "DateOfEmployment": "15.03.2001",
	  "EmployeeID": "E1001", "IsEmployee": 1, "CategoryCode": 2, "Email": %q}`
	wife := `{"LastName": "Иванова", "FirstName": "Мария", "LastNameEng": "Ivanova", "FirstNameEng": "Mariia",
	  "BirthDay": "05.06.1972", "Sex": "F", "EmployeeID": "E1001", "IsEmployee": 0, "CategoryCode": 2,
	  "RelationDegree": "жена"}`
	son := `{"LastName": "Иванов", "FirstName": "Пётр", "LastNameEng": "Ivanov", "FirstNameEng": "Petr",
	  "BirthDay": "07.08.2001", "Sex": "M", "EmployeeID": "E1001", "IsEmployee": 0, "CategoryCode": 2}`

	first := "[" + fmt.Sprintf(employee, "ivanov@airline.example") + "," + wife + "," + son + "]"
	report, err := im.Import(context.Background(), strings.NewReader(first), staffid.FormatJSON, staffid.ImportOptions{Source: staffid.SourceAPI})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s: %d employee, %d companions; created %d\n", report.Status, report.EmployeesImported, report.CompanionsImported, report.Created)

	second := "[" + fmt.Sprintf(employee, "i.ivanov@airline.example") + "," + wife + "]"
	report, err = im.Import(context.Background(), strings.NewReader(second), staffid.FormatJSON, staffid.ImportOptions{Source: staffid.SourceManual})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s: updated %d, unchanged %d, blocked %d\n", report.Status, report.Updated, report.Unchanged, report.Blocked)

	group, _ := store.GroupPeople(context.Background(), "E1001")
	for _, p := range group {
		fmt.Println(p.FullName(), "employee:", p.IsEmployee, "blocked:", p.Blocked, "hired:", p.DateOfEmployment)
	}
	// Unordered output:
	// Ok: 1 employee, 2 companions; created 3
	// Ok: updated 1, unchanged 1, blocked 1
	// Иванов Иван Петрович employee: true blocked: false hired: 15.03.2001
	// Иванова Мария employee: false blocked: false hired: 15.03.2001
	// Иванов Пётр employee: false blocked: true hired: 15.03.2001
}

// Spellings that a person would call the same name give the same
// identity.
func ExampleNormalize() {
	fmt.Println(staffid.Normalize("  СЕМЁНОВ   Пётр "))
	fmt.Println(staffid.Normalize("Ｓｔｒａßｅ"))
	// Output:
	// семенов петр
	// strasse
}

func ExampleIdentityID() {
	birthday, _ := staffid.ParseDate("09.11.1940")
	p := staffid.Person{LastName: "Lennon", FirstName: "John", BirthDay: birthday}
	fmt.Println(staffid.IdentityID(staffid.Config{}, p))
	// Output: v1:26935adf566239366567d5558ea4e323
}

func ExampleParseDate() {
	d, err := staffid.ParseDate("9.11.1940")
	fmt.Println(d, d.ISO(), err)
	_, err = staffid.ParseDate("29.02.2001")
	fmt.Println(err)
	// Output:
	// 09.11.1940 1940-11-09 <nil>
	// Invalid date 29.02.2001, the format is d.m.Y
}
