package locale

// heldList is the held employee list (staffid's mass-block quarantine): the
// import page's held-list cards and the mail to the managers.
var heldList = map[string]text{
	"Held for a manager's decision: not imported": {
		"Задержан до решения менеджера: не импортирован",
		"Retenida hasta que decida un responsable: no importada"},
	"Held list %d": {"Задержанный список %d", "Lista retenida %d"},
	"Uploaded at %s (%s, %s). If approved, it creates %d, updates %d, blocks %d and unblocks %d people.": {
		"Загружен %s (%s, %s). Если его одобрить, будет создано %d, изменено %d, заблокировано %d и разблокировано %d человек.",
		"Subida el %s (%s, %s). Si se aprueba, crea %d, actualiza %d, bloquea %d y desbloquea %d personas."},
	"Approve it if those people are to be blocked; reject it if the list is wrong. A newer upload replaces it.": {
		"Одобрите его, если этих людей действительно нужно заблокировать; отклоните, если список ошибочен. Более новая загрузка заменит его.",
		"Apruébela si esas personas deben bloquearse; recházela si la lista es errónea. Una subida más reciente la sustituye."},
	"Approve: import this list": {"Одобрить: импортировать этот список", "Aprobar: importar esta lista"},
	"Reject: discard this list": {"Отклонить: удалить этот список", "Rechazar: descartar esta lista"},
	"Held list":                 {"Задержанный список", "Lista retenida"},
	"A list that would block more people than the configured share is held, not imported, until a manager approves or rejects it.": {
		"Список, который заблокировал бы больше людей, чем разрешено настройкой, не импортируется, а задерживается, пока менеджер его не одобрит или не отклонит.",
		"Una lista que bloquearía a más personas de las permitidas no se importa: queda retenida hasta que un responsable la apruebe o la rechace."},
	"Show the held list": {"Показать задержанный список", "Ver la lista retenida"},

	"Employee list held: it would block %d people": {
		"Список сотрудников задержан: он заблокировал бы %d человек",
		"Lista de empleados retenida: bloquearía a %d personas"},
	"An employee list uploaded at %s (%s, %s) was not imported:": {
		"Список сотрудников, загруженный %s (%s, %s), не импортирован:",
		"Una lista de empleados subida el %s (%s, %s) no se ha importado:"},
	"It is held as list %d until a manager approves or rejects it. If approved, it would create %d, update %d, block %d and unblock %d people (%d unchanged).": {
		"Он задержан как список %d, пока менеджер его не одобрит или не отклонит. Если его одобрить, будет создано %d, изменено %d, заблокировано %d и разблокировано %d человек (без изменений: %d).",
		"Queda retenida como lista %d hasta que un responsable la apruebe o la rechace. Si se aprueba, crearía %d, actualizaría %d, bloquearía %d y desbloquearía %d personas (%d sin cambios)."},
	"See whom it changes, and approve or reject it, on the import page:": {
		"Кого он затронет, видно на странице импорта; там же его можно одобрить или отклонить:",
		"Vea a quién afecta, y apruébela o recházela, en la página de importación:"},
	"See whom it changes with GET /api/staffid/held or \"bookingkit staffid held show\", then approve or reject it there.": {
		"Кого он затронет, покажут GET /api/staffid/held или \"bookingkit staffid held show\"; там же его можно одобрить или отклонить.",
		"Vea a quién afecta con GET /api/staffid/held o \"bookingkit staffid held show\", y apruébela o recházela allí."},
	"A newer list replaces this one. If nobody decides, nothing changes.": {
		"Более новый список заменит этот. Пока никто не решил, ничего не меняется.",
		"Una lista más reciente sustituye a esta. Si nadie decide, nada cambia."},

	// Its errors.
	"no employee list is held: %w": {
		"задержанного списка сотрудников нет: %w",
		"no hay ninguna lista de empleados retenida: %w"},
	"held list %d is not held (approved, rejected or replaced by a newer list): %w": {
		"список %d больше не задержан (одобрен, отклонён или заменён более новым): %w",
		"la lista %d ya no está retenida (aprobada, rechazada o sustituida por una más reciente): %w"},
	"expected the positive ID of a held list": {
		"ожидается положительный номер задержанного списка",
		"se espera el número positivo de una lista retenida"},
	"a form with the fields %s": {"форма с полями %s", "un formulario con los campos %s"},
	"expected show, approve or reject": {
		"ожидается show, approve или reject",
		"se espera show, approve o reject"},
}
