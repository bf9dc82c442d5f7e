package locale

import (
	"maps"
	"slices"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message/catalog"
)

// text is one message in Russian and Spanish; its key is the English.
type text struct{ ru, es string }

// messages are the catalogue's parts, one per file: pages, mails, errors.
var messages = []map[string]text{importPage, errorTexts, accounts, mails, heldList, partnerPages, partnerFields, importChanges, domainErrors, moguPages}

// counted are the messages whose words agree with a number (Russian has
// three forms, one, few and many), in English, Russian and Spanish, as
// golang.org/x/text/feature/plural selects them.
var counted = map[string][3]catalog.Message{
	"%d hours": {
		plural.Selectf(1, "%d", "one", "%d hour", "other", "%d hours"),
		plural.Selectf(1, "%d", "one", "%d час", "few", "%d часа", "other", "%d часов"),
		plural.Selectf(1, "%d", "one", "%d hora", "other", "%d horas"),
	},
	"%d minutes": {
		plural.Selectf(1, "%d", "one", "%d minute", "other", "%d minutes"),
		plural.Selectf(1, "%d", "one", "%d минуту", "few", "%d минуты", "other", "%d минут"),
		plural.Selectf(1, "%d", "one", "%d minuto", "other", "%d minutos"),
	},
}

// catalogue holds every message of [messages] and [counted] in English,
// Russian and Spanish; keys is its set of keys.
var (
	catalogue catalog.Catalog
	keys      map[string]struct{}
)

func init() {
	keys = make(map[string]struct{})
	b := catalog.NewBuilder(catalog.Fallback(English))
	add := func(key string, en, ru, es catalog.Message) {
		if _, dup := keys[key]; dup {
			panic("locale: the message " + key + " is in the catalogue twice")
		}
		keys[key] = struct{}{}
		for tag, m := range map[language.Tag]catalog.Message{English: en, Russian: ru, Spanish: es} {
			if err := b.Set(tag, key, m); err != nil {
				panic("locale: " + key + ": " + err.Error())
			}
		}
	}
	for _, part := range messages {
		for key, t := range part {
			add(key, catalog.String(key), catalog.String(t.ru), catalog.String(t.es))
		}
	}
	for _, part := range []map[string][3]catalog.Message{counted, partnerCounted} {
		for key, m := range part {
			add(key, m[0], m[1], m[2])
		}
	}
	catalogue = b
}

// Keys returns the catalogue's keys, sorted.
func Keys() []string { return slices.Sorted(maps.Keys(keys)) }
