package locale

// accounts are the sign-in's texts: the staff set-password page, the
// answers of the staff, MOGU and partner sign-in routes, and the errors
// of package account and of passwords.
var accounts = map[string]text{
	"Staff travel: choose your password": {
		"Служебные перелёты: выбор пароля",
		"Viajes de empleados: elija su contraseña"},
	"Your password is set": {"Пароль задан", "Su contraseña está establecida"},
	"You are signed in as %s. From now on, sign in with this email and your password.": {
		"Вы вошли как %s. Теперь входите с этим адресом и своим паролем.",
		"Ha iniciado sesión como %s. A partir de ahora, inicie sesión con este correo y su contraseña."},
	"Choose your password": {"Выберите пароль", "Elija su contraseña"},
	"For %s. At least %d characters; a phrase of a few words is easy to remember and hard to guess.": {
		"Для %s. Не короче %d символов; фразу из нескольких слов легко запомнить и трудно подобрать.",
		"Para %s. Al menos %d caracteres; una frase de varias palabras es fácil de recordar y difícil de adivinar."},
	"New password":   {"Новый пароль", "Nueva contraseña"},
	"The same again": {"Ещё раз то же самое", "Repítala"},
	"Set password":   {"Задать пароль", "Establecer la contraseña"},
	"Ask for a new link with “Forgot password” on the sign-in page.": {
		"Запросите новую ссылку кнопкой «Забыли пароль?» на странице входа.",
		"Pida un enlace nuevo con «¿Olvidó su contraseña?» en la página de inicio de sesión."},
	"This link is invalid, already used or expired.": {
		"Эта ссылка неверна, уже использована или устарела.",
		"Este enlace no es válido, ya se ha usado o ha caducado."},
	"The two passwords differ.": {"Пароли не совпадают.", "Las dos contraseñas no coinciden."},
	"The password must be %s.":  {"Пароль должен быть таким: %s.", "La contraseña debe ser: %s."},
	"Something went wrong; try again.": {
		"Что-то пошло не так; попробуйте ещё раз.",
		"Algo ha fallado; inténtelo de nuevo."},
	"thank you: we have sent a message about your registration to the address you gave; it has a link to choose your password, or says why there is none": {
		"спасибо: мы отправили на указанный адрес письмо о вашей регистрации; в нём ссылка для выбора пароля или объяснение, почему её нет",
		"gracias: hemos enviado a la dirección indicada un mensaje sobre su registro; contiene un enlace para elegir su contraseña o explica por qué no lo hay"},
	"if this address has a staff travel account, a link to choose a new password has been sent to it": {
		"если к этому адресу привязана учётная запись служебных перелётов, на него отправлена ссылка для выбора нового пароля",
		"si esta dirección tiene una cuenta de viajes de empleados, se le ha enviado un enlace para elegir una nueva contraseña"},
	"not signed in: send Authorization: Bearer <session token>: %w": {
		"вход не выполнен: передайте Authorization: Bearer <токен сеанса>",
		"no ha iniciado sesión: envíe Authorization: Bearer <token de sesión>"},
	"email or password is wrong: %w": {
		"неверный адрес или пароль",
		"el correo o la contraseña no son correctos"},
	"this link is invalid, already used or expired; ask for a new one: %w": {
		"ссылка неверна, уже использована или устарела; запросите новую",
		"el enlace no es válido, ya se ha usado o ha caducado; pida uno nuevo"},
	"not signed in or session expired: %w": {
		"вход не выполнен или сеанс истёк",
		"no ha iniciado sesión o la sesión ha caducado"},
	"too many %s attempts %s: %w": {
		"слишком много попыток %[1]s %[2]s; повторите позже",
		"demasiados intentos de %[1]s %[2]s; inténtelo más tarde"},
	"register":          {"регистрации", "registro"},
	"login":             {"входа", "inicio de sesión"},
	"link":              {"получить ссылку", "obtener un enlace"},
	"from this address": {"с этого адреса", "desde esta dirección"},
	"for this account":  {"для этой учётной записи", "para esta cuenta"},
	"an email address is required": {
		"нужен адрес электронной почты",
		"se necesita una dirección de correo electrónico"},
	"a valid email address such as name@example.com": {
		"правильный адрес электронной почты, например name@example.com",
		"una dirección de correo válida, como nombre@example.com"},
	"valid UTF-8 text":       {"текст в правильной кодировке UTF-8", "texto UTF-8 válido"},
	"at least %d characters": {"не короче %d символов", "de al menos %d caracteres"},
	"at most %d characters":  {"не длиннее %d символов", "de como máximo %d caracteres"},
	"not one of the commonly used passwords": {
		"не из числа распространённых паролей",
		"distinta de las contraseñas más usadas"},
	"not your email address": {"не вашим адресом электронной почты", "distinta de su dirección de correo"},
	"not the name part of your email address": {
		"не частью адреса электронной почты до @",
		"distinta de la parte de su dirección de correo antes de la @"},
	"harder to guess: %s; a phrase of four or more words that do not belong together is strong and easy to remember": {
		"сложнее для подбора: %s; фраза из четырёх и более не связанных между собой слов надёжна и легко запоминается",
		"más difícil de adivinar: %s; una frase de cuatro o más palabras sin relación entre sí es segura y fácil de recordar"},
	"it is built from your own details (name, email, personnel number or birth date)": {
		"сейчас он составлен из ваших данных (имени, адреса, табельного номера или даты рождения)",
		"ahora se basa en sus propios datos (nombre, correo, número de personal o fecha de nacimiento)"},
	"it is built from commonly used passwords": {
		"сейчас он составлен из распространённых паролей",
		"ahora se basa en contraseñas muy usadas"},
	"it repeats characters or groups of characters": {
		"сейчас в нём повторяются символы или группы символов",
		"ahora repite caracteres o grupos de caracteres"},
	"it follows a sequence such as 1234 or abcd": {
		"сейчас он идёт по порядку, как 1234 или abcd",
		"ahora sigue una secuencia como 1234 o abcd"},
	"it follows a keyboard pattern such as qwerty": {
		"сейчас он повторяет ряд клавиш, как qwerty или йцукен",
		"ahora sigue un patrón del teclado como qwerty"},
	"it is built from a date": {"сейчас он составлен из даты", "ahora se basa en una fecha"},
	"it is built from a year": {"сейчас он составлен из года", "ahora se basa en un año"},
	"it is built from a few common words or names": {
		"сейчас он составлен из нескольких частых слов или имён",
		"ahora se basa en unas pocas palabras o nombres comunes"},
	"it is too short for the characters it uses": {
		"сейчас он слишком короткий для набора символов, из которых состоит",
		"ahora es demasiado corta para los caracteres que usa"},
}
