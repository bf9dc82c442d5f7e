package locale

// domainErrors are the errors of the modules that people meet over HTTP:
// staff registration and booking, MOGU's claims, partners' objects not
// found, the import page's refusals, and rate limits.
var domainErrors = map[string]text{
	"rate limited: retry after %d s": {
		"слишком много попыток: повторите через %d с",
		"demasiados intentos: vuelva a intentarlo dentro de %d s"},

	// Staff registration (the form's fields).
	"not asked at registration; the form asks %s and Email": {
		"не запрашивается при регистрации; форма спрашивает %s и Email",
		"no se pide en el registro; el formulario pide %s y Email"},
	"given twice":                    {"указано дважды", "indicado dos veces"},
	"required":                       {"обязательное поле", "obligatorio"},
	"at most 100 characters of text": {"не длиннее 100 символов текста", "como máximo 100 caracteres de texto"},
	"a date as DD.MM.YYYY":           {"дата в виде ДД.ММ.ГГГГ", "una fecha con el formato DD.MM.AAAA"},
	"M or F":                         {"M или F", "M o F"},

	// Staff bookings.
	"the flight has already left": {"рейс уже вылетел", "el vuelo ya ha salido"},
	"the fare's three-character passenger type code, like ADT or ZED": {
		"трёхбуквенный код типа пассажира тарифа, например ADT или ZED",
		"el código de tipo de pasajero de la tarifa, de tres caracteres, como ADT o ZED"},
	"a fare basis code of at most 15 letters and digits": {
		"код базиса тарифа: не больше 15 букв и цифр",
		"un código de base tarifaria de como máximo 15 letras y cifras"},
	"first, business, premium_economy or economy": {
		"first, business, premium_economy или economy",
		"first, business, premium_economy o economy"},
	"the next of the previous page, a positive number (absent for the first page)": {
		"значение next предыдущей страницы, положительное число (для первой страницы не указывается)",
		"el next de la página anterior, un número positivo (se omite en la primera página)"},
	"a number from 1 to %d (absent for %d)": {
		"число от 1 до %d (если не указано — %d)",
		"un número de 1 a %d (si se omite, %d)"},
	"staffid: booking %q: %w": {"бронирование %q не найдено", "no se encuentra la reserva %q"},
	"no standby fares are configured (staffid standby_passenger_types): %w": {
		"тарифы стендбай не настроены (staffid standby_passenger_types)",
		"no hay tarifas standby configuradas (staffid standby_passenger_types)"},
	"staffid: no standby queue: %w": {"нет листа ожидания (стендбай)", "no hay lista de espera standby"},
	"at least one passenger":        {"хотя бы один пассажир", "al menos un pasajero"},
	"at most %d passengers in one booking": {
		"не больше %d пассажиров в одном бронировании",
		"como máximo %d pasajeros en una reserva"},
	"at most %d": {"не больше %d", "como máximo %d"},
	"required: the ID of one of your passengers": {
		"обязательное поле: ID одного из ваших пассажиров",
		"obligatorio: el ID de uno de sus pasajeros"},
	"not one of your passengers: you may book only for yourself and the companions on your airline's list": {
		"это не ваш пассажир: бронировать можно только для себя и сопровождающих из списка вашей авиакомпании",
		"no es uno de sus pasajeros: solo puede reservar para usted y para los acompañantes de la lista de su aerolínea"},
	"not one of your passengers": {"это не ваш пассажир", "no es uno de sus pasajeros"},
	"this companion is blocked: they are not on your airline's current list": {
		"этот сопровождающий заблокирован: его нет в текущем списке вашей авиакомпании",
		"este acompañante está bloqueado: no figura en la lista actual de su aerolínea"},
	"the same passenger as passengers[%d]": {
		"тот же пассажир, что и passengers[%d]",
		"el mismo pasajero que passengers[%d]"},
	"differs from your airline's list (%q): passenger data cannot be changed; ask your staff travel office to correct the list": {
		"отличается от списка вашей авиакомпании (%q): данные пассажира изменить нельзя; попросите отдел служебных перелётов исправить список",
		"no coincide con la lista de su aerolínea (%q): los datos del pasajero no se pueden cambiar; pida a la oficina de viajes de empleados que corrija la lista"},

	// The import page and the upload's refusals.
	"wrong import token: %w": {"неверный токен импорта", "token de importación incorrecto"},
	"address %s may not upload the employee list (not on the import allow-list): %w": {
		"с адреса %s нельзя загружать список сотрудников (его нет в списке разрешённых адресов импорта)",
		"la dirección %s no puede subir la lista de empleados (no está en la lista de direcciones permitidas)"},
	"a multipart/form-data upload with the fields token, file and force": {
		"загрузка multipart/form-data с полями token, file и force",
		"una subida multipart/form-data con los campos token, file y force"},
	"choose the employee list's Excel workbook (.xlsx)": {
		"выберите книгу Excel со списком сотрудников (.xlsx)",
		"elija el libro de Excel de la lista de empleados (.xlsx)"},
	"internal error (request %s)": {"внутренняя ошибка (запрос %s)", "error interno (solicitud %s)"},

	// MOGU's claims.
	"mogu: claim token is not valid: %w": {
		"код с ваучера недействителен",
		"el código del bono no es válido"},
	"mogu: voucher was reissued: %w": {
		"ваучер был перевыпущен: отсканируйте новый",
		"el bono se ha vuelto a emitir: escanee el nuevo"},
	"mogu: the trip has been claimed by as many accounts as it has travellers: %w": {
		"поездку уже добавили столько учётных записей, сколько в ней путешественников",
		"el viaje ya lo han reclamado tantas cuentas como viajeros tiene"},
	"mogu: booking %s has %d travellers: %w": {
		"в бронировании %[1]s путешественников: %[2]d; %[3]s",
		"la reserva %[1]s tiene %[2]d viajeros; %[3]s"},
	"mogu: %s is the email of the agent who made booking %s; agents use MOGU's back office, not the app: %w": {
		"%[1]s — адрес агента, оформившего бронирование %[2]s; агенты работают в бэк-офисе MOGU, а не в приложении",
		"%[1]s es el correo del agente que hizo la reserva %[2]s; los agentes usan el back office de MOGU, no la aplicación"},
	"the claim URL read from the QR code (url) or its token (token) is required": {
		"нужна ссылка из QR-кода (url) или её токен (token)",
		"se necesita la URL leída del código QR (url) o su token (token)"},

	// Partners' objects and what only administrators do.
	"%s %s: %s is not allowed in state %s": {
		"%s %s: действие %s недопустимо в состоянии %s",
		"%s %s: %s no está permitido en el estado %s"},
	"%s: %s is not allowed in state %s": {
		"%s: действие %s недопустимо в состоянии %s",
		"%s: %s no está permitido en el estado %s"},
	"partner: only an administrator may %s: %w": {
		"это может только администратор: %s",
		"solo un administrador puede %s"},
	"create partners":  {"создавать партнёров", "crear socios"},
	"create users":     {"создавать пользователей", "crear usuarios"},
	"create API keys":  {"создавать ключи API", "crear claves de API"},
	"revoke API keys":  {"отзывать ключи API", "revocar claves de API"},
	"%s %s: %w":        {"не найдено: %[1]s %[2]s", "no encontrado: %[1]s %[2]s"},
	"partner":          {"партнёр", "socio"},
	"company":          {"компания", "empresa"},
	"instance":         {"экземпляр", "instancia"},
	"licence":          {"лицензия", "licencia"},
	"user":             {"пользователь", "usuario"},
	"API key":          {"ключ API", "clave de API"},
	"activity record":  {"запись журнала", "registro de actividad"},
	"webhook delivery": {"доставка вебхука", "entrega de webhook"},
	"webhook endpoint": {"адрес вебхука", "destino de webhook"},
}
