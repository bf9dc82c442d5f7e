package locale

// importChanges is whom an import changed, on the import page
// (staffid/staffidhttp) and in the errors of the history's routes.
var importChanges = map[string]text{
	"Import %d: who changed": {"Импорт %d: кого он затронул", "Importación %d: a quién afectó"},
	"Uploaded at %s (%s, %s).": {
		"Загружен %s (%s, %s).",
		"Subida el %s (%s, %s)."},
	"It created %d, updated %d, blocked %d and unblocked %d people.": {
		"Создано %d, изменено %d, заблокировано %d и разблокировано %d человек.",
		"Creó %d, actualizó %d, bloqueó %d y desbloqueó %d personas."},
	"It was not imported: it changed nobody.": {
		"Он не был импортирован и никого не затронул.",
		"No se importó: no afectó a nadie."},
	"People the import created, updated, blocked and unblocked": {
		"Кого импорт создал, изменил, заблокировал и разблокировал",
		"Personas que la importación creó, actualizó, bloqueó y desbloqueó"},
	"fields that changed": {"изменённые поля", "campos que cambiaron"},
	"Nobody more.":        {"Больше никого.", "Nadie más."},
	"Who an import changed": {
		"Кого затронул импорт",
		"A quién afectó una importación"},
	"The people an import created, updated, blocked and unblocked, by name, page after page. Leave the import empty for the latest.": {
		"Люди, которых импорт создал, изменил, заблокировал и разблокировал, поимённо, страница за страницей. Оставьте номер импорта пустым, чтобы увидеть последний.",
		"Las personas que una importación creó, actualizó, bloqueó y desbloqueó, por su nombre, página a página. Deje la importación vacía para ver la última."},
	"Import (its ID in the history)": {"Импорт (его номер в истории)", "Importación (su ID en el historial)"},
	"Which people":                   {"Кого показать", "Qué personas"},
	"everyone it changed":            {"всех затронутых", "todas las afectadas"},
	"Show who changed":               {"Показать, кого затронул", "Ver a quién afectó"},

	"expected created, updated, blocked or unblocked": {
		"ожидается created, updated, blocked или unblocked",
		"se esperaba created, updated, blocked o unblocked"},
	"expected the next of the page before": {
		"ожидается значение next предыдущей страницы",
		"se esperaba el next de la página anterior"},
	"expected the positive ID of an import": {
		"ожидается положительный номер импорта",
		"se esperaba el ID positivo de una importación"},
	"expected a number from 1 to %d": {
		"ожидается число от 1 до %d",
		"se esperaba un número del 1 al %d"},
	"no list has been imported yet: %w": {
		"ни один список ещё не импортирован: %w",
		"todavía no se ha importado ninguna lista: %w"},
}
