package locale

// moguPages are MOGU's pages for travellers (mogu/moguhttp): the claim
// URL's landing page and the "add services" page.
var moguPages = map[string]text{
	"Your trip in MOGU":            {"Ваша поездка в MOGU", "Su viaje en MOGU"},
	"Your trip is waiting in MOGU": {"Ваша поездка ждёт вас в MOGU", "Su viaje le espera en MOGU"},
	"Open it in the MOGU app; sign in or create your account there and the trip is added to it.": {
		"Откройте её в приложении MOGU: войдите или создайте там учётную запись, и поездка добавится в неё.",
		"Ábralo en la aplicación MOGU: inicie sesión o cree allí su cuenta y el viaje se añadirá a ella."},
	"Open in the MOGU app": {"Открыть в приложении MOGU", "Abrir en la aplicación MOGU"},
	"No app yet? Install it, then scan the code on your voucher again:": {
		"Ещё нет приложения? Установите его и снова отсканируйте код с ваучера:",
		"¿Aún no tiene la aplicación? Instálela y vuelva a escanear el código de su bono:"},
	"This is not a MOGU trip code": {"Это не код поездки MOGU", "Este no es un código de viaje de MOGU"},
	"Scan the QR code printed on your voucher with the MOGU app.": {
		"Отсканируйте приложением MOGU QR-код, напечатанный на ваучере.",
		"Escanee con la aplicación MOGU el código QR impreso en su bono."},
	"Opening this page adds nothing to any account: only the signed-in app can.": {
		"Открытие этой страницы ничего не добавляет ни в одну учётную запись: это может только приложение, в котором вы вошли.",
		"Abrir esta página no añade nada a ninguna cuenta: solo puede hacerlo la aplicación con la sesión iniciada."},
	"Add services to your booking": {"Дополнительные услуги к бронированию", "Añada servicios a su reserva"},
	"Your booking reference is":    {"Номер вашего бронирования:", "Su referencia de reserva es"},
	"Seats, baggage, transfers and other services are added where you booked: on the website you booked on, or with your travel agency. Give them this reference.": {
		"Места, багаж, трансферы и другие услуги добавляются там, где вы бронировали: на сайте, где оформлено бронирование, или в вашем турагентстве. Назовите им этот номер.",
		"Los asientos, el equipaje, los traslados y otros servicios se añaden donde hizo la reserva: en la web donde reservó o en su agencia de viajes. Indíqueles esta referencia."},
}
