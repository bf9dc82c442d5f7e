package mail_test

import (
	"context"
	"fmt"
	"io"
	"mime/quotedprintable"
	netmail "net/mail"
	"os"
	"path/filepath"

	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/mail"
)

// An engine without a mail server at hand (a developer's machine) hands
// the modules a Dir: each mail becomes an .eml file, so the one-time link
// in it can be followed. In production it hands over an *SMTP instead:
//
//	&mail.SMTP{Addr: "smtp.example.com:587", From: "noreply@example.com", Username: "bookingkit", Password: pw}
func Example() {
	dir, err := os.MkdirTemp("", "mail")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	var mailer account.Mailer = &mail.Dir{Path: dir, From: "noreply@airline.example"}
	err = mailer.Send(context.Background(), account.Message{
		To:      "ann@example.com",
		Subject: "Set your password",
		Body:    "https://staff.example/password?token=abc\n",
	})
	fmt.Println(err)

	// The file is the message as SMTP would send it.
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	f, _ := os.Open(files[0])
	defer f.Close()
	m, _ := netmail.ReadMessage(f)
	body, _ := io.ReadAll(quotedprintable.NewReader(m.Body))
	fmt.Println(m.Header.Get("To"), "|", m.Header.Get("Subject"))
	fmt.Printf("%s", body)
	// Output:
	// <nil>
	// ann@example.com | Set your password
	// https://staff.example/password?token=abc
}
