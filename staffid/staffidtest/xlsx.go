package staffidtest

import (
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"
)

// Header is the row of field names of a workbook made by XLSX.
var Header = []string{
	"GUID", "LastName", "FirstName", "MiddleName", "LastNameEng", "FirstNameEng",
	"MiddleNameEng", "BirthDay", "Sex", "DateOfEmployment", "EmployeeID", "IsEmployee",
	"CategoryCode", "Email", "RelationDegree",
}

// Row returns r's cells in the order of Header: numbers as numbers, empty
// strings as empty cells.
func (r Record) Row() []any {
	return []any{
		r.GUID, r.LastName, r.FirstName, r.MiddleName, r.LastNameEng, r.FirstNameEng,
		r.MiddleNameEng, r.BirthDay, r.Sex, r.DateOfEmployment, r.EmployeeID, r.IsEmployee,
		r.CategoryCode, r.Email, r.RelationDegree,
	}
}

// XLSX returns a workbook whose first sheet holds Header and then one row
// per record, as an airline's manager would upload it.
func XLSX(records []Record) ([]byte, error) {
	rows := make([][]any, 0, len(records)+1)
	header := make([]any, len(Header))
	for i, h := range Header {
		header[i] = h
	}
	rows = append(rows, header)
	for _, r := range records {
		rows = append(rows, r.Row())
	}
	return Workbook(rows)
}

// Workbook returns a workbook whose first sheet holds rows as given: any
// header, any cells. Empty strings and nil leave the cell empty. Use it to
// build bad workbooks.
func Workbook(rows [][]any) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return nil, err
	}
	for i, row := range rows {
		cells := make([]any, len(row))
		for j, v := range row {
			if s, ok := v.(string); ok && s == "" {
				continue
			}
			cells[j] = v
		}
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			return nil, err
		}
		if err := sw.SetRow(cell, cells); err != nil {
			return nil, fmt.Errorf("row %d: %w", i+1, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
