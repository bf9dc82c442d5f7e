package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/smtp"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/bookingkit/bookingkit/account"
)

// SMTP sends mail through an SMTP server. It upgrades the connection with
// STARTTLS whenever the server offers it, and authenticates (PLAIN) only
// over TLS or to localhost, as net/smtp insists.
type SMTP struct {
	Addr     string // host:port
	From     string // envelope and header sender
	Username string // optional
	Password string // optional
	// TLSConfig for STARTTLS; when nil, the host name of Addr is verified
	// against the system's roots.
	TLSConfig *tls.Config
	Timeout   time.Duration // whole conversation; 30 s when zero
}

var _ account.Mailer = (*SMTP)(nil)

// Send delivers m.
func (s *SMTP) Send(ctx context.Context, m account.Message) error {
	timeout := s.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return fmt.Errorf("mail: SMTP address %q: %w", s.Addr, err)
	}
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("mail: connect %s: %w", s.Addr, err)
	}
	conn.SetDeadline(time.Now().Add(timeout)) //nolint:errcheck
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("mail: %s: %w", s.Addr, err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := s.TLSConfig
		if cfg == nil {
			cfg = &tls.Config{ServerName: host}
		}
		if err := c.StartTLS(cfg); err != nil {
			return fmt.Errorf("mail: STARTTLS with %s: %w", s.Addr, err)
		}
	}
	if s.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, host)); err != nil {
			return fmt.Errorf("mail: authenticate to %s: %w", s.Addr, err)
		}
	}
	if err := c.Mail(s.From); err != nil {
		return fmt.Errorf("mail: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(m.To); err != nil {
		return fmt.Errorf("mail: RCPT TO %s: %w", m.To, err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("mail: DATA: %w", err)
	}
	if _, err := w.Write(Format(s.From, m, time.Now())); err != nil {
		return fmt.Errorf("mail: write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("mail: end message: %w", err)
	}
	return c.Quit()
}

// Format renders m as an RFC 5322 message: UTF-8 text, quoted-printable,
// with encoded headers so names in any script survive.
func Format(from string, m account.Message, now time.Time) []byte {
	var b bytes.Buffer
	var id [12]byte
	rand.Read(id[:])
	domain := from[strings.LastIndexByte(from, '@')+1:]
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", from)
	header("To", m.To)
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(id[:])+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(strings.ReplaceAll(m.Body, "\n", "\r\n"))) //nolint:errcheck // writes to a buffer
	qp.Close()
	return b.Bytes()
}

// Dir is the development mailer: it writes each message as an .eml file in
// a folder and logs its recipient, subject and body, so links can be
// followed without a mail server.
type Dir struct {
	Path   string
	From   string
	Logger *slog.Logger
}

var _ account.Mailer = (*Dir)(nil)

// Send writes m to a new file in d.Path and to the log.
func (d *Dir) Send(_ context.Context, m account.Message) error {
	if err := os.MkdirAll(d.Path, 0o700); err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	now := time.Now()
	var suffix [4]byte
	rand.Read(suffix[:])
	name := filepath.Join(d.Path, now.UTC().Format("20060102T150405.000000000Z")+"-"+hex.EncodeToString(suffix[:])+".eml")
	if err := os.WriteFile(name, Format(d.From, m, now), 0o600); err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	if d.Logger != nil {
		d.Logger.Info("mail written (development mailer)", "to", m.To, "subject", m.Subject, "file", name, "body", m.Body)
	}
	return nil
}
