package mogu

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/bookingkit/bookingkit"
)

// FormatKey writes k as "ID:secret", the secret in unpadded URL-safe
// base64: the form [ParseKeyring] reads, for environment variables and
// settings.
func FormatKey(k Key) string {
	return strconv.FormatUint(uint64(k.ID), 10) + ":" + base64.RawURLEncoding.EncodeToString(k.Secret)
}

// ParseKeyring reads a keyring written as comma-separated "ID:secret"
// keys, the current key first: "2:…,1:…" signs with key 2 and still
// verifies tokens of key 1. Secrets are base64, standard or URL-safe,
// padded or not, of at least [MinKeyLen] bytes. Errors name the key by its
// position and never repeat a secret.
func ParseKeyring(spec string) (*Keyring, error) {
	var keys []Key
	for i, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		field := fmt.Sprintf("keys[%d]", i)
		idText, secretText, ok := strings.Cut(part, ":")
		id, err := strconv.ParseUint(strings.TrimSpace(idText), 10, 16)
		if !ok || err != nil || id == 0 {
			return nil, bookingkit.Invalid(field, "", `want "ID:base64-secret" with an ID from 1 to 65535`)
		}
		secretText = strings.TrimRight(strings.TrimSpace(secretText), "=")
		secret, err := base64.RawURLEncoding.DecodeString(secretText)
		if err != nil {
			secret, err = base64.RawStdEncoding.DecodeString(secretText)
		}
		if err != nil {
			return nil, bookingkit.Invalid(field+".secret", "", "not base64")
		}
		keys = append(keys, Key{ID: uint16(id), Secret: secret})
	}
	if len(keys) == 0 {
		return nil, bookingkit.Invalid("keys", "", `at least one "ID:base64-secret" key is required`)
	}
	return NewKeyring(keys[0], keys[1:]...)
}
