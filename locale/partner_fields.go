package locale

// partnerFields are the reasons package partner gives when a partner
// user's or administrator's input is refused (bookingkit.Invalidf): the
// instances' types, profiles and company data, licences and terminals,
// searches, reports and paging. Field names, types, states and the
// registry's own names stay as the API spells them.
var partnerFields = map[string]text{
	"%s or %s":           {"%s или %s", "%s o %s"},
	"one of %s":          {"одно из: %s", "uno de: %s"},
	"%s has no profiles": {"у %s нет профилей", "%s no tiene perfiles"},
	"%s needs a profile: one of %s": {
		"для %s нужен профиль: одно из: %s",
		"%s necesita un perfil: uno de: %s"},
	"unknown field; expected one of %s": {
		"неизвестное поле; ожидается одно из: %s",
		"campo desconocido; se espera uno de: %s"},
	"needs a type":           {"нужен тип", "necesita un tipo"},
	"a whole number":         {"целое число", "un número entero"},
	"between %d and %d":      {"от %d до %d", "entre %d y %d"},
	"between 1 and %d":       {"от 1 до %d", "entre 1 y %d"},
	"true or false":          {"true или false", "true o false"},
	"an https:// address":    {"адрес https://", "una dirección https://"},
	"not valid UTF-8":        {"недопустимый UTF-8", "no es UTF-8 válido"},
	"at most 254 characters": {"не длиннее 254 символов", "como máximo 254 caracteres"},
	"control characters are not allowed": {
		"управляющие символы недопустимы",
		"no se admiten caracteres de control"},
	"an e-mail address like name@example.com": {
		"адрес электронной почты вида name@example.com",
		"una dirección de correo como name@example.com"},

	// Instances.
	"a time in the future":   {"время в будущем", "una fecha futura"},
	"at most 20 years ahead": {"не дальше чем на 20 лет вперёд", "como máximo 20 años en el futuro"},
	"later than the current expiry %s": {
		"позже текущего срока действия %s",
		"posterior al vencimiento actual %s"},
	"required: the digest of the contract that was read": {
		"обязательное поле: хеш прочитанного договора",
		"obligatorio: el resumen del contrato leído"},
	"the digest of the instance's contract, %s": {
		"хеш договора этого экземпляра, %s",
		"el resumen del contrato de la instancia, %s"},
	"changes only in a draft; extend the expiry instead": {
		"меняется только в черновике; вместо этого продлите срок действия",
		"solo cambia en un borrador; amplíe el vencimiento en su lugar"},

	// Licences and terminals.
	"1 to 64 letters, digits, dots, colons, hyphens and underscores": {
		"от 1 до 64 букв, цифр, точек, двоеточий, дефисов и подчёркиваний",
		"de 1 a 64 letras, cifras, puntos, dos puntos, guiones y guiones bajos"},
	"1 to 64 letters, digits, dots, @, hyphens and underscores": {
		"от 1 до 64 букв, цифр, точек, @, дефисов и подчёркиваний",
		"de 1 a 64 letras, cifras, puntos, @, guiones y guiones bajos"},
	"4 to 16 letters and digits": {"от 4 до 16 букв и цифр", "de 4 a 16 letras y cifras"},
	"a serial number or a PIN":   {"серийный номер или PIN", "un número de serie o un PIN"},
	"at least one licence":       {"хотя бы одна лицензия", "al menos una licencia"},
	"at most %d per call":        {"не больше %d за один вызов", "como máximo %d por llamada"},
	"given twice (also licences[%d])": {
		"указано дважды (также в licences[%d])",
		"indicado dos veces (también en licences[%d])"},
	"needs an instance; search other instances by exact login, serial or PIN": {
		"нужен экземпляр; в других экземплярах ищите по точному логину, серийному номеру или PIN",
		"necesita una instancia; en otras instancias busque por el login exacto, el número de serie o el PIN"},

	// Terminal activity and support threads.
	"a cursor returned by an earlier search": {
		"курсор, полученный при предыдущем поиске",
		"un cursor devuelto por una búsqueda anterior"},
	"a cursor returned by an earlier list": {
		"курсор, полученный в предыдущем списке",
		"un cursor devuelto por una lista anterior"},
	"search by serial or by PIN, not both": {
		"ищите по серийному номеру или по PIN, но не по обоим",
		"busque por número de serie o por PIN, no por ambos"},
	"a terminal serial or PIN to search for": {
		"серийный номер или PIN терминала для поиска",
		"un número de serie o PIN de terminal que buscar"},
	"the ID of the newest message read": {
		"ID последнего прочитанного сообщения",
		"el ID del mensaje leído más reciente"},

	// Users.
	"required for a partner user": {"обязательно для пользователя партнёра", "obligatorio para un usuario de socio"},
	"an administrator belongs to no partner": {
		"администратор не относится ни к одному партнёру",
		"un administrador no pertenece a ningún socio"},
	"partner_user or administrator": {"partner_user или administrator", "partner_user o administrator"},

	// Reports.
	"instances or licences": {"instances или licences", "instances o licences"},
	"a period of at most %d months": {
		"период не длиннее %d мес.",
		"un periodo de como máximo %d meses"},
	"each state at most once": {"каждое состояние не больше одного раза", "cada estado como máximo una vez"},
	"after from (%s)":         {"позже from (%s)", "posterior a from (%s)"},
}
