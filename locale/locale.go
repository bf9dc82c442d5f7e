package locale

import (
	"context"
	"fmt"
	"net/http"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// The languages bookingkit speaks.
var (
	English = language.English
	Russian = language.Russian
	Spanish = language.Spanish
)

// Supported lists the languages bookingkit speaks, English first: the
// default of a deployment that configures none.
var Supported = []language.Tag{English, Russian, Spanish}

// Parse returns the supported language s names, as a BCP 47 tag ("ru",
// "es", "en-GB" is English); "" is English. A language bookingkit does not
// speak is an error, so that a deployment's configured default is checked
// at start.
func Parse(s string) (language.Tag, error) {
	if s == "" {
		return English, nil
	}
	tag, err := language.Parse(s)
	if err != nil {
		return language.Und, fmt.Errorf("language %q: %w", s, err)
	}
	base, _ := tag.Base()
	for _, t := range Supported {
		if b, _ := t.Base(); b == base {
			return t, nil
		}
	}
	return language.Und, fmt.Errorf("language %q: not one of en, ru, es", s)
}

// Languages chooses the language of a request: the best match of its
// Accept-Language among [Supported], else Default.
type Languages struct {
	// Default is the language of a request that accepts none of the
	// supported ones or sends no Accept-Language; the zero value is
	// English.
	Default language.Tag
}

// Of returns the language of r.
func (l Languages) Of(r *http.Request) language.Tag {
	def := l.Default
	if def == language.Und {
		def = English
	}
	accept := r.Header.Get("Accept-Language")
	if accept == "" {
		return def
	}
	// The matcher falls back to its first tag when nothing matches well
	// enough: the default.
	tags := []language.Tag{def}
	for _, t := range Supported {
		if t != def {
			tags = append(tags, t)
		}
	}
	_, i, conf := language.NewMatcher(tags).Match(parseAccept(accept)...)
	if conf == language.No {
		return def
	}
	return tags[i]
}

// parseAccept reads an Accept-Language header; a malformed one counts as
// absent.
func parseAccept(accept string) []language.Tag {
	tags, _, err := language.ParseAcceptLanguage(accept)
	if err != nil {
		return nil
	}
	return tags
}

// Middleware stores each request's language ([Languages.Of]) and the
// deployment's default in its context, for [Request], [Of] and
// [DefaultOf]: every handler behind it, the errors they answer and the
// mails they send speak the same language.
func (l Languages) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := WithDefault(WithLanguage(r.Context(), l.Of(r)), l.Default)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

type (
	languageKey struct{}
	defaultKey  struct{}
)

// WithLanguage returns ctx carrying tag as the language of what is said
// to the person behind it: the request's, or the one a queued request
// stored with it.
func WithLanguage(ctx context.Context, tag language.Tag) context.Context {
	return context.WithValue(ctx, languageKey{}, tag)
}

// WithDefault returns ctx carrying tag as the deployment's default
// language, for what is said to someone who did not ask (the mail an
// employee-list import sends) and in a worker's context, which has no
// request.
func WithDefault(ctx context.Context, tag language.Tag) context.Context {
	if tag == language.Und {
		return ctx
	}
	return context.WithValue(ctx, defaultKey{}, tag)
}

// FromContext returns the language ctx carries ([WithLanguage]), and
// whether it carries one.
func FromContext(ctx context.Context) (language.Tag, bool) {
	tag, ok := ctx.Value(languageKey{}).(language.Tag)
	return tag, ok
}

// Of returns the language to speak in ctx: the one it carries
// ([WithLanguage]), else its default ([DefaultOf]).
func Of(ctx context.Context) language.Tag {
	if tag, ok := FromContext(ctx); ok {
		return tag
	}
	return DefaultOf(ctx)
}

// DefaultOf returns the deployment's default language that ctx carries
// ([WithDefault]), else English.
func DefaultOf(ctx context.Context) language.Tag {
	if tag, ok := ctx.Value(defaultKey{}).(language.Tag); ok {
		return tag
	}
	return English
}

// Request returns the language to answer r in: the one its context
// carries ([Languages.Middleware]), else its Accept-Language matched with
// English as the default.
func Request(r *http.Request) language.Tag {
	if tag, ok := FromContext(r.Context()); ok {
		return tag
	}
	return Languages{}.Of(r)
}

// Printer returns a printer of the catalogue's messages in tag (English
// when bookingkit does not speak it).
func Printer(tag language.Tag) *message.Printer {
	return message.NewPrinter(supported(tag), message.Catalog(catalogue))
}

// Sprintf prints the message key in tag with args: its translation, or,
// for a key the catalogue lacks, key itself as a fmt format.
func Sprintf(tag language.Tag, key string, args ...any) string {
	if _, ok := keys[key]; !ok {
		return fmt.Sprintf(key, args...)
	}
	return Printer(tag).Sprintf(key, args...)
}

// Translate prints key in tag with args and reports whether the catalogue
// has it; it does not print a key it lacks, so that the caller can keep a
// text it already has.
func Translate(tag language.Tag, key string, args ...any) (string, bool) {
	if _, ok := keys[key]; !ok {
		return "", false
	}
	return Printer(tag).Sprintf(key, args...), true
}

// supported returns tag when bookingkit speaks it, else English.
func supported(tag language.Tag) language.Tag {
	for _, t := range Supported {
		if t == tag {
			return t
		}
	}
	return English
}

// PerLanguage holds one T for each supported language.
type PerLanguage[T any] map[language.Tag]T

// Build makes one T per supported language with build, such as a
// template parsed with the language's [Funcs].
func Build[T any](build func(tag language.Tag) (T, error)) (PerLanguage[T], error) {
	out := make(PerLanguage[T], len(Supported))
	for _, tag := range Supported {
		v, err := build(tag)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", tag, err)
		}
		out[tag] = v
	}
	return out, nil
}

// In returns the T of tag, or English's when bookingkit does not speak
// tag.
func (p PerLanguage[T]) In(tag language.Tag) T { return p[supported(tag)] }

// Queued returns ctx speaking lang, the language a queued request stored
// ([Of] of the request's context, as a BCP 47 tag), for the worker that
// completes it; an empty or unknown lang leaves ctx as it is (its
// default).
func Queued(ctx context.Context, lang string) context.Context {
	if lang == "" {
		return ctx
	}
	tag, err := Parse(lang)
	if err != nil {
		return ctx
	}
	return WithLanguage(ctx, tag)
}

// ToQueue returns the language ctx carries ([WithLanguage]) as a BCP 47
// tag, for a queued request to keep for the worker ([Queued]), or "" when
// it carries none (the worker's default).
func ToQueue(ctx context.Context) string {
	if tag, ok := FromContext(ctx); ok {
		return tag.String()
	}
	return ""
}

// For returns a printer of the catalogue in the language of ctx ([Of]):
// the request's, or the one a queued request kept.
func For(ctx context.Context) *message.Printer { return Printer(Of(ctx)) }
