package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/internal/smtptest"
)

// fetchIn GETs url in the language accept (no Accept-Language when "")
// with header, and returns the answer's status, Content-Language and
// body.
func fetchIn(t *testing.T, url, accept string, header http.Header) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	if accept != "" {
		req.Header.Set("Accept-Language", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header.Get("Content-Language"), string(b)
}

// requirePagesSay fetches url with header in each language of want (an
// Accept-Language) and checks that the page is in it and says its
// phrases.
func requirePagesSay(t *testing.T, url string, header http.Header, want map[string][]string) {
	t.Helper()
	for accept, phrases := range want {
		status, lang, body := fetchIn(t, url, accept, header)
		require.Equal(t, http.StatusOK, status, accept)
		require.Equal(t, accept, lang)
		for _, phrase := range phrases {
			require.Contains(t, body, phrase, accept)
		}
	}
}

// requireMailSays waits for the next mail smtp receives and checks its
// subject and that its body says phrases.
func requireMailSays(t *testing.T, smtp *smtptest.Server, subject string, phrases ...string) {
	t.Helper()
	select {
	case m := <-smtp.Messages:
		require.Equal(t, subject, m.Subject)
		for _, p := range phrases {
			require.Contains(t, m.Body, p)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no mail %q", subject)
	}
}

// partnerThreeInstances has the administrator create partner P, its
// company Acme and three WDS instances of it (one basic, two enterprise),
// as drafts.
func partnerThreeInstances(w *partnerWorld) (partnerPartnerJSON, []partnerInstanceJSON) {
	w.t.Helper()
	var pt partnerPartnerJSON
	w.admin.do("POST", "/api/partner/partners", map[string]string{"name": "P"}, http.StatusCreated, &pt)
	var company partnerCompanyJSON
	w.admin.do("POST", "/api/partner/companies", map[string]string{"partner_id": pt.ID, "name": "Acme"}, http.StatusCreated, &company)
	var out []partnerInstanceJSON
	for _, profile := range []string{"basic", "enterprise", "enterprise"} {
		var inst partnerInstanceJSON
		w.admin.do("POST", "/api/partner/instances", map[string]any{"company_id": company.ID, "type": "WDS", "profile": profile,
			"company_data": map[string]string{"legal_name": "Acme S.L.", "tax_id": "B1", "contact_email": "a@acme.example", "country": "ES"},
			"config":       map[string]string{"max_terminals": "2", "time_zone": "UTC"}, "expires_at": time.Now().AddDate(1, 0, 0)}, http.StatusCreated, &inst)
		out = append(out, inst)
	}
	return pt, out
}

// The import page, the staff set-password page and the staff mails in
// Russian and Spanish by Accept-Language, English without it; an error
// answer in Russian.
func TestStaffPagesMailsAndErrorsInRussianAndSpanish(t *testing.T) {
	e := startStaff(t, filepath.Join(t.TempDir(), "bookingkit.db"), nil)
	e.upload(staffTestList)
	page := e.ts.URL + "/settings__airline_staff_id_employee_import"
	for _, c := range []struct{ accept, lang string }{
		{"ru", "ru"}, {"ru-RU,ru;q=0.9,en;q=0.5", "ru"}, {"es", "es"}, {"es-MX", "es"}, {"", "en"}, {"de", "en"},
	} {
		status, lang, body := fetchIn(t, page, c.accept, nil)
		require.Equal(t, http.StatusOK, status, c.accept)
		require.Equal(t, c.lang, lang, c.accept)
		require.Contains(t, body, `<html lang="`+c.lang+`">`, c.accept)
		want := map[string][]string{
			"ru": {"Загрузка списка сотрудников", "Токен импорта", "Список сотрудников (.xlsx)", "Загрузить и импортировать"},
			"es": {"Subir la lista de empleados", "Token de importación", "Lista de empleados (.xlsx)", "Subir e importar"},
			"en": {"Upload the employee list", "Import token", "Employee list (.xlsx)", "Upload and import"},
		}[c.lang]
		for _, phrase := range want {
			require.Contains(t, body, phrase, c.accept)
		}
	}

	// Registration in Russian: the answer and the mail, which the worker
	// sends from the queued form, keep the request's language.
	form := map[string]string{"LastName": "Lennon", "FirstName": "John", "BirthDay": "09.10.1940", "EmployeeID": "884220062", "Email": "it@websky.tech"}
	status, h, body := e.do("POST", "/api/staff/register", http.Header{"Accept-Language": {"ru"}}, form)
	require.Equal(t, http.StatusAccepted, status, string(body))
	require.Contains(t, string(body), "спасибо: мы отправили на указанный адрес письмо")
	require.Equal(t, "application/json; charset=utf-8", h.Get("Content-Type"))
	mail := e.mailedText("it@websky.tech")
	require.Contains(t, mail, "Ваша учётная запись служебных перелётов")
	require.Contains(t, mail, "Здравствуйте, John!")
	require.Contains(t, mail, "она сработает один раз и действует 24 часа:")
	link := staffLinkRE.FindStringSubmatch(mail)
	require.NotNil(t, link, mail)

	// The set-password page the link opens, in each language.
	requirePagesSay(t, e.ts.URL+link[1], nil, map[string][]string{
		"ru": {"Служебные перелёты: выбор пароля", "Выберите пароль", "Для it@websky.tech. Не короче 8 символов", "Задать пароль"},
		"es": {"Viajes de empleados: elija su contraseña", "Elija su contraseña", "Para it@websky.tech. Al menos 8 caracteres", "Establecer la contraseña"},
		"en": {"Staff travel: choose your password", "For it@websky.tech. At least 8 characters", "Set password"},
	})
	// A link it cannot use, in Spanish.
	_, _, bad := fetchIn(t, e.ts.URL+"/api/staff/password?token=nonsense", "es", nil)
	require.Contains(t, bad, "Este enlace no es válido, ya se ha usado o ha caducado.")

	// A reset asked in Spanish is mailed in Spanish.
	status, _, body = e.do("POST", "/api/staff/password/reset", http.Header{"Accept-Language": {"es"}}, map[string]string{"email": "it@websky.tech"})
	require.Equal(t, http.StatusAccepted, status, string(body))
	require.Contains(t, string(body), "si esta dirección tiene una cuenta de viajes de empleados")

	// Errors: a bad password in Russian, with its reason translated.
	var session staffSessionT
	status, h, body = e.do("POST", "/api/staff/password", http.Header{"Accept-Language": {"ru"}}, map[string]string{"token": staffToken(link[1]), "password": "short"})
	require.Equal(t, http.StatusBadRequest, status, string(body))
	require.Equal(t, "ru", h.Get("Content-Language"))
	require.Contains(t, string(body), `"error":"password: не короче 8 символов"`)
	require.Contains(t, string(body), `"field":"password"`)
	e.call("POST", "/api/staff/password", nil, map[string]string{"token": staffToken(link[1]), "password": "Yellow submarine under the sea"}, http.StatusOK, &session)
	reset := e.mailedText("it@websky.tech")
	require.Contains(t, reset, "Su contraseña de viajes de empleados")
	require.Contains(t, reset, "Hola, John:")
	require.Contains(t, reset, "funciona una sola vez, durante 24 horas:")

	status, h, body = e.do("POST", "/api/staff/login", http.Header{"Accept-Language": {"ru"}}, map[string]string{"email": "it@websky.tech", "password": "wrong password entirely"})
	require.Equal(t, http.StatusUnauthorized, status)
	require.Equal(t, "ru", h.Get("Content-Language"))
	var eb struct {
		Error     string `json:"error"`
		RequestID string `json:"request_id"`
	}
	require.NoError(t, json.Unmarshal(body, &eb))
	require.Equal(t, "неверный адрес или пароль", eb.Error)
	require.NotEmpty(t, eb.RequestID)
	// The same in English is the text it always was.
	status, h, body = e.do("POST", "/api/staff/login", nil, map[string]string{"email": "it@websky.tech", "password": "wrong password entirely"})
	require.Equal(t, http.StatusUnauthorized, status)
	require.Equal(t, "en", h.Get("Content-Language"))
	require.Contains(t, string(body), `"error":"email or password is wrong: unauthorized"`)
	// Not signed in, in Spanish.
	status, _, body = e.do("GET", "/api/staff/passengers", http.Header{"Accept-Language": {"es"}}, nil)
	require.Equal(t, http.StatusUnauthorized, status)
	require.Contains(t, string(body), "no ha iniciado sesión")
}

// The partner reports page and sign-in page, and PartnerApp's and MOGU's
// mails, in Russian and Spanish.
func TestPartnerPagesAndMailsInRussianAndSpanish(t *testing.T) {
	w := startPartnerWorld(t, filepath.Join(t.TempDir(), "bookingkit.db"))
	pt, _ := partnerThreeInstances(w)
	bearer := http.Header{"Authorization": {"Bearer " + w.admin.token}}
	requirePagesSay(t, w.ts.URL+"/partner/reports?subject=instances", bearer, map[string][]string{
		"ru": {"PartnerApp · Отчёты", "По типу", "По состоянию", "Working Day Suite: 3 экземпляра. Показать список", "Черновик", "Под фильтр подходят экземпляры: 3.", "Выйти", "Скачать числа в CSV"},
		"es": {"PartnerApp · Informes", "Por tipo", "Por estado", "Working Day Suite: 3 instancias. Ver la lista", "Borrador", "3 instancias coinciden con el filtro.", "Cerrar sesión", "Descargar las cifras en CSV"},
		"en": {"PartnerApp · Reports", "By type", "By state", "Working Day Suite: 3 instances. List them", "Draft", "3 instances match the filter.", "Sign out"},
	})
	_, _, signIn := fetchIn(t, w.ts.URL+"/partner/sign-in", "ru", nil)
	require.Contains(t, signIn, "Вход в PartnerApp")

	// A reset asked in Russian is mailed in Russian; a partner user's
	// invitation, which they did not ask for, in the deployment's default.
	w.admin.do("POST", "/api/partner/users", map[string]string{"partner_id": pt.ID, "role": "partner_user", "name": "Eva", "email": "eva@p.example"}, http.StatusCreated, nil)
	invite := <-w.smtp.Messages
	require.Equal(t, "Your PartnerApp account", invite.Subject)
	req, _ := http.NewRequest("POST", w.ts.URL+"/api/partner/password/reset", strings.NewReader(`{"email":"eva@p.example"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", "ru")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusAccepted, resp.StatusCode)
	requireMailSays(t, w.smtp, "Ваш пароль PartnerApp", "Откройте ссылку, чтобы выбрать новый пароль PartnerApp:", "Ссылка сработает один раз и действует 24 часа.")

	// MOGU's sign-up in Spanish.
	m := startMogu(t, "memory:", nil)
	status, _, body := m.do("POST", "/api/mogu/register", http.Header{"Accept-Language": {"es"}}, map[string]string{"email": "ana@example.com"})
	require.Equal(t, http.StatusAccepted, status, string(body))
	requireMailSays(t, m.smtp, "Su cuenta de MOGU", "Bienvenido a MOGU. Abra este enlace para elegir su contraseña", "El enlace funciona una sola vez y caduca en 24 horas.")
	// MOGU's pages for travellers: a claim URL's landing page in Russian,
	// the "add services" page in Spanish.
	status, lang, landing := fetchIn(t, m.ts.URL+"/api/mogu/c/NOTATOKEN", "ru", nil)
	require.Equal(t, http.StatusNotFound, status)
	require.Equal(t, "ru", lang)
	require.Contains(t, landing, "Это не код поездки MOGU")
	status, lang, services := fetchIn(t, m.ts.URL+"/booking/ITT-10593/services", "es", nil)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "es", lang)
	require.Contains(t, services, "Su referencia de reserva es <code>ITT-10593</code>.")
}

// default_language in the config file answers the requests that ask for
// no language bookingkit speaks; a language it does not speak stops the
// start.
func TestDefaultLanguageFromConfig(t *testing.T) {
	cfgFile := filepath.Join(t.TempDir(), "bookingkit.json")
	require.NoError(t, os.WriteFile(cfgFile, []byte(`{"default_language": "es"}`), 0o600))
	ts := startServer(t, map[string]string{"BOOKINGKIT_IMPORT_TOKEN": staffTestImportToken}, "-db", "memory:", "-config", cfgFile)
	page := ts.URL + "/settings__airline_staff_id_employee_import"
	for accept, want := range map[string]string{"": "Subir la lista de empleados", "de, fr;q=0.5": "Subir la lista de empleados", "en": "Upload the employee list", "ru": "Загрузка списка сотрудников"} {
		status, _, body := fetchIn(t, page, accept, nil)
		require.Equal(t, http.StatusOK, status)
		require.Contains(t, body, want, "Accept-Language %q", accept)
	}
	status, lang, body := fetchIn(t, ts.URL+"/api/staff/passengers", "", nil)
	require.Equal(t, http.StatusUnauthorized, status)
	require.Equal(t, "es", lang)
	require.Contains(t, body, "no ha iniciado sesión")

	require.NoError(t, os.WriteFile(cfgFile, []byte(`{"default_language": "de"}`), 0o600))
	_, err := parseConfig([]string{"bookingkitd", "-config", cfgFile}, func(string) string { return "" }, io.Discard)
	require.ErrorContains(t, err, `default_language: language "de": not one of en, ru, es`)
}
