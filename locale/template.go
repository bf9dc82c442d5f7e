package locale

import "golang.org/x/text/language"

// Funcs returns the translation functions of a template (text/template or
// html/template) that speaks tag:
//
//	{{t "Upload the employee list"}}
//	{{t "%d more are not listed" .Omitted}}
//	<html lang="{{lang}}">
//
// t prints its key in tag ([Sprintf]); the catalogue's test finds every
// key a template gives t. lang is tag as a BCP 47 tag.
func Funcs(tag language.Tag) map[string]any {
	p := Printer(tag)
	return map[string]any{
		"t":    func(key string, args ...any) string { return p.Sprintf(key, args...) },
		"lang": func() string { return supported(tag).String() },
	}
}
