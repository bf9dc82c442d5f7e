package locale_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/locale"
)

// The language the middleware chose wins over the header, and the
// deployment's default answers a header that asks for no language
// bookingkit speaks.
func TestMiddlewareChoosesByAcceptLanguageWithTheDefault(t *testing.T) {
	var got []string
	h := locale.Languages{Default: locale.Spanish}.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, locale.Request(r).String()+"/"+locale.DefaultOf(r.Context()).String())
	}))
	for _, accept := range []string{"", "de", "ru;q=0.4, fr", "en-GB", "xx-invalid;;"} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Language", accept)
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	require.Equal(t, []string{"es/es", "es/es", "ru/es", "en/es", "es/es"}, got)
}

func TestParse(t *testing.T) {
	for in, want := range map[string]string{"": "en", "ru": "ru", "es-ES": "es", "en-GB": "en", "RU": "ru"} {
		tag, err := locale.Parse(in)
		require.NoError(t, err, in)
		require.Equal(t, want, tag.String(), in)
	}
	for _, in := range []string{"de", "zz-!!"} {
		_, err := locale.Parse(in)
		require.Error(t, err, in)
	}
}
