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
// key in the three languages; its test finds the keys the code uses (the
// pages' and mails' {{t "…"}} calls, [github.com/bookingkit/bookingkit.Errorf]
// and [github.com/bookingkit/bookingkit.Invalidf] calls, and [Sprintf] calls)
// by parsing the sources and templates, and fails on any that lacks a
// language.
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
// prints a *bookingkit.Error or *bookingkit.ValidationError in the
// request's language when its key is in the catalogue ([Translate]), and
// keeps the English text of any other error.
package locale
