package mail

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/internal/smtptest"
)

func TestSMTPDeliversUTF8Message(t *testing.T) {
	srv := smtptest.Start(t)
	m := &SMTP{Addr: srv.Addr, From: "noreply@airline.example", Timeout: 5 * time.Second}
	msg := account.Message{To: "ivan@example.com", Subject: "Вход в систему", Body: "Здравствуйте!\nhttps://staff.example/login?token=abc_DEF-123\n"}
	require.NoError(t, m.Send(context.Background(), msg))
	select {
	case got := <-srv.Messages:
		require.Equal(t, "noreply@airline.example", got.From)
		require.Equal(t, []string{"ivan@example.com"}, got.To)
		require.Equal(t, msg.Subject, got.Subject)
		require.Equal(t, msg.Body, got.Body)
	case <-time.After(5 * time.Second):
		t.Fatal("no message received")
	}
}

func TestSMTPUnreachableIsAnError(t *testing.T) {
	m := &SMTP{Addr: "127.0.0.1:1", From: "a@b.c", Timeout: time.Second}
	require.ErrorContains(t, m.Send(context.Background(), account.Message{To: "x@y.z"}), "connect")
}

func TestDirWritesFile(t *testing.T) {
	dir := t.TempDir()
	d := &Dir{Path: dir, From: "noreply@airline.example", Logger: slog.New(slog.DiscardHandler)}
	require.NoError(t, d.Send(context.Background(), account.Message{To: "a@example.com", Subject: "Hi", Body: "link: https://x/y"}))
	files, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	require.NoError(t, err)
	require.Len(t, files, 1)
	raw, err := os.ReadFile(files[0])
	require.NoError(t, err)
	require.True(t, strings.Contains(string(raw), "To: a@example.com\r\n"))
	require.Contains(t, string(raw), "link: https://x/y")
}
