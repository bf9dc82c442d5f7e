package account

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"time"

	"golang.org/x/text/language"

	"github.com/bookingkit/bookingkit/locale"
)

// TemplateText returns the text of the mail template file in tag: the
// deployment's file under tag's folder in fsys ("ru/staff_register.txt"),
// else its file for every language ("staff_register.txt"), else def, the
// built-in text. fsys may be nil (def).
func TemplateText(fsys fs.FS, tag language.Tag, file, def string) (string, error) {
	if fsys == nil {
		return def, nil
	}
	for _, name := range []string{path.Join(tag.String(), file), file} {
		b, err := fs.ReadFile(fsys, name)
		switch {
		case err == nil:
			return string(b), nil
		case !errors.Is(err, fs.ErrNotExist):
			return "", fmt.Errorf("mail template %s: %w", name, err)
		}
	}
	return def, nil
}

// ValidFor says a link's lifetime d in words in tag: "24 hours",
// "24 часа", "30 minutos".
func ValidFor(tag language.Tag, d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return locale.Sprintf(tag, "%d hours", int(d/time.Hour))
	case d >= time.Minute:
		return locale.Sprintf(tag, "%d minutes", int(d/time.Minute))
	}
	return d.String()
}
