package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"golang.org/x/text/language"

	"github.com/bookingkit/bookingkit/cmd/internal/backend"
	"github.com/bookingkit/bookingkit/cmd/internal/config"
)

// Config is the server's whole configuration. Addresses, the database and
// secrets come from flags or the environment; each module's settings come
// from the JSON config file (-config), whose sections are named after the
// modules.
type Config struct {
	Addr            string        // -addr, BOOKINGKIT_ADDR
	AdminAddr       string        // -admin-addr, BOOKINGKIT_ADMIN_ADDR: /metrics and pprof; off when empty
	DB              string        // -db, BOOKINGKIT_DB: SQLite path or postgres:// URL
	ConfigFile      string        // -config, BOOKINGKIT_CONFIG
	LogFormat       string        // -log-format, BOOKINGKIT_LOG_FORMAT: text or json
	MaxBodyBytes    int64         // -max-body, BOOKINGKIT_MAX_BODY: default limit of a request body
	ReadTimeout     time.Duration // time to read a whole request, body included
	WriteTimeout    time.Duration // time to write a whole response
	ShutdownTimeout time.Duration // how long shutdown waits for requests in flight before cancelling them
	// EngineToken (env BOOKINGKIT_ENGINE_TOKEN) authorises the booking
	// engine's and back office's server-to-server calls; when empty, one is
	// generated on first start, stored hashed and printed once.
	EngineToken string
	// ImportToken (env BOOKINGKIT_IMPORT_TOKEN) authorises the airline's
	// employee list uploads; when empty, one is generated on first start,
	// stored hashed and printed once (import_wiring.go).
	ImportToken string
	MoguEnv     config.MoguEnv    // BOOKINGKIT_MOGU_KEYS, BOOKINGKIT_MOGU_SMTP_PASSWORD
	PartnerEnv  config.PartnerEnv // BOOKINGKIT_PARTNER_IMPERSONATION_KEY, BOOKINGKIT_PARTNER_WEBHOOK_SECRET
	Mail        config.MailEnv    // BOOKINGKIT_SMTP_ADDR, _FROM, _USERNAME, _PASSWORD, BOOKINGKIT_MAIL_DIR
	// PublicURL (env BOOKINGKIT_PUBLIC_URL) is this server's address as
	// people's browsers reach it, such as https://staff.example.com: the
	// root of the links mailed to staff. Empty: http://<addr>.
	PublicURL string

	File config.File // the config file (package config)
	// Language is the config file's default_language: the language of a
	// request that asks for none bookingkit speaks, and of the mails that
	// answer nobody's request.
	Language language.Tag
}

func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	var cfg Config
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Addr, "addr", env("BOOKINGKIT_ADDR", "127.0.0.1:8080"), "`address` to listen on (env BOOKINGKIT_ADDR)")
	fs.StringVar(&cfg.AdminAddr, "admin-addr", env("BOOKINGKIT_ADMIN_ADDR", ""), "`address` of the operators' /metrics and /debug/pprof/ (env BOOKINGKIT_ADMIN_ADDR); off when empty")
	fs.StringVar(&cfg.DB, "db", env("BOOKINGKIT_DB", backend.DefaultDB), "database: a SQLite `file` or a postgres:// URL (env BOOKINGKIT_DB)")
	fs.StringVar(&cfg.ConfigFile, "config", env("BOOKINGKIT_CONFIG", ""), "JSON `file` with the modules' settings (env BOOKINGKIT_CONFIG)")
	fs.StringVar(&cfg.LogFormat, "log-format", env("BOOKINGKIT_LOG_FORMAT", "text"), "log `format`: text or json (env BOOKINGKIT_LOG_FORMAT)")
	maxBody, err := strconv.ParseInt(env("BOOKINGKIT_MAX_BODY", "1048576"), 10, 64)
	if err != nil {
		return cfg, fmt.Errorf("BOOKINGKIT_MAX_BODY: %w", err)
	}
	fs.Int64Var(&cfg.MaxBodyBytes, "max-body", maxBody, "largest request body in `bytes`, except uploads (env BOOKINGKIT_MAX_BODY)")
	fs.DurationVar(&cfg.ReadTimeout, "read-timeout", 2*time.Minute, "time allowed to read a request, body included")
	fs.DurationVar(&cfg.WriteTimeout, "write-timeout", 2*time.Minute, "time allowed to write a response")
	fs.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", 30*time.Second, "how long shutdown waits for requests in flight before cancelling them")
	cfg.EngineToken = getenv("BOOKINGKIT_ENGINE_TOKEN")
	cfg.ImportToken = getenv("BOOKINGKIT_IMPORT_TOKEN")
	cfg.MoguEnv = config.MoguEnvFrom(getenv)
	cfg.PartnerEnv = config.PartnerEnvFrom(getenv)
	cfg.Mail = config.MailEnvFrom(getenv)
	cfg.PublicURL = getenv("BOOKINGKIT_PUBLIC_URL")
	if err := fs.Parse(args[1:]); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q (see -h)", fs.Arg(0))
	}
	if cfg.LogFormat != "text" && cfg.LogFormat != "json" {
		return cfg, fmt.Errorf("-log-format %q: want text or json", cfg.LogFormat)
	}
	if cfg.MaxBodyBytes <= 0 {
		return cfg, fmt.Errorf("-max-body %d: want a positive number of bytes", cfg.MaxBodyBytes)
	}
	if cfg.File, err = config.Load(cfg.ConfigFile); err != nil {
		return cfg, err
	}
	cfg.Language, err = cfg.File.Language()
	return cfg, err
}
