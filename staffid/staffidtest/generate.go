// Package staffidtest makes employee lists for tests and benchmarks of
// package staffid, of the storage adapters and of the server: realistic,
// deterministic for a seed, valid by construction.
package staffidtest

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Record is one generated record in plain Go types: the shape a plain
// encoding/json decode of the generated list fills (the decode floor of
// the benchmarks). Empty strings are null in the JSON.
type Record struct {
	GUID             string
	LastName         string
	FirstName        string
	MiddleName       string
	LastNameEng      string
	FirstNameEng     string
	MiddleNameEng    string
	BirthDay         string
	Sex              string
	DateOfEmployment string
	EmployeeID       int64
	IsEmployee       int
	CategoryCode     int
	Email            string
	RelationDegree   string
}

// GenerateRecords returns n valid records for the default configuration
// (group field EmployeeID, identity field BirthDay): groups of one
// employee and one to five companions (three on average), three in four
// people with Cyrillic native names and patronymics, the others Latin. The
// same n and seed give the same records; no two are the same person.
func GenerateRecords(n int, seed uint64) []Record {
	g := generator{
		rnd:  rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		seen: make(map[string]bool, n),
	}
	out := make([]Record, 0, n)
	for group := 0; len(out) < n; group++ {
		employeeID := int64(100_000_000 + group*37)
		emp := g.person(true, "")
		emp.GUID = g.guid()
		emp.EmployeeID = employeeID
		emp.IsEmployee = 1
		emp.DateOfEmployment = g.date(1980, 2024)
		emp.CategoryCode = g.rnd.IntN(10)
		emp.Email = fmt.Sprintf("%s.%s%d@airline.example", strings.ToLower(emp.FirstNameEng[:1]), strings.ToLower(strings.ReplaceAll(emp.LastNameEng, " ", "")), group)
		out = append(out, emp)
		companions := 1 + g.rnd.IntN(5)
		for c := 0; c < companions && len(out) < n; c++ {
			comp := g.person(false, emp.LastName)
			comp.GUID = g.guid()
			comp.EmployeeID = employeeID
			comp.CategoryCode = emp.CategoryCode
			if g.rnd.IntN(2) == 0 {
				comp.DateOfEmployment = emp.DateOfEmployment
			}
			rel := maleRelations
			if comp.Sex == "F" {
				rel = femaleRelations
			}
			comp.RelationDegree = rel[g.rnd.IntN(len(rel))]
			out = append(out, comp)
		}
	}
	return out
}

// GenerateList returns GenerateRecords(n, seed) as the JSON the upload
// endpoint takes: numbers for EmployeeID, IsEmployee and CategoryCode (as
// in the seed's example), null for empty fields.
func GenerateList(n int, seed uint64) []byte {
	return MarshalList(GenerateRecords(n, seed))
}

// MarshalList writes records as a JSON array, one record per line.
func MarshalList(records []Record) []byte {
	b := make([]byte, 0, len(records)*420)
	b = append(b, '[')
	for i, r := range records {
		if i > 0 {
			b = append(b, ",\n"...)
		}
		b = append(b, `{"GUID":`...)
		b = str(b, r.GUID)
		b = append(b, `,"LastName":`...)
		b = str(b, r.LastName)
		b = append(b, `,"FirstName":`...)
		b = str(b, r.FirstName)
		b = append(b, `,"MiddleName":`...)
		b = str(b, r.MiddleName)
		b = append(b, `,"LastNameEng":`...)
		b = str(b, r.LastNameEng)
		b = append(b, `,"FirstNameEng":`...)
		b = str(b, r.FirstNameEng)
		b = append(b, `,"MiddleNameEng":`...)
		b = str(b, r.MiddleNameEng)
		b = append(b, `,"BirthDay":`...)
		b = str(b, r.BirthDay)
		b = append(b, `,"Sex":`...)
		b = str(b, r.Sex)
		b = append(b, `,"DateOfEmployment":`...)
		b = str(b, r.DateOfEmployment)
		b = append(b, `,"EmployeeID":`...)
		b = strconv.AppendInt(b, r.EmployeeID, 10)
		b = append(b, `,"IsEmployee":`...)
		b = strconv.AppendInt(b, int64(r.IsEmployee), 10)
		b = append(b, `,"CategoryCode":`...)
		b = strconv.AppendInt(b, int64(r.CategoryCode), 10)
		b = append(b, `,"Email":`...)
		b = str(b, r.Email)
		b = append(b, `,"RelationDegree":`...)
		b = str(b, r.RelationDegree)
		b = append(b, '}')
	}
	return append(b, "]\n"...)
}

// str appends s as a JSON string, or null when empty. Generated values
// need no escapes but apostrophes, which JSON does not escape.
func str(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	return strconv.AppendQuote(b, s)
}

type generator struct {
	rnd   *rand.Rand
	seen  map[string]bool
	guids int
}

func (g *generator) guid() string {
	g.guids++
	return fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x", g.rnd.Uint32(), g.guids&0xffff, g.rnd.IntN(0x1000), g.rnd.IntN(0x1000), g.rnd.Uint64()&0xffffffffffff)
}

// person makes a person not made before (by native name and birth day,
// compared as the identity hash compares them: case and ё aside).
func (g *generator) person(employee bool, familyName string) Record {
	for {
		var r Record
		male := g.rnd.IntN(2) == 0
		if g.rnd.IntN(4) < 3 {
			last := familyName
			if last == "" || g.rnd.IntN(5) == 0 {
				last = ruSurnames[g.rnd.IntN(len(ruSurnames))]
			}
			last = ruGendered(last, male)
			father := ruFathers[g.rnd.IntN(len(ruFathers))]
			if male {
				r.FirstName = ruMale[g.rnd.IntN(len(ruMale))]
				r.MiddleName = father[1]
			} else {
				r.FirstName = ruFemale[g.rnd.IntN(len(ruFemale))]
				r.MiddleName = father[2]
			}
			r.LastName = last
			r.LastNameEng = translit(r.LastName)
			r.FirstNameEng = translit(r.FirstName)
			if g.rnd.IntN(3) > 0 {
				r.MiddleNameEng = translit(r.MiddleName)
			}
		} else {
			r.LastName = enSurnames[g.rnd.IntN(len(enSurnames))]
			if male {
				r.FirstName = enMale[g.rnd.IntN(len(enMale))]
			} else {
				r.FirstName = enFemale[g.rnd.IntN(len(enFemale))]
			}
			r.LastNameEng, r.FirstNameEng = r.LastName, r.FirstName
		}
		r.Sex = "F"
		if male {
			r.Sex = "M"
		}
		if employee {
			r.BirthDay = g.date(1955, 2002)
		} else {
			r.BirthDay = g.date(1935, 2023)
		}
		key := strings.ReplaceAll(strings.ToLower(r.LastName+"|"+r.FirstName+"|"+r.MiddleName+"|"+r.BirthDay), "ё", "е")
		if !g.seen[key] {
			g.seen[key] = true
			return r
		}
	}
}

// date returns a DD.MM.YYYY date in the years [from, to].
func (g *generator) date(from, to int) string {
	y := from + g.rnd.IntN(to-from+1)
	m := 1 + g.rnd.IntN(12)
	d := 1 + g.rnd.IntN(28)
	return fmt.Sprintf("%02d.%02d.%04d", d, m, y)
}

// ruGendered gives a Russian surname its feminine form where it has one.
func ruGendered(s string, male bool) string {
	base := strings.TrimSuffix(strings.TrimSuffix(s, "а"), "ая")
	if strings.HasSuffix(s, "ая") {
		base = strings.TrimSuffix(s, "ая") + "ий"
	}
	switch {
	case male && strings.HasSuffix(base, "ий"):
		return base
	case male:
		return base
	case strings.HasSuffix(base, "ов") || strings.HasSuffix(base, "ев") || strings.HasSuffix(base, "ёв") || strings.HasSuffix(base, "ин") || strings.HasSuffix(base, "ын"):
		return base + "а"
	case strings.HasSuffix(base, "ский") || strings.HasSuffix(base, "цкий"):
		return strings.TrimSuffix(base, "ий") + "ая"
	}
	return base
}

var translitTable = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh",
	'з': "z", 'и': "i", 'й': "i", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o",
	'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts",
	'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "ie", 'ы': "y", 'ь': "", 'э': "e", 'ю': "iu",
	'я': "ia",
}

// translit spells a Russian name in Latin letters the way Russian
// passports do (ICAO Doc 9303), capitalised.
func translit(s string) string {
	var b strings.Builder
	start := true
	for _, r := range strings.ToLower(s) {
		t, ok := translitTable[r]
		if !ok {
			t = string(r)
		}
		if start && t != "" {
			t = strings.ToUpper(t[:1]) + t[1:]
			start = false
		}
		if r == ' ' || r == '-' {
			start = true
		}
		b.WriteString(t)
	}
	return b.String()
}

var (
	maleRelations   = []string{"husband", "son", "father", "муж", "сын", "отец"}
	femaleRelations = []string{"wife", "daughter", "mother", "жена", "дочь", "мать"}
)

var ruSurnames = []string{
	"Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
	"Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
	"Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
	"Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв",
	"Сергеев", "Кузьмин", "Фролов", "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв",
	"Ильин", "Максимов", "Поляков", "Сорокин", "Виноградов", "Ковалёв", "Белов", "Медведев",
	"Антонов", "Тарасов", "Жуков", "Баранов", "Филиппов", "Комаров", "Давыдов", "Беляев",
	"Герасимов", "Богданов", "Осипов", "Сидоров", "Матвеев", "Титов", "Марков", "Миронов",
	"Крылов", "Куликов", "Карпов", "Власов", "Мельников", "Денисов", "Гаврилов", "Тихонов",
	"Казаков", "Афанасьев", "Данилов", "Савельев", "Тимофеев", "Фомин", "Чернов", "Абрамов",
	"Маслов", "Рыбаков", "Суворов", "Симонов", "Мухин", "Калинин", "Горбунов", "Кудрявцев",
	"Баранов", "Быков", "Жданов", "Щербаков", "Зуев", "Блинов", "Колесников", "Карпенко",
	"Высоцкий", "Ковальчук", "Шевченко", "Бондаренко", "Ткаченко", "Кравченко", "Остроградский",
	"Римский-Корсаков", "Мамин-Сибиряк", "Долгорукий", "Вишневецкий", "Достоевский", "Чайковский",
}

var ruMale = []string{
	"Александр", "Дмитрий", "Максим", "Сергей", "Андрей", "Алексей", "Артём", "Илья",
	"Кирилл", "Михаил", "Никита", "Матвей", "Роман", "Егор", "Арсений", "Иван",
	"Денис", "Евгений", "Даниил", "Тимофей", "Владислав", "Игорь", "Владимир", "Павел",
	"Руслан", "Марк", "Константин", "Тимур", "Олег", "Ярослав", "Антон", "Николай",
	"Глеб", "Данила", "Савелий", "Вадим", "Степан", "Юрий", "Богдан", "Артур",
	"Семён", "Фёдор", "Григорий", "Виктор", "Леонид", "Аркадий", "Борис", "Вячеслав",
}

var ruFemale = []string{
	"Анастасия", "Анна", "Мария", "Елена", "Дарья", "Алина", "Ирина", "Екатерина",
	"Арина", "Полина", "Ольга", "Юлия", "Татьяна", "Наталья", "Виктория", "Елизавета",
	"Ксения", "Милана", "Вероника", "Алиса", "Валерия", "Александра", "Ульяна", "Кристина",
	"Софья", "Марина", "Светлана", "Варвара", "Диана", "Людмила", "Галина", "Надежда",
	"Алёна", "Любовь", "Василиса", "Таисия", "Зинаида", "Евгения", "Лидия", "Маргарита",
}

// ruFathers: a father's name, then the patronymics of his son and daughter.
var ruFathers = [][3]string{
	{"Александр", "Александрович", "Александровна"}, {"Дмитрий", "Дмитриевич", "Дмитриевна"},
	{"Сергей", "Сергеевич", "Сергеевна"}, {"Андрей", "Андреевич", "Андреевна"},
	{"Алексей", "Алексеевич", "Алексеевна"}, {"Михаил", "Михайлович", "Михайловна"},
	{"Иван", "Иванович", "Ивановна"}, {"Владимир", "Владимирович", "Владимировна"},
	{"Николай", "Николаевич", "Николаевна"}, {"Юрий", "Юрьевич", "Юрьевна"},
	{"Виктор", "Викторович", "Викторовна"}, {"Олег", "Олегович", "Олеговна"},
	{"Игорь", "Игоревич", "Игоревна"}, {"Павел", "Павлович", "Павловна"},
	{"Евгений", "Евгеньевич", "Евгеньевна"}, {"Константин", "Константинович", "Константиновна"},
	{"Анатолий", "Анатольевич", "Анатольевна"}, {"Василий", "Васильевич", "Васильевна"},
	{"Пётр", "Петрович", "Петровна"}, {"Фёдор", "Фёдорович", "Фёдоровна"},
	{"Геннадий", "Геннадьевич", "Геннадьевна"}, {"Валерий", "Валерьевич", "Валерьевна"},
	{"Григорий", "Григорьевич", "Григорьевна"}, {"Борис", "Борисович", "Борисовна"},
	{"Леонид", "Леонидович", "Леонидовна"}, {"Вячеслав", "Вячеславович", "Вячеславовна"},
	{"Станислав", "Станиславович", "Станиславовна"}, {"Аркадий", "Аркадьевич", "Аркадьевна"},
	{"Семён", "Семёнович", "Семёновна"}, {"Ильич", "Ильич", "Ильинична"},
}

var enSurnames = []string{
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
	"Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas",
	"Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White",
	"Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young",
	"O'Brien", "O'Connor", "Smith-Jones", "McCartney", "Lennon", "Harrison", "Starkey", "Van Dyke",
	"De la Cruz", "Nguyen", "Kim", "Schmidt", "Muller", "Rossi", "Dubois", "Kowalski",
}

var enMale = []string{
	"James", "Robert", "John", "Michael", "David", "William", "Richard", "Joseph",
	"Thomas", "Charles", "Christopher", "Daniel", "Matthew", "Anthony", "Mark", "Paul",
	"Steven", "Andrew", "Kenneth", "Joshua", "Kevin", "Brian", "George", "Timothy",
	"Jean-Pierre", "Luca", "Hans", "Pierre", "Carlos", "Jose", "Liam", "Noah",
}

var enFemale = []string{
	"Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica",
	"Sarah", "Karen", "Lisa", "Nancy", "Betty", "Margaret", "Sandra", "Ashley",
	"Emily", "Donna", "Michelle", "Carol", "Amanda", "Melissa", "Deborah", "Stephanie",
	"Anne-Marie", "Sofia", "Giulia", "Marie", "Lucia", "Emma", "Olivia", "Yoko",
}
