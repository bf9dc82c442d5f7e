package locale

// importPage is the employee-list import page (staffid/staffidhttp).
var importPage = map[string]text{
	"Airline Staff ID · employee import": {
		"Airline Staff ID · импорт сотрудников",
		"Airline Staff ID · importación de empleados"},
	"Settings → Integration → Airline Staff ID → employee import": {
		"Настройки → Интеграция → Airline Staff ID → импорт сотрудников",
		"Ajustes → Integración → Airline Staff ID → importación de empleados"},
	"Preview: this list would be imported": {
		"Предпросмотр: этот список будет импортирован",
		"Vista previa: esta lista se importaría"},
	"Preview: this list would not be imported": {
		"Предпросмотр: этот список не будет импортирован",
		"Vista previa: esta lista no se importaría"},
	"Nothing was written: upload it again to import it.": {
		"Ничего не записано: чтобы импортировать список, загрузите его ещё раз.",
		"No se ha guardado nada: súbala de nuevo para importarla."},
	"Imported":            {"Импортировано", "Importada"},
	"Not imported":        {"Не импортировано", "No importada"},
	"status":              {"статус", "estado"},
	"records in the file": {"записей в файле", "registros en el archivo"},
	"imported":            {"импортировано", "importados"},
	"%d (%d employees, %d companions)": {
		"%d (сотрудников: %d, сопровождающих: %d)",
		"%d (empleados: %d, acompañantes: %d)"},
	"new":             {"новые", "nuevos"},
	"updated":         {"изменённые", "actualizados"},
	"unchanged":       {"без изменений", "sin cambios"},
	"blocked":         {"заблокированные", "bloqueados"},
	"unblocked":       {"разблокированные", "desbloqueados"},
	"invalid records": {"ошибочные записи", "registros no válidos"},
	"listed, %d more left out of the report": {
		"в отчёте, ещё %d в отчёт не вошли",
		"en el informe, %d más no se incluyen"},
	"Who changes": {"Кого это затронет", "A quién afecta"},
	"The first %d new, %d updated, %d blocked and %d unblocked people are listed; %d more are not.": {
		"Показаны первые: новые — %d, изменённые — %d, заблокированные — %d, разблокированные — %d; не показано ещё %d.",
		"Se muestran los primeros: %d nuevos, %d actualizados, %d bloqueados y %d desbloqueados; %d más no se muestran."},
	"People the list creates, updates, blocks and unblocks": {
		"Кого список добавляет, изменяет, блокирует и разблокирует",
		"Personas que la lista crea, actualiza, bloquea y desbloquea"},
	"change":             {"изменение", "cambio"},
	"name":               {"имя", "nombre"},
	"fields that change": {"изменяемые поля", "campos que cambian"},
	"Invalid records":    {"Ошибочные записи", "Registros no válidos"},
	"Nothing was imported: correct these records and upload the whole list again.": {
		"Ничего не импортировано: исправьте эти записи и загрузите весь список ещё раз.",
		"No se ha importado nada: corrija estos registros y vuelva a subir la lista completa."},
	"The first %d are listed; %d more are not.": {
		"Показаны первые %d; ещё %d не показаны.",
		"Se muestran los primeros %d; %d más no se muestran."},
	"error":                    {"ошибка", "error"},
	"record as sent":           {"запись в том виде, как она пришла", "registro tal como se envió"},
	"Upload the employee list": {"Загрузка списка сотрудников", "Subir la lista de empleados"},
	"The whole list, every time: people missing from it are blocked, people back in it are unblocked.": {
		"Каждый раз — весь список целиком: тех, кого в нём нет, блокируют, а тех, кто в него вернулся, разблокируют.",
		"Siempre la lista completa: quienes falten en ella quedan bloqueados y quienes vuelvan a figurar, desbloqueados."},
	"An Excel workbook (.xlsx): first sheet, first row = the field names (LastName, FirstName, BirthDay, …).": {
		"Книга Excel (.xlsx): первый лист, в первой строке — названия полей (LastName, FirstName, BirthDay, …).",
		"Un libro de Excel (.xlsx): primera hoja, primera fila = los nombres de los campos (LastName, FirstName, BirthDay, …)."},
	"A legacy .xls must be saved as .xlsx first.": {
		"Старый файл .xls сначала сохраните как .xlsx.",
		"Un archivo .xls antiguo debe guardarse antes como .xlsx."},
	"Import token":          {"Токен импорта", "Token de importación"},
	"Employee list (.xlsx)": {"Список сотрудников (.xlsx)", "Lista de empleados (.xlsx)"},
	"Force: import even if it blocks more people than the configured share, or everyone (an empty list)": {
		"Принудительно: импортировать, даже если блокируется больше людей, чем допускает настройка, или все (пустой список)",
		"Forzar: importar aunque bloquee a más personas que la proporción configurada, o a todas (una lista vacía)"},
	"Upload and import": {"Загрузить и импортировать", "Subir e importar"},
	"Preview: who would change, nothing written": {
		"Предпросмотр: кого затронет, без записи",
		"Vista previa: a quién afectaría, sin guardar nada"},
}
