package httpapi_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/partner"
)

// WriteError answers in the request's language what the catalogue
// translates, and in English what it does not, saying which in
// Content-Language.
func TestWriteErrorInRequestLanguage(t *testing.T) {
	tests := []struct {
		name, accept string
		err          error
		lang, text   string
		field        string
	}{
		{"a keyed error inside context", "ru", fmt.Errorf("login: %w", account.ErrBadCredentials), "ru", "неверный адрес или пароль", ""},
		{"the same in English", "en", fmt.Errorf("login: %w", account.ErrBadCredentials), "en", "login: email or password is wrong: unauthorized", ""},
		{"no language asked", "", account.ErrBadCredentials, "en", "email or password is wrong: unauthorized", ""},
		{"a sentinel alone", "ru", bookingkit.ErrNotFound, "ru", "не найдено", ""},
		{"an error without a key stays English", "ru", fmt.Errorf("x: %w", bookingkit.ErrNotFound), "en", "x: not found", ""},
		{"a reason with arguments", "ru", bookingkit.Invalidf("password", "", "at least %d characters", 8), "ru", "password: не короче 8 символов", "password"},
		{"a translated word inside a reason", "es", bookingkit.Invalidf("password", "", "harder to guess: %s; a phrase of four or more words that do not belong together is strong and easy to remember", bookingkit.Msg("it is built from a date")),
			"es", "password: más difícil de adivinar: ahora se basa en una fecha; una frase de cuatro o más palabras sin relación entre sí es segura y fácil de recordar", "password"},
		{"a rate limit", "es", &bookingkit.RetryAfterError{Seconds: 3}, "es", "demasiados intentos: vuelva a intentarlo dentro de 3 s", ""},
		{"a 500", "es", errors.New("disk on fire"), "es", "error interno", ""},
		{"an error that words itself", "ru", fmt.Errorf("x: %w", &partner.TransitionError{Object: "instance", ID: "inst_1", State: partner.StateActive, Event: partner.EventProvision}),
			"ru", "экземпляр inst_1: действие provision недопустимо в состоянии active", ""},
		{"the same in English", "", &partner.TransitionError{Object: "licence", State: partner.StateDeactivated, Event: partner.EventBind}, "en", "licence: bind is not allowed in state deactivated", ""},
		{"a partner field check", "ru", partnerTypeError(), "ru", "type \"XYZ\": одно из: WDS, MCRM, S360, WTA", "type"},
		{"the same in Spanish", "es", partnerTypeError(), "es", "type \"XYZ\": uno de: WDS, MCRM, S360, WTA", "type"},
		{"the same in English", "", partnerTypeError(), "en", "type \"XYZ\": one of WDS, MCRM, S360, WTA", "type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			if tt.accept != "" {
				r.Header.Set("Accept-Language", tt.accept)
			}
			w := httptest.NewRecorder()
			httpapi.WriteError(w, r, nil, tt.err)
			require.Equal(t, tt.lang, w.Header().Get("Content-Language"))
			require.Contains(t, w.Header().Values("Vary"), "Accept-Language")
			var body httpapi.ErrorBody
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body))
			require.Equal(t, tt.text, body.Error)
			require.Equal(t, tt.field, body.Field)
		})
	}
}

// partnerTypeError is the refusal of an unknown instance type, as package
// partner gives it.
func partnerTypeError() error {
	_, err := partner.DefaultRegistry().Type("XYZ")
	return err
}
