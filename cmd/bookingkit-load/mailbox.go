package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/quotedprintable"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// mailbox reads the one-time links the server's development mailer writes
// into its folder, one .eml file per message.
type mailbox struct {
	dir  string
	seen map[string]bool // files already read, or there before the run
}

// openMailbox starts reading dir; messages already there are old runs'
// and are skipped. The folder need not exist yet: the server makes it on
// its first message.
func openMailbox(dir string) (*mailbox, error) {
	m := &mailbox{dir: dir, seen: map[string]bool{}}
	names, err := m.files()
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		m.seen[n] = true
	}
	return m, nil
}

func (m *mailbox) files() ([]string, error) {
	names, err := filepath.Glob(filepath.Join(m.dir, "*.eml"))
	if err != nil {
		return nil, fmt.Errorf("mail folder %s: %w", m.dir, err)
	}
	return names, nil
}

// mailWait is how long a mailed link may take to appear.
const mailWait = 15 * time.Second

// token waits for a new message to `to` and returns the token of the
// link in it (its "token" query parameter).
func (m *mailbox) token(ctx context.Context, to string) (string, error) {
	deadline := time.Now().Add(mailWait)
	for {
		names, err := m.files()
		if err != nil {
			return "", err
		}
		for _, name := range names {
			if m.seen[name] {
				continue
			}
			raw, err := os.ReadFile(name)
			if err != nil {
				continue
			}
			rcpt, token, err := linkToken(raw)
			if err != nil {
				// Maybe still being written; read it again next time.
				continue
			}
			if strings.EqualFold(rcpt, to) {
				m.seen[name] = true
				return token, nil
			}
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("no mail to %s in %s within %s: is -mail-dir the server's BOOKINGKIT_MAIL_DIR, and are BOOKINGKIT_SMTP_ADDR and the config's mogu.smtp_addr and mogu.mail_dir unset?", to, m.dir, mailWait)
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// linkRE finds a link's one-time token: staff, partner and MOGU links all
// carry it as ?token=.
var linkRE = regexp.MustCompile(`[?&]token=([A-Za-z0-9_.~%-]+)`)

// linkToken returns the recipient of a mailed message and the token of
// the link in its body, decoding the body's quoted-printable first (long
// links are broken over lines there, and "=" is written "=3D").
func linkToken(raw []byte) (to, token string, err error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return "", "", err
	}
	var body io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(msg.Body)
	}
	text, err := io.ReadAll(body)
	if err != nil {
		return "", "", err
	}
	match := linkRE.FindSubmatch(text)
	if match == nil {
		return "", "", fmt.Errorf("no link with a token in the message to %s", msg.Header.Get("To"))
	}
	token, err = url.QueryUnescape(string(match[1]))
	if err != nil {
		return "", "", err
	}
	return msg.Header.Get("To"), token, nil
}
