package httpapi

import (
	"fmt"
	"net/http"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/locale"
	"golang.org/x/text/language"
)

// RequestMessage is [PublicMessage] in r's language ([locale.Request]):
// the outermost *bookingkit.Error ([bookingkit.Errorf]) or
// *bookingkit.ValidationError in err's chain, translated by the message
// catalogue, or a text that is itself a key of the catalogue (the
// sentinels' "not found", "internal error"). An error the catalogue does
// not know keeps its English text, as does every error answered in
// English. The second result is the language of the text.
func RequestMessage(r *http.Request, err error) (string, language.Tag) {
	tag := locale.Request(r)
	if tag == locale.English {
		return PublicMessage(err), locale.English
	}
	if s, ok := translateError(tag, err); ok {
		return s, tag
	}
	if s, ok := locale.Translate(tag, PublicMessage(err)); ok {
		return s, tag
	}
	return PublicMessage(err), locale.English
}

// Text is the message key in r's language ([locale.Request]), filled
// with args: a fixed text of an answer or a page.
func Text(r *http.Request, key string, args ...any) string {
	return locale.Sprintf(locale.Request(r), key, args...)
}

// translateError says the outermost translatable error of err's chain in
// tag, and whether there was one the catalogue knows.
func translateError(tag language.Tag, err error) (string, bool) {
	switch e := err.(type) {
	case *bookingkit.Error:
		if s, ok := locale.Translate(tag, e.Format, translateArgs(tag, e.Args)...); ok {
			return s, true
		}
	case interface{ Message() bookingkit.Message }:
		// An error that words itself for people: a rate limit, a
		// state transition the object's state does not allow.
		m := e.Message()
		return locale.Translate(tag, m.Key, translateArgs(tag, m.Args)...)
	case *bookingkit.ValidationError:
		if reason, ok := translateReason(tag, e); ok {
			if e.Value == "" {
				return fmt.Sprintf("%s: %s", e.Field, reason), true
			}
			return fmt.Sprintf("%s %q: %s", e.Field, e.Value, reason), true
		}
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		if inner := u.Unwrap(); inner != nil {
			return translateError(tag, inner)
		}
	case interface{ Unwrap() []error }:
		for _, inner := range u.Unwrap() {
			if s, ok := translateError(tag, inner); ok {
				return s, true
			}
		}
	}
	return "", false
}

// translateArgs says a message's arguments in tag: the errors and
// bookingkit.Messages among them, in turn; an error the catalogue does not
// know by its public text.
func translateArgs(tag language.Tag, args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch a := a.(type) {
		case bookingkit.Message:
			out[i] = locale.Sprintf(tag, a.Key, translateArgs(tag, a.Args)...)
		case error:
			s, ok := translateError(tag, a)
			if !ok {
				s = PublicMessage(a)
			}
			out[i] = s
		default:
			out[i] = a
		}
	}
	return out
}

// Reason is a validation error's reason in r's language, when the
// catalogue has it ([bookingkit.Invalidf]), else in English: for a page
// that words the error its own way.
func Reason(r *http.Request, ve *bookingkit.ValidationError) string {
	if s, ok := translateReason(locale.Request(r), ve); ok {
		return s
	}
	return ve.Reason
}

// translateReason says ve's reason in tag, if the catalogue has it.
func translateReason(tag language.Tag, ve *bookingkit.ValidationError) (string, bool) {
	if ve.Format != "" {
		return locale.Translate(tag, ve.Format, translateArgs(tag, ve.Args)...)
	}
	return locale.Translate(tag, ve.Reason)
}
