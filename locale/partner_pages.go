package locale

import (
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/message/catalog"
)

// partnerPages are PartnerApp's pages (partner/partnerhttp): sign-in,
// set-password and the reports with their charts.
var partnerPages = map[string]text{
	"Sign in":               {"Вход", "Iniciar sesión"},
	"Sign in to PartnerApp": {"Вход в PartnerApp", "Iniciar sesión en PartnerApp"},
	"E-mail":                {"Эл. почта", "Correo electrónico"},
	"Password":              {"Пароль", "Contraseña"},
	"E-mail or password is wrong.": {
		"Неверный адрес или пароль.",
		"El correo o la contraseña no son correctos."},
	"Too many attempts; wait a minute and try again.": {
		"Слишком много попыток; подождите минуту и попробуйте снова.",
		"Demasiados intentos; espere un minuto y vuelva a intentarlo."},
	"This link is invalid, already used or expired; ask for a new one.": {
		"Ссылка неверна, уже использована или устарела; запросите новую.",
		"El enlace no es válido, ya se ha usado o ha caducado; pida uno nuevo."},
	"For %s. At least 8 characters; a long phrase is best.": {
		"Для %s. Не короче 8 символов; лучше всего — длинная фраза.",
		"Para %s. Al menos 8 caracteres; lo mejor es una frase larga."},
	"Repeat it":                {"Повторите его", "Repítala"},
	"Set password and sign in": {"Задать пароль и войти", "Establecer la contraseña e iniciar sesión"},
	"Password: %s.":            {"Пароль: %s.", "Contraseña: %s."},

	"Reports":              {"Отчёты", "Informes"},
	"PartnerApp · Reports": {"PartnerApp · Отчёты", "PartnerApp · Informes"},
	"Sign out":             {"Выйти", "Cerrar sesión"},
	"partner user":         {"пользователь партнёра", "usuario del socio"},
	"administrator":        {"администратор", "administrador"},
	"Count":                {"Считать", "Contar"},
	"Partner":              {"Партнёр", "Socio"},
	"All partners":         {"Все партнёры", "Todos los socios"},
	"Type":                 {"Тип", "Tipo"},
	"All types":            {"Все типы", "Todos los tipos"},
	"Activated from":       {"Активированы с", "Activadas desde"},
	"to (inclusive)":       {"по (включительно)", "hasta (incluido)"},
	"State":                {"Состояние", "Estado"},
	"Filter":               {"Применить фильтр", "Filtrar"},
	"Instances":            {"Экземпляры", "Instancias"},
	"Licences":             {"Лицензии", "Licencias"},
	"instances":            {"экземпляры", "instancias"},
	"licences":             {"лицензии", "licencias"},
	"%d %s match the filter.": {
		"Под фильтр подходят %[2]s: %[1]d.",
		"%d %s coinciden con el filtro."},
	"Choose a bar, or a figure in a chart's table, for the list behind it.": {
		"Выберите столбец диаграммы или число в её таблице, чтобы увидеть список за ним.",
		"Elija una barra, o una cifra de la tabla de un gráfico, para ver la lista que hay detrás."},
	"Download the counts as CSV": {"Скачать числа в CSV", "Descargar las cifras en CSV"},
	"By type":                    {"По типу", "Por tipo"},
	"By contracted profile (%s)": {"По профилю договора (%s)", "Por perfil contratado (%s)"},
	"Profile":                    {"Профиль", "Perfil"},
	"By state":                   {"По состоянию", "Por estado"},
	"%s: %s. List them":          {"%s: %s. Показать список", "%s: %s. Ver la lista"},
	"%s: the figures as a table": {"%s: числа в виде таблицы", "%s: las cifras en una tabla"},
	"Instances generated per month": {
		"Экземпляры, созданные по месяцам",
		"Instancias generadas por mes"},
	"Licences added per month": {"Лицензии, добавленные по месяцам", "Licencias añadidas por mes"},
	"%s: %s per month":         {"%s: %s по месяцам", "%s: %s por mes"},
	"Month":                    {"Месяц", "Mes"},
	"Total":                    {"Всего", "Total"},

	"draft":                  {"черновик", "borrador"},
	"provisioned":            {"подготовлен", "preparada"},
	"cancelled":              {"отменён", "cancelada"},
	"active":                 {"активен", "activa"},
	"expired":                {"истёк", "caducada"},
	"deactivation requested": {"запрошена деактивация", "desactivación solicitada"},
	"deactivated":            {"деактивирован", "desactivada"},

	"activated %s":     {"активирован %s", "activada el %s"},
	"expires %s":       {"истекает %s", "caduca el %s"},
	"added %s":         {"добавлена %s", "añadida el %s"},
	"Company data":     {"Данные компании", "Datos de la empresa"},
	"Configuration":    {"Конфигурация", "Configuración"},
	"Config version":   {"Версия конфигурации", "Versión de la configuración"},
	"Contract SHA-256": {"SHA-256 договора", "SHA-256 del contrato"},
	"Deactivation":     {"Деактивация", "Desactivación"},
	"Version":          {"Версия", "Versión"},
	"Licence":          {"Лицензия", "Licencia"},
	"Instance":         {"Экземпляр", "Instancia"},
	"Company":          {"Компания", "Empresa"},
	"Bound":            {"Привязана", "Vinculada"},
	"Nothing to list.": {"Список пуст.", "No hay nada que mostrar."},
	"Next page":        {"Следующая страница", "Página siguiente"},
	"free":             {"свободна", "libre"},
	"terminal %s %s":   {"терминал %s %s", "terminal %s %s"},
	"requested by %s on %s: %q": {
		"запрошена %s %s: %q",
		"solicitada por %s el %s: %q"},
	"; %s by %s on %s": {"; %s: %s, %s", "; %s por %s el %s"},
	"approved":         {"одобрено", "aprobada"},
	"rejected":         {"отклонено", "rechazada"},
	"withdrawn":        {"отозвано", "retirada"},
}

// partnerCounted are the reports' figures, "3 instances".
var partnerCounted = map[string][3]catalog.Message{
	"%d instances": {
		plural.Selectf(1, "%d", "one", "%d instance", "other", "%d instances"),
		plural.Selectf(1, "%d", "one", "%d экземпляр", "few", "%d экземпляра", "other", "%d экземпляров"),
		plural.Selectf(1, "%d", "one", "%d instancia", "other", "%d instancias"),
	},
	"%d licences": {
		plural.Selectf(1, "%d", "one", "%d licence", "other", "%d licences"),
		plural.Selectf(1, "%d", "one", "%d лицензия", "few", "%d лицензии", "other", "%d лицензий"),
		plural.Selectf(1, "%d", "one", "%d licencia", "other", "%d licencias"),
	},
}
