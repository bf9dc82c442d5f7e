package locale

import (
	"maps"
	"slices"

	"golang.org/x/text/language"
	"golang.org/x/text/message/catalog"
)

// text is one message in the three languages; the English is its key.
type text struct{ ru, es string }

// catalogue holds every message of [messages] in English, Russian and
// Spanish; keys is its set of keys.
var (
	catalogue catalog.Catalog
	keys      map[string]text
)

func init() {
	keys = make(map[string]text)
	b := catalog.NewBuilder(catalog.Fallback(English))
	for _, part := range messages {
		for key, t := range part {
			if _, dup := keys[key]; dup {
				panic("locale: the message " + key + " is in the catalogue twice")
			}
			keys[key] = t
			for tag, s := range map[language.Tag]string{English: key, Russian: t.ru, Spanish: t.es} {
				if err := b.SetString(tag, key, s); err != nil {
					panic("locale: " + err.Error())
				}
			}
		}
	}
	catalogue = b
}

// messages are the catalogue's parts, one per file: pages, mails, errors.
var messages = []map[string]text{importPage}

// Keys returns the catalogue's keys, sorted.
func Keys() []string { return slices.Sorted(maps.Keys(keys)) }
