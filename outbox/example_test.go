package outbox_test

import (
	"context"
	"fmt"
	"time"

	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/outbox"
	"github.com/bookingkit/bookingkit/storage/memory"
)

// printer stands for a real mailer (SMTP).
type printer struct{}

func (printer) Send(_ context.Context, m account.Message) error {
	fmt.Printf("to %s: %s\n", m.To, m.Subject)
	return nil
}

// An engine wires the outbox once: the modules get its Mailer, which only
// stores the mail; one worker per process sends what is stored.
func Example() {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()

	o := outbox.New(memory.New().Stores().Outbox, outbox.Config{}) // or the SQL adapters' Stores().Outbox
	o.Handle(outbox.KindMail, outbox.MailHandler(printer{}))
	done := make(chan struct{})
	go func() {
		defer close(done)
		o.Run(ctx) //nolint:errcheck // nil once ctx ends
	}()

	// What a module does inside a request: it returns once the mail is stored.
	var mailer account.Mailer = o.Mailer(outbox.KindMail)
	if err := mailer.Send(ctx, account.Message{To: "ann@example.com", Subject: "Your sign-in link", Body: "…"}); err != nil {
		fmt.Println(err)
	}

	for b, _ := o.Backlog(ctx); b.Messages > 0; b, _ = o.Backlog(ctx) {
		time.Sleep(time.Millisecond)
	}
	stop()
	<-done
	// Output: to ann@example.com: Your sign-in link
}
