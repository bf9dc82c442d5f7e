package httpapi

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"encoding/base64"
	"html/template"
	"log/slog"
	"net/http"

	"github.com/bookingkit/bookingkit/locale"
	"golang.org/x/text/language"
)

// Page is an HTML page that a server renders itself (a sign-in form, a
// set-password page opened from a mailed link, an upload form), answered
// under a content security policy that lets in nothing but the page's own
// inline style (and, if it says so, its own scripts), with a nonce made
// fresh for each answer: text that a user put into the page cannot run.
// The page's forms may post only to the server; no other site may frame
// it; it is never cached.
type Page struct {
	// Template renders the page; its data holds the nonce, which the
	// page's <style> and <script> elements carry as their nonce attribute.
	// A page in several languages leaves it nil and sets Languages.
	Template *template.Template
	// Languages, if set, renders the page in the request's language
	// ([locale.Request]): one template per language, parsed with its
	// translation functions ([ParsePage]). The answer names the language
	// in Content-Language.
	Languages locale.PerLanguage[*template.Template]
	// Scripts lets the page's own inline scripts (those with the nonce)
	// run and same-origin images load.
	Scripts bool
	// NoReferrer keeps the page's URL out of the Referer header of the
	// requests it leads to: for a page whose URL carries a secret, such
	// as a mailed link's token.
	NoReferrer bool
	// Logger, if set, logs a page that fails to render.
	Logger *slog.Logger
}

// Render answers with status and the page's template called name (the
// template itself when name is ""), executed with what data returns for
// the answer's nonce. The page is rendered whole before anything is
// written, so that a failing template is a clean 500 and not half a page.
func (p Page) Render(w http.ResponseWriter, r *http.Request, status int, name string, data func(nonce string) any) {
	var b [16]byte
	rand.Read(b[:])
	nonce := base64.RawStdEncoding.EncodeToString(b[:])
	tpl, lang := p.Template, ""
	if p.Languages != nil {
		tag := locale.Request(r)
		tpl, lang = p.Languages.In(tag), tag.String()
	}
	var buf bytes.Buffer
	var err error
	if name == "" {
		err = tpl.Execute(&buf, data(nonce))
	} else {
		err = tpl.ExecuteTemplate(&buf, name, data(nonce))
	}
	if err != nil {
		if p.Logger != nil {
			p.Logger.ErrorContext(r.Context(), "rendering a page failed", "request_id", RequestID(r.Context()), "page", cmp.Or(name, tpl.Name()), "error", err)
		}
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	policy := "default-src 'none'; style-src 'nonce-" + nonce + "'; "
	if p.Scripts {
		policy += "script-src 'nonce-" + nonce + "'; img-src 'self'; "
	}
	policy += "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", policy)
	h.Set("Cache-Control", "no-store")
	if p.NoReferrer {
		h.Set("Referrer-Policy", "no-referrer")
	}
	h.Set("X-Content-Type-Options", "nosniff")
	if lang != "" {
		SetContentLanguage(h, lang)
	}
	w.WriteHeader(status)
	w.Write(buf.Bytes()) //nolint:errcheck // the client has gone
}

// ParsePage parses a page's template text once per supported language,
// with the language's translation functions ([locale.Funcs]: {{t "…"}},
// {{lang}}) and funcs: the [Page.Languages] of a page in several
// languages.
func ParsePage(name, text string, funcs template.FuncMap) (locale.PerLanguage[*template.Template], error) {
	return locale.Build(func(tag language.Tag) (*template.Template, error) {
		return template.New(name).Funcs(locale.Funcs(tag)).Funcs(funcs).Parse(text)
	})
}

// SetContentLanguage names lang as the language of an answer that was
// chosen by the request's Accept-Language, which caches must then tell
// apart.
func SetContentLanguage(h http.Header, lang string) {
	h.Set("Content-Language", lang)
	h.Add("Vary", "Accept-Language")
}
