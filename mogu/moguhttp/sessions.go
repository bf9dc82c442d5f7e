package moguhttp

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/mogu"
)

// Sessions is bookingkit's own sign-in for the app: a [Travellers] that
// reads the session token of "Authorization: Bearer <session token>"
// through [mogu.Accounts], and the routes that make and end those
// sessions ([Sessions.Routes]). An engine with its own sign-in passes its
// own Travellers to [NewHandler] and mounts none of these.
type Sessions struct {
	accounts *mogu.Accounts
	logger   *slog.Logger
}

var _ Travellers = (*Sessions)(nil)

// NewSessions returns the app's sign-in over accounts, whose
// [mogu.AccountsConfig.Queue] must be set for the sign-up and reset
// routes. logger takes what no answer shows; slog.Default when nil.
func NewSessions(accounts *mogu.Accounts, logger *slog.Logger) *Sessions {
	if logger == nil {
		logger = slog.Default()
	}
	return &Sessions{accounts: accounts, logger: logger}
}

// Traveller returns the traveller whose session token the request
// carries, or an error matching bookingkit.ErrUnauthorized.
func (s *Sessions) Traveller(r *http.Request) (mogu.Account, error) {
	return s.accounts.Authenticate(r.Context(), httpapi.Bearer(r))
}

// Routes returns the app's sign-up, password, sign-in and sign-out
// routes. Mounted at "", they are the reference server's paths.
func (s *Sessions) Routes() []httpapi.Route {
	return []httpapi.Route{
		{Pattern: "POST /api/mogu/register", Handler: s.register()},
		{Pattern: "POST /api/mogu/password", Handler: s.setPassword()},
		{Pattern: "POST /api/mogu/password/reset", Handler: s.resetPassword()},
		{Pattern: "POST /api/mogu/login", Handler: s.login()},
		{Pattern: "POST /api/mogu/logout", Handler: s.logout()},
	}
}

type sessionJSON struct {
	SessionToken string `json:"session_token"`
	Account      struct {
		ID    string `json:"id"`
		Email string `json:"email"`
	} `json:"account"`
}

func sessionOut(in mogu.SignedIn) sessionJSON {
	var s sessionJSON
	s.SessionToken, s.Account.ID, s.Account.Email = in.Session, in.Account.ID, in.Account.Email
	return s
}

// emailJSON is the body of the sign-up and reset forms.
type emailJSON struct {
	Email string `json:"email"`
}

// register queues a sign-up ([mogu.Accounts.QueueRegister]); the answer
// repeats the address typed and is the same whatever the accounts hold.
func (s *Sessions) register() http.Handler {
	return httpapi.Handler(s.logger, func(w http.ResponseWriter, r *http.Request) error {
		var in emailJSON
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		email, err := s.accounts.QueueRegister(r.Context(), in.Email, httpapi.ClientAddress(r))
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusAccepted, map[string]string{"status": "a link to set the password has been sent to " + email})
		return nil
	})
}

// resetPassword queues a forgotten-password request
// ([mogu.Accounts.QueueReset]); the answer is the same whether or not the
// address has an account.
func (s *Sessions) resetPassword() http.Handler {
	return httpapi.Handler(s.logger, func(w http.ResponseWriter, r *http.Request) error {
		var in emailJSON
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		if err := s.accounts.QueueReset(r.Context(), in.Email, httpapi.ClientAddress(r)); err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusAccepted, map[string]string{"status": "if the address has a MOGU account, a link has been sent to it"})
		return nil
	})
}

// setPassword uses a mailed one-time token: it sets the password and
// signs the traveller in.
func (s *Sessions) setPassword() http.Handler {
	return httpapi.Handler(s.logger, func(w http.ResponseWriter, r *http.Request) error {
		var in struct {
			Token    string `json:"token"`
			Password string `json:"password"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		signed, err := s.accounts.SetPassword(r.Context(), in.Token, in.Password)
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, sessionOut(signed))
		return nil
	})
}

func (s *Sessions) login() http.Handler {
	return httpapi.Handler(s.logger, func(w http.ResponseWriter, r *http.Request) error {
		var in struct {
			Email    string `json:"email"`
			Password string `json:"password"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		signed, err := s.accounts.Login(r.Context(), in.Email, in.Password, httpapi.ClientAddress(r))
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, sessionOut(signed))
		return nil
	})
}

func (s *Sessions) logout() http.Handler {
	return httpapi.Handler(s.logger, func(w http.ResponseWriter, r *http.Request) error {
		token := httpapi.Bearer(r)
		if token == "" {
			return fmt.Errorf("missing session token (Authorization: Bearer <session token>): %w", bookingkit.ErrUnauthorized)
		}
		if err := s.accounts.Logout(r.Context(), token); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}
