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
	token, _, err := m.wait(ctx, to, "")
	return token, err
}

// staffAlreadyRegistered is what the server's built-in mail to a
// registration of an employee who has an account already says (staffid's
// staff_already_registered.txt); the registration's answer is the same
// either way.
const staffAlreadyRegistered = "already has a staff travel account"

// registration waits for the mail that answers a staff registration of
// `to`: the token of its link, or already true when the mail says the
// address has an account (registered by an earlier run).
func (m *mailbox) registration(ctx context.Context, to string) (token string, already bool, err error) {
	return m.wait(ctx, to, staffAlreadyRegistered)
}

// wait waits for a new message to `to` that has a link, or (when says is
// not "") whose text says says; it returns the link's token, or said true.
func (m *mailbox) wait(ctx context.Context, to, says string) (token string, said bool, err error) {
	deadline := time.Now().Add(mailWait)
	for {
		names, err := m.files()
		if err != nil {
			return "", false, err
		}
		for _, name := range names {
			if m.seen[name] {
				continue
			}
			raw, err := os.ReadFile(name)
			if err != nil {
				continue
			}
			rcpt, text, err := readMail(raw)
			if err != nil || !strings.EqualFold(rcpt, to) {
				// Maybe still being written; read it again next time.
				continue
			}
			if token, err := linkToken(text); err == nil {
				m.seen[name] = true
				return token, false, nil
			}
			if says != "" && strings.Contains(text, says) {
				m.seen[name] = true
				return "", true, nil
			}
		}
		if time.Now().After(deadline) {
			return "", false, fmt.Errorf("no mail to %s in %s within %s: is -mail-dir the server's BOOKINGKIT_MAIL_DIR, and are BOOKINGKIT_SMTP_ADDR and the config's mogu.smtp_addr and mogu.mail_dir unset?", to, m.dir, mailWait)
		}
		select {
		case <-ctx.Done():
			return "", false, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// linkRE finds a link's one-time token: staff, partner and MOGU links all
// carry it as ?token=.
var linkRE = regexp.MustCompile(`[?&]token=([A-Za-z0-9_.~%-]+)`)

// readMail returns the recipient of a mailed message and its body,
// decoding the body's quoted-printable first (long links are broken over
// lines there, and "=" is written "=3D").
func readMail(raw []byte) (to, text string, err error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return "", "", err
	}
	var body io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(msg.Body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return "", "", err
	}
	return msg.Header.Get("To"), string(b), nil
}

// linkToken returns the token of the link in a message's text.
func linkToken(text string) (string, error) {
	match := linkRE.FindStringSubmatch(text)
	if match == nil {
		return "", fmt.Errorf("no link with a token in the message")
	}
	return url.QueryUnescape(match[1])
}
