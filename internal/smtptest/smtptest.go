// Package smtptest runs a small in-process SMTP server for tests: it
// accepts every message and hands it over, decoded, on a channel.
package smtptest

import (
	"bufio"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Message is what the server received.
type Message struct {
	From    string // envelope sender
	To      []string
	Subject string // decoded
	Body    string // decoded, with \n line ends
}

// Server is a running test SMTP server.
type Server struct {
	Addr     string
	Messages chan Message
	ln       net.Listener
	wg       sync.WaitGroup
	delay    time.Duration
	accepted atomic.Int64
}

// Options change how the server behaves.
type Options struct {
	// Addr is the address to listen on; a free local port when empty.
	// A test that stops a server and starts another on its address plays
	// a mail server outage.
	Addr string
	// Delay is how long the server waits before its greeting: a slow
	// mail server, as seen from the client.
	Delay time.Duration
}

// Start listens on a free local port; the server stops when the test ends.
func Start(tb testing.TB) *Server { return StartWith(tb, Options{}) }

// StartWith starts a server with opts; it stops when the test ends.
func StartWith(tb testing.TB, opts Options) *Server {
	tb.Helper()
	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{Addr: ln.Addr().String(), Messages: make(chan Message, 100), ln: ln, delay: opts.Delay}
	s.wg.Add(1)
	go s.accept()
	tb.Cleanup(s.Close)
	return s
}

// Close stops the server: it takes no more connections and waits for the
// ones it serves.
func (s *Server) Close() {
	s.ln.Close()
	s.wg.Wait()
}

// Accepted returns how many connections the server has taken.
func (s *Server) Accepted() int { return int(s.accepted.Load()) }

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.accepted.Add(1)
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.serve(conn)
		}()
	}
}

func (s *Server) serve(conn net.Conn) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	reply := func(line string) { io.WriteString(conn, line+"\r\n") }
	time.Sleep(s.delay)
	reply("220 smtptest ready")
	var from string
	var to []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			reply("250-smtptest")
			reply("250 8BITMIME")
		case strings.HasPrefix(cmd, "MAIL FROM:"):
			from = pathArg(line[len("MAIL FROM:"):])
			to = nil
			reply("250 OK")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			to = append(to, pathArg(line[len("RCPT TO:"):]))
			reply("250 OK")
		case cmd == "DATA":
			reply("354 end with <CRLF>.<CRLF>")
			var data strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(strings.TrimPrefix(l, "."))
			}
			s.Messages <- decode(from, to, data.String())
			reply("250 OK queued")
		case cmd == "RSET", cmd == "NOOP":
			reply("250 OK")
		case cmd == "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 not implemented")
		}
	}
}

func decode(from string, to []string, raw string) Message {
	m := Message{From: from, To: to}
	msg, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		m.Body = raw
		return m
	}
	dec := new(mime.WordDecoder)
	m.Subject, _ = dec.DecodeHeader(msg.Header.Get("Subject"))
	var body io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	b, _ := io.ReadAll(body)
	m.Body = strings.ReplaceAll(string(b), "\r\n", "\n")
	return m
}

// pathArg returns the address inside <…> of a MAIL or RCPT argument,
// dropping parameters such as BODY=8BITMIME.
func pathArg(arg string) string {
	arg = strings.TrimSpace(arg)
	if i, j := strings.IndexByte(arg, '<'), strings.IndexByte(arg, '>'); i >= 0 && j > i {
		return arg[i+1 : j]
	}
	if f := strings.Fields(arg); len(f) > 0 {
		return f[0]
	}
	return ""
}
