// Package locale owns what people read in their own language: the message
// catalogues in English, Russian and Spanish, the choice of a request's
// language, and the printers and template functions that translate.
//
// # Keys
//
// A message's key is its English text in fmt's syntax ("Upload the
// employee list", "%d records in the file"), as golang.org/x/text/message
// takes it: code reads as it prints in English, and a key missing from the
// catalogue still prints, in English. The catalogue ([Keys]) holds every
// key in the three languages, one file per part (pages, mails, errors);
// messages whose words agree with a number ("3 экземпляра", "5
// экземпляров") are golang.org/x/text/feature/plural selections. Its test
// finds the keys the code uses by parsing the sources and templates: the
// literal (or constant) key of any call of a function with the parameters
// "key string, args ...any" ([github.com/bookingkit/bookingkit.Errorf],
// [github.com/bookingkit/bookingkit.Invalidf],
// [github.com/bookingkit/bookingkit.Msg], [Sprintf], httpapi.Text), the
// {{t "…"}} calls of templates, and the sentinels' texts; it fails on a key
// that lacks a language or has other arguments than the English, and on a
// catalogue key nothing uses.
//
// # Mails
//
// A mail is in the language of the request it answers: the modules keep
// [ToQueue] of the request's context with a queued registration or reset,
// and the worker speaks it again ([Queued]). A mail that answers nobody's
// request (an account moved by a list import, an invitation) is in the
// deployment's default ([DefaultOf]), which the server puts in its
// requests' and worker's contexts ([WithDefault]).
//
// # Choosing the language
//
// [Languages] matches a request's Accept-Language against the supported
// languages ([Supported]) with golang.org/x/text/language's Matcher; a
// request that accepts none of them, or says nothing, gets the
// deployment's default. [Languages.Middleware] stores the choice in the
// request's context, where [Request] finds it; without the middleware
// (an engine that mounts bookingkit's handlers in its own server),
// [Request] matches the header itself with English as the default.
//
// # Translating
//
// [Printer] is a message.Printer over the catalogue; [Sprintf] prints a
// key in a language. Templates are parsed once per language with [Funcs]:
// {{t "key" args…}} translates and {{lang}} names the language, for
// <html lang>. [Build] makes one of anything per language, such as the
// parsed templates.
//
// Errors are translated where they are answered: httpapi.WriteError
// prints the outermost *bookingkit.Error or *bookingkit.ValidationError of
// an error's chain in the request's language when its key is in the
// catalogue ([Translate]), with the errors and bookingkit.Messages among
// its arguments translated in turn, and keeps the English text of any
// other error.
package locale
