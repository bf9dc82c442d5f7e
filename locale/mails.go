package locale

// mails are the texts of the built-in mails: staff travel's (staffid),
// MOGU's and PartnerApp's sign-in links.
var mails = map[string]text{
	"Hello %s,": {"Здравствуйте, %s!", "Hola, %s:"},
	"Hello,":    {"Здравствуйте!", "Hola:"},
	"If you did not ask for this, ignore this message: nothing happens without the link.": {
		"Если вы этого не запрашивали, просто не обращайте внимания на это письмо: без ссылки ничего не произойдёт.",
		"Si no lo ha pedido, ignore este mensaje: sin el enlace no ocurre nada."},
	"If you did not ask for this, ignore this message: your password stays as it is.": {
		"Если вы этого не запрашивали, просто не обращайте внимания на это письмо: пароль останется прежним.",
		"Si no lo ha pedido, ignore este mensaje: su contraseña sigue siendo la misma."},
	"If you did not ask for this, ignore this message: nothing has changed.": {
		"Если вы этого не запрашивали, просто не обращайте внимания на это письмо: ничего не изменилось.",
		"Si no lo ha pedido, ignore este mensaje: no ha cambiado nada."},
	"If you did not ask for this, ignore this message: no account was made.": {
		"Если вы этого не запрашивали, просто не обращайте внимания на это письмо: учётная запись не создана.",
		"Si no lo ha pedido, ignore este mensaje: no se ha creado ninguna cuenta."},
	"If you did not expect this, ask your staff travel office.": {
		"Если вы этого не ожидали, обратитесь в отдел служебных перелётов.",
		"Si no lo esperaba, consulte a la oficina de viajes de empleados."},

	"Your staff travel account": {
		"Ваша учётная запись служебных перелётов",
		"Su cuenta de viajes de empleados"},
	"Your staff travel password": {
		"Ваш пароль для служебных перелётов",
		"Su contraseña de viajes de empleados"},
	"Your staff travel account now uses this address": {
		"Ваша учётная запись служебных перелётов теперь привязана к этому адресу",
		"Su cuenta de viajes de empleados usa ahora esta dirección"},
	"Your staff travel registration": {
		"Ваша регистрация в системе служебных перелётов",
		"Su registro en viajes de empleados"},
	"You asked to register for staff travel with this address (%s). Open this link to choose your password; it works once, within %s:": {
		"Вы запросили регистрацию для служебных перелётов с этим адресом (%s). Откройте ссылку, чтобы выбрать пароль; она сработает один раз и действует %s:",
		"Ha pedido registrarse en viajes de empleados con esta dirección (%s). Abra este enlace para elegir su contraseña; funciona una sola vez, durante %s:"},
	"From then on, sign in with your email and that password.": {
		"После этого входите с этим адресом и выбранным паролем.",
		"A partir de entonces, inicie sesión con su correo y esa contraseña."},
	"Open this link to choose a new password for staff travel; it works once, within %s:": {
		"Откройте ссылку, чтобы выбрать новый пароль для служебных перелётов; она сработает один раз и действует %s:",
		"Abra este enlace para elegir una nueva contraseña de viajes de empleados; funciona una sola vez, durante %s:"},
	"Your airline's employee list gives this address (%s) for your staff travel account, so the account now uses it. The previous address no longer signs in, and its password and sessions have ended.": {
		"В списке сотрудников вашей авиакомпании для вашей учётной записи служебных перелётов указан этот адрес (%s), поэтому теперь учётная запись привязана к нему. С прежним адресом войти больше нельзя, его пароль и сеансы больше не действуют.",
		"La lista de empleados de su aerolínea indica esta dirección (%s) para su cuenta de viajes de empleados, así que la cuenta la usa ahora. La dirección anterior ya no permite iniciar sesión, y su contraseña y sus sesiones han terminado."},
	"Open this link to choose your password; it works once, within %s:": {
		"Откройте ссылку, чтобы выбрать пароль; она сработает один раз и действует %s:",
		"Abra este enlace para elegir su contraseña; funciona una sola vez, durante %s:"},
	"Someone, perhaps you, asked to register for staff travel with this address (%s), which already has a staff travel account.": {
		"Кто-то, возможно вы, запросил регистрацию для служебных перелётов с этим адресом (%s), но к нему уже привязана учётная запись.",
		"Alguien, quizá usted, ha pedido registrarse en viajes de empleados con esta dirección (%s), que ya tiene una cuenta."},
	"Sign in with this address and your password. If you forgot the password, choose “Forgot password” on the sign-in page to get a link for a new one. One address holds one account: to register other details, use another address.": {
		"Войдите с этим адресом и своим паролем. Если вы забыли пароль, нажмите «Забыли пароль?» на странице входа и получите ссылку для нового. Один адрес — одна учётная запись: чтобы зарегистрировать другие данные, используйте другой адрес.",
		"Inicie sesión con esta dirección y su contraseña. Si la ha olvidado, elija «¿Olvidó su contraseña?» en la página de inicio de sesión para recibir un enlace y crear una nueva. Cada dirección tiene una sola cuenta: para registrar otros datos, use otra dirección."},
	"Someone, perhaps you, asked to register for staff travel with this address (%s). The details given belong to an employee who already has a staff travel account, under another address.": {
		"Кто-то, возможно вы, запросил регистрацию для служебных перелётов с этим адресом (%s). Указанные данные принадлежат сотруднику, у которого уже есть учётная запись с другим адресом.",
		"Alguien, quizá usted, ha pedido registrarse en viajes de empleados con esta dirección (%s). Los datos indicados son de un empleado que ya tiene una cuenta con otra dirección."},
	"Sign in with that address. If it is not yours, or you no longer have it, ask your staff travel office: once your employer's list gives your own address, the account moves to it and a link to choose your password is sent there.": {
		"Входите с тем адресом. Если он не ваш или у вас больше нет к нему доступа, обратитесь в отдел служебных перелётов: как только в списке вашего работодателя появится ваш адрес, учётная запись перейдёт на него и туда придёт ссылка для выбора пароля.",
		"Inicie sesión con esa dirección. Si no es suya o ya no la tiene, consulte a la oficina de viajes de empleados: cuando la lista de su empresa indique su propia dirección, la cuenta pasará a ella y allí recibirá un enlace para elegir su contraseña."},
	"Someone, perhaps you, asked to register for staff travel with this address (%s), but the details given do not match an employee of your airline's list who may register. Every field must be as your employer recorded it, and when the list holds your email address, register with that one. Check the details and try again, or ask your staff travel office.": {
		"Кто-то, возможно вы, запросил регистрацию для служебных перелётов с этим адресом (%s), но указанные данные не совпадают ни с одним сотрудником из списка вашей авиакомпании, которому разрешена регистрация. Каждое поле должно быть таким, как его записал работодатель, а если в списке указан ваш адрес электронной почты, регистрируйтесь с ним. Проверьте данные и попробуйте ещё раз или обратитесь в отдел служебных перелётов.",
		"Alguien, quizá usted, ha pedido registrarse en viajes de empleados con esta dirección (%s), pero los datos indicados no coinciden con ningún empleado de la lista de su aerolínea que pueda registrarse. Cada campo debe figurar tal como lo registró su empresa y, si la lista contiene su correo electrónico, regístrese con ese. Revise los datos e inténtelo de nuevo, o consulte a la oficina de viajes de empleados."},

	"The link works once and expires in %s. If you did not ask for it, ignore this message.": {
		"Ссылка сработает один раз и действует %s. Если вы её не запрашивали, просто не обращайте внимания на это письмо.",
		"El enlace funciona una sola vez y caduca en %s. Si no lo ha pedido, ignore este mensaje."},
	"Your MOGU account":  {"Ваша учётная запись MOGU", "Su cuenta de MOGU"},
	"Your MOGU password": {"Ваш пароль MOGU", "Su contraseña de MOGU"},
	"Welcome to MOGU. Open this link to choose your password; your trips open right after:": {
		"Добро пожаловать в MOGU. Откройте ссылку, чтобы выбрать пароль; сразу после этого откроются ваши поездки:",
		"Bienvenido a MOGU. Abra este enlace para elegir su contraseña; sus viajes se abren justo después:"},
	"Someone (we hope you) tried to register this address in MOGU, where it already has an account. Open this link to choose a new password:": {
		"Кто-то (надеемся, что вы) пытался зарегистрировать этот адрес в MOGU, но к нему уже привязана учётная запись. Откройте ссылку, чтобы выбрать новый пароль:",
		"Alguien (esperamos que usted) ha intentado registrar esta dirección en MOGU, donde ya tiene una cuenta. Abra este enlace para elegir una nueva contraseña:"},
	"Open this link to choose a new MOGU password:": {
		"Откройте ссылку, чтобы выбрать новый пароль MOGU:",
		"Abra este enlace para elegir una nueva contraseña de MOGU:"},
	"Your PartnerApp account":  {"Ваша учётная запись PartnerApp", "Su cuenta de PartnerApp"},
	"Your PartnerApp password": {"Ваш пароль PartnerApp", "Su contraseña de PartnerApp"},
	"An account has been opened for you in PartnerApp. Open this link to choose your password:": {
		"Для вас открыта учётная запись в PartnerApp. Откройте ссылку, чтобы выбрать пароль:",
		"Se le ha abierto una cuenta en PartnerApp. Abra este enlace para elegir su contraseña:"},
	"Open this link to choose a new PartnerApp password:": {
		"Откройте ссылку, чтобы выбрать новый пароль PartnerApp:",
		"Abra este enlace para elegir una nueva contraseña de PartnerApp:"},
}
