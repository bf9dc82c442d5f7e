// Package config reads bookingkit's server configuration: the JSON config
// file (-config, BOOKINGKIT_CONFIG), whose sections are named after the
// modules, the secrets that come from the environment, and the rules that
// turn both into the modules' own settings. The server bookingkitd and the
// tool bookingkit read the file through it, so the tool prints the voucher
// the server would print and imports a list with the server's settings.
package config

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/locale"
	"github.com/bookingkit/bookingkit/storage"
)

// File is the JSON config file. Every section and field has a default, so
// a server starts without one. Unknown keys are refused, so a typo does
// not silently fall back to a default.
type File struct {
	// DefaultLanguage is the language of the pages, mails and messages of
	// a request whose Accept-Language asks for none bookingkit speaks,
	// and of the mails that answer nobody's request: "en" (the default),
	// "ru" or "es" (package locale).
	DefaultLanguage string        `json:"default_language"`
	Mogu            Mogu          `json:"mogu"`
	Standby         Standby       `json:"standby"`
	Partner         Partner       `json:"partner"`
	StaffID         StaffID       `json:"staffid"`
	StaffAccounts   StaffAccounts `json:"staff_accounts"`
	Mail            Mail          `json:"mail"` // how the outbox retries
}

// Language returns the deployment's default language
// (File.DefaultLanguage), English when unset.
func (f File) Language() (language.Tag, error) {
	tag, err := locale.Parse(f.DefaultLanguage)
	if err != nil {
		return tag, fmt.Errorf("default_language: %w", err)
	}
	return tag, nil
}

// Load reads the config file at path; "" is no file: every default.
func Load(path string) (File, error) {
	var f File
	if path == "" {
		return f, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return f, fmt.Errorf("config file: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return f, fmt.Errorf("config file %s: %w", path, err)
	}
	if _, err := f.Language(); err != nil {
		return f, fmt.Errorf("config file %s: %w", path, err)
	}
	return f, nil
}

// LoadSection reads one section of the config file at path into v, as
// Load does, and leaves the others alone: a tool that needs one module's
// settings does not judge the rest. "" or an absent section leaves v as
// it is (the defaults).
func LoadSection(path, name string, v any) error {
	if path == "" {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	var sections map[string]json.RawMessage
	if err := json.Unmarshal(data, &sections); err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	raw, ok := sections[name]
	if !ok {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("config file %s, section %s: %w", path, name, err)
	}
	return nil
}

// Duration reads field's Go duration s ("24h"), def when s is empty.
func Duration(field, s string, def time.Duration) (time.Duration, error) {
	if s == "" {
		return def, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("config %s %q: want a positive Go duration such as \"24h\"", field, s)
	}
	return d, nil
}

// Positive reads field's number n, def when it is 0 (absent).
func Positive(field string, n, def int) (int, error) {
	switch {
	case n == 0:
		return def, nil
	case n < 0:
		return 0, fmt.Errorf("config %s %d: want a positive number", field, n)
	}
	return n, nil
}

// orDefault returns v, or def when v is blank.
func orDefault(v, def string) string {
	if strings.TrimSpace(v) == "" {
		return def
	}
	return v
}

// PublicURL is the root of the links and claim URLs the server makes:
// public (BOOKINGKIT_PUBLIC_URL) without its trailing "/", or
// http://<addr> when it is empty.
func PublicURL(public, addr string) (string, error) {
	if public == "" {
		return "http://" + HostPort(addr), nil
	}
	u, err := url.Parse(public)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("BOOKINGKIT_PUBLIC_URL %q: want an http:// or https:// address such as https://staff.example.com", public)
	}
	return strings.TrimSuffix(public, "/"), nil
}

// HostPort turns a listen address into the host:port of URLs to this
// server: an unspecified or IPv6 host becomes localhost, which stays in
// QR's alphanumeric alphabet.
func HostPort(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "localhost:8080"
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && (ip.IsUnspecified() || ip.To4() == nil) {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// Generated returns the secret stored in settings under key; when there is
// none yet, it stores the one generate makes. Several servers starting at
// once on one database keep the same secret: the first to store wins, and
// mine says whether it was this one (which may then show it once).
func Generated(ctx context.Context, settings storage.SettingsStore, key string, generate func() (string, error)) (value string, mine bool, err error) {
	stored, err := settings.Setting(ctx, key)
	if err == nil {
		return stored, false, nil
	}
	if !errors.Is(err, bookingkit.ErrNotFound) {
		return "", false, fmt.Errorf("read setting %s: %w", key, err)
	}
	fresh, err := generate()
	if err != nil {
		return "", false, err
	}
	if stored, err = settings.PutSettingIfAbsent(ctx, key, fresh); err != nil {
		return "", false, fmt.Errorf("store the generated setting %s: %w", key, err)
	}
	return stored, stored == fresh, nil
}
