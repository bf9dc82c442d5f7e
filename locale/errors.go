package locale

// errorTexts are the texts of error answers: the sentinels' own words and
// the server's fixed answers (httpapi).
var errorTexts = map[string]text{
	"not found":              {"не найдено", "no encontrado"},
	"conflict":               {"конфликт", "conflicto"},
	"invalid input":          {"неверные данные", "datos no válidos"},
	"unauthorized":           {"требуется вход", "no autenticado"},
	"forbidden":              {"доступ запрещён", "acceso denegado"},
	"rate limited":           {"слишком много попыток", "demasiados intentos"},
	"too large":              {"слишком большой объём", "demasiado grande"},
	"unsupported media type": {"неподдерживаемый формат", "formato no admitido"},
	"internal error":         {"внутренняя ошибка", "error interno"},
	"request cancelled: the server is shutting down": {
		"запрос отменён: сервер останавливается",
		"solicitud cancelada: el servidor se está deteniendo"},
}
