package partnerhttp

import (
	"fmt"
	"net/http"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/partner"
)

// The partner JSON API: every handler reads its input, calls the
// partner.Service with the signed-in user, and answers JSON. Who may see
// and change what is the service's business; errors go through
// httpapi.WriteError.

// Sign-in.

// SessionJSON is the answer of a sign-in: the session token and the user.
type SessionJSON struct {
	SessionToken string   `json:"session_token"`
	ExpiresIn    int64    `json:"expires_in_seconds,omitempty"`
	User         UserJSON `json:"user"`
}

func sessionOut(w http.ResponseWriter, u partner.User, token string) {
	httpapi.WriteJSON(w, http.StatusOK, SessionJSON{SessionToken: token, User: partnerUserOut(u)})
}

// login signs a partner user or administrator in with e-mail and password.
func (p *Sessions) login() http.Handler {
	return p.handler(func(w http.ResponseWriter, r *http.Request) error {
		var in struct {
			Email    string `json:"email"`
			Password string `json:"password"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		signed, err := p.accounts.Login(r.Context(), in.Email, in.Password, httpapi.ClientAddress(r))
		if err != nil {
			return err
		}
		sessionOut(w, signed.User, signed.Session)
		return nil
	})
}

func (p *Sessions) logout() http.Handler {
	return p.handler(func(w http.ResponseWriter, r *http.Request) error {
		token := httpapi.Bearer(r)
		if token == "" {
			return fmt.Errorf("missing session token (Authorization: Bearer <session token>): %w", bookingkit.ErrUnauthorized)
		}
		if err := p.accounts.Logout(r.Context(), token); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// setPassword uses a one-time link's token: it sets the password and
// signs the user in.
func (p *Sessions) setPassword() http.Handler {
	return p.handler(func(w http.ResponseWriter, r *http.Request) error {
		var in struct {
			Token    string `json:"token"`
			Password string `json:"password"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		signed, err := p.accounts.SetPassword(r.Context(), in.Token, in.Password)
		if err != nil {
			return err
		}
		sessionOut(w, signed.User, signed.Session)
		return nil
	})
}

// resetPassword mails a new one-time link; the answer is the same whether
// or not the address has an account.
func (p *Sessions) resetPassword() http.Handler {
	return p.handler(func(w http.ResponseWriter, r *http.Request) error {
		var in struct {
			Email string `json:"email"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		// The request checks the address and the limits and queues
		// it; the worker looks the account up (partner.Accounts.CompleteReset), so the
		// request does the same writes whether or not it exists.
		if err := p.accounts.QueueReset(r.Context(), in.Email, httpapi.ClientAddress(r), p.linkBase(r)); err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusAccepted, map[string]string{"status": "if the address has a PartnerApp account, a link has been sent to it"})
		return nil
	})
}

// partnerNext is the keyset position of the next page of a list that the
// service returns without one: the last ID when the page is full (the
// next page may then be empty), else "".
func partnerNext(n, limit int, lastID string) string {
	if limit == 0 {
		limit = partner.DefaultPageSize
	}
	if n == limit {
		return lastID
	}
	return ""
}

// Profile, partners, users, companies.

func (p *Handler) profile() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		u, err := p.svc.Profile(r.Context(), a)
		if err != nil {
			return err
		}
		out := struct {
			User    UserJSON     `json:"user"`
			Partner *PartnerJSON `json:"partner,omitempty"`
		}{User: partnerUserOut(u)}
		if u.PartnerID != "" {
			pt, err := p.svc.Partner(r.Context(), a, u.PartnerID)
			if err != nil {
				return err
			}
			j := partnerPartnerOut(pt)
			out.Partner = &j
		}
		httpapi.WriteJSON(w, http.StatusOK, out)
		return nil
	})
}

func (p *Handler) listPartners() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		q := partnerQueryOf(r)
		pq := partner.PartnerQuery{After: q.str("after"), Limit: q.int("limit")}
		if q.err != nil {
			return q.err
		}
		list, err := p.svc.Partners(r.Context(), a, pq)
		if err != nil {
			return err
		}
		next := ""
		if len(list) > 0 {
			next = partnerNext(len(list), pq.Limit, list[len(list)-1].ID)
		}
		partnerList(w, "partners", list, next, partnerPartnerOut)
		return nil
	})
}

func (p *Handler) createPartner() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		var in struct {
			Name string `json:"name"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		pt, err := p.svc.CreatePartner(r.Context(), a, partner.NewPartner{Name: in.Name})
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusCreated, partnerPartnerOut(pt))
		return nil
	})
}

func (p *Handler) getPartner() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		pt, err := p.svc.Partner(r.Context(), a, r.PathValue("id"))
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, partnerPartnerOut(pt))
		return nil
	})
}

// createUser adds a partner user or an administrator and mails them a
// one-time link to choose their password.
func (p *Handler) createUser() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		var in struct {
			PartnerID string `json:"partner_id"`
			Role      string `json:"role"`
			Name      string `json:"name"`
			Email     string `json:"email"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		u, err := p.svc.CreateUser(r.Context(), a, partner.NewUser{PartnerID: in.PartnerID, Role: partner.Role(in.Role), Name: in.Name, Email: in.Email})
		if err != nil {
			return err
		}
		out := CreatedUserJSON{UserJSON: partnerUserOut(u), InvitationSent: p.invitations != nil}
		if p.invitations == nil {
			// Not this handler's business: the engine invites its users.
		} else if err := p.invitations.Invite(r.Context(), u, p.linkBase(r)); err != nil {
			// The user exists either way: say so, and that POST
			// …/invitation sends the link again.
			p.logger.ErrorContext(r.Context(), "partner: a new user's invitation failed", "user", u.ID, "error", err)
			out.InvitationSent = false
			out.InvitationError = "the invitation could not be sent; send it again with POST /api/partner/users/" + u.ID + "/invitation"
		}
		httpapi.WriteJSON(w, http.StatusCreated, out)
		return nil
	})
}

// CreatedUserJSON is a new user and whether their invitation left.
type CreatedUserJSON struct {
	UserJSON
	InvitationSent  bool   `json:"invitation_sent"`
	InvitationError string `json:"invitation_error,omitempty"`
}

func (p *Handler) getUser() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		u, err := p.svc.User(r.Context(), a, r.PathValue("id"))
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, partnerUserOut(u))
		return nil
	})
}

// inviteUser mails a user a new one-time link (administrators only).
func (p *Handler) inviteUser() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		u, err := p.svc.Invitee(r.Context(), a, r.PathValue("id"))
		if err != nil {
			return err
		}
		if err := p.invitations.Invite(r.Context(), u, p.linkBase(r)); err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusAccepted, map[string]string{"status": "a link to set the password has been sent to " + u.Email})
		return nil
	})
}

func (p *Handler) listCompanies() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		q := partnerQueryOf(r)
		cq := partner.CompanyQuery{PartnerID: q.str("partner_id"), After: q.str("after"), Limit: q.int("limit")}
		if q.err != nil {
			return q.err
		}
		list, err := p.svc.Companies(r.Context(), a, cq)
		if err != nil {
			return err
		}
		next := ""
		if len(list) > 0 {
			next = partnerNext(len(list), cq.Limit, list[len(list)-1].ID)
		}
		partnerList(w, "companies", list, next, partnerCompanyOut)
		return nil
	})
}

func (p *Handler) createCompany() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		var in struct {
			PartnerID string `json:"partner_id"`
			Name      string `json:"name"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		c, err := p.svc.CreateCompany(r.Context(), a, partner.NewCompany{PartnerID: in.PartnerID, Name: in.Name})
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusCreated, partnerCompanyOut(c))
		return nil
	})
}

func (p *Handler) getCompany() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		c, err := p.svc.Company(r.Context(), a, r.PathValue("id"))
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, partnerCompanyOut(c))
		return nil
	})
}

// types lists the instance types on sale with their fields, for forms.
func (p *Handler) types() http.Handler {
	type fieldJSON struct {
		Name     string   `json:"name"`
		Label    string   `json:"label"`
		Kind     string   `json:"kind"`
		Required bool     `json:"required,omitempty"`
		Default  string   `json:"default,omitempty"`
		Choices  []string `json:"choices,omitempty"`
		Min      *int64   `json:"min,omitempty"`
		Max      *int64   `json:"max,omitempty"`
		Hint     string   `json:"hint,omitempty"`
	}
	type profileJSON struct {
		Name   string `json:"name"`
		Title  string `json:"title"`
		Colour string `json:"colour"`
	}
	type typeJSON struct {
		Name     string        `json:"name"`
		Title    string        `json:"title"`
		Colour   string        `json:"colour"`
		Profiles []profileJSON `json:"profiles"`
		Company  []fieldJSON   `json:"company"`
		Config   []fieldJSON   `json:"config"`
	}
	fields := func(fs []partner.Field) []fieldJSON {
		out := []fieldJSON{}
		for _, f := range fs {
			j := fieldJSON{Name: f.Name, Label: f.Label, Kind: string(f.Kind), Required: f.Required, Default: f.Default, Choices: f.Choices, Hint: f.PatternHint}
			if f.Kind == partner.KindInteger {
				j.Min, j.Max = &f.Min, &f.Max
			}
			out = append(out, j)
		}
		return out
	}
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		out := []typeJSON{}
		for _, t := range partner.DefaultRegistry().Types() {
			tj := typeJSON{Name: t.Name, Title: t.Title, Colour: t.Colour, Profiles: []profileJSON{}, Company: fields(t.Company), Config: fields(t.Config)}
			for _, pr := range t.Profiles {
				tj.Profiles = append(tj.Profiles, profileJSON{Name: pr.Name, Title: pr.Title, Colour: pr.Colour})
			}
			out = append(out, tj)
		}
		httpapi.WriteJSON(w, http.StatusOK, map[string]any{"types": out})
		return nil
	})
}

// Instances.

func (p *Handler) now() time.Time { return time.Now() }

func (p *Handler) instanceOut(w http.ResponseWriter, status int, inst partner.Instance) {
	httpapi.WriteJSON(w, status, partnerInstanceOut(inst, p.now()))
}

func (p *Handler) listInstances() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		q := partnerQueryOf(r)
		iq := partner.InstanceQuery{
			PartnerID: q.str("partner_id"), CompanyID: q.str("company_id"), Type: q.str("type"), Profile: q.str("profile"),
			Statuses: q.states("state"), ActivatedFrom: q.time("activated_from"), ActivatedTo: q.time("activated_to"),
			After: q.str("after"), Limit: q.int("limit"),
		}
		if q.err != nil {
			return q.err
		}
		page, err := p.svc.Instances(r.Context(), a, iq)
		if err != nil {
			return err
		}
		now := p.now()
		partnerList(w, "instances", page.Instances, page.Next, func(i partner.Instance) InstanceJSON { return partnerInstanceOut(i, now) })
		return nil
	})
}

func (p *Handler) createInstance() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		var in struct {
			CompanyID   string            `json:"company_id"`
			Type        string            `json:"type"`
			Profile     string            `json:"profile"`
			CompanyData map[string]string `json:"company_data"`
			Config      map[string]string `json:"config"`
			ExpiresAt   time.Time         `json:"expires_at"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		inst, err := p.svc.CreateInstance(r.Context(), a, partner.NewInstance{CompanyID: in.CompanyID, Type: in.Type, Profile: in.Profile,
			CompanyData: in.CompanyData, Config: in.Config, ExpiresAt: in.ExpiresAt})
		if err != nil {
			return err
		}
		p.instanceOut(w, http.StatusCreated, inst)
		return nil
	})
}

func (p *Handler) getInstance() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		inst, err := p.svc.Instance(r.Context(), a, r.PathValue("id"))
		if err != nil {
			return err
		}
		p.instanceOut(w, http.StatusOK, inst)
		return nil
	})
}

func (p *Handler) editInstance() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		var in struct {
			CompanyData map[string]string `json:"company_data"`
			Config      map[string]string `json:"config"`
			ExpiresAt   time.Time         `json:"expires_at"`
			Version     int64             `json:"version"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		inst, err := p.svc.EditInstance(r.Context(), a, r.PathValue("id"), partner.InstanceEdit{
			CompanyData: in.CompanyData, Config: in.Config, ExpiresAt: in.ExpiresAt, Version: in.Version})
		if err != nil {
			return err
		}
		p.instanceOut(w, http.StatusOK, inst)
		return nil
	})
}

func (p *Handler) contract() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		id := r.PathValue("id")
		c, err := p.svc.Contract(r.Context(), a, id)
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, map[string]any{"instance_id": id, "text": c.Text, "sha256": c.SHA256, "generated_at": c.GeneratedAt})
		return nil
	})
}

// instanceStep is a life cycle step that takes an optional reason.
func (p *Handler) instanceStep(step func(s *partner.Service, r *http.Request, a partner.Actor, id, reason string) (partner.Instance, error)) http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		var in struct {
			Reason string `json:"reason"`
		}
		if err := partnerDecodeOptional(r, &in); err != nil {
			return err
		}
		inst, err := step(p.svc, r, a, r.PathValue("id"), in.Reason)
		if err != nil {
			return err
		}
		p.instanceOut(w, http.StatusOK, inst)
		return nil
	})
}

func (p *Handler) provision() http.Handler {
	return p.instanceStep(func(s *partner.Service, r *http.Request, a partner.Actor, id, _ string) (partner.Instance, error) {
		return s.Provision(r.Context(), a, id)
	})
}

func (p *Handler) cancelInstance() http.Handler {
	return p.instanceStep(func(s *partner.Service, r *http.Request, a partner.Actor, id, reason string) (partner.Instance, error) {
		return s.Cancel(r.Context(), a, id, reason)
	})
}

func (p *Handler) clearSession() http.Handler {
	return p.instanceStep(func(s *partner.Service, r *http.Request, a partner.Actor, id, _ string) (partner.Instance, error) {
		return s.ClearSession(r.Context(), a, id)
	})
}

func (p *Handler) requestDeactivation() http.Handler {
	return p.instanceStep(func(s *partner.Service, r *http.Request, a partner.Actor, id, reason string) (partner.Instance, error) {
		return s.RequestDeactivation(r.Context(), a, id, reason)
	})
}

func (p *Handler) withdrawDeactivation() http.Handler {
	return p.instanceStep(func(s *partner.Service, r *http.Request, a partner.Actor, id, reason string) (partner.Instance, error) {
		return s.WithdrawDeactivation(r.Context(), a, id, reason)
	})
}

func (p *Handler) approveDeactivation() http.Handler {
	return p.instanceStep(func(s *partner.Service, r *http.Request, a partner.Actor, id, reason string) (partner.Instance, error) {
		return s.ApproveDeactivation(r.Context(), a, id, reason)
	})
}

func (p *Handler) rejectDeactivation() http.Handler {
	return p.instanceStep(func(s *partner.Service, r *http.Request, a partner.Actor, id, reason string) (partner.Instance, error) {
		return s.RejectDeactivation(r.Context(), a, id, reason)
	})
}

func (p *Handler) generate() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		var in struct {
			ContractSHA256 string `json:"contract_sha256"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		inst, err := p.svc.Generate(r.Context(), a, r.PathValue("id"), in.ContractSHA256)
		if err != nil {
			return err
		}
		p.instanceOut(w, http.StatusOK, inst)
		return nil
	})
}

func (p *Handler) extendExpiry() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		var in struct {
			ExpiresAt time.Time `json:"expires_at"`
			Reason    string    `json:"reason"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		inst, err := p.svc.ExtendExpiry(r.Context(), a, r.PathValue("id"), in.ExpiresAt, in.Reason)
		if err != nil {
			return err
		}
		p.instanceOut(w, http.StatusOK, inst)
		return nil
	})
}

// Licences.

func (p *Handler) addLicences() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		var in struct {
			Licences []struct {
				UserName string `json:"user_name"`
				Login    string `json:"login"`
				Email    string `json:"email"`
			} `json:"licences"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		nl := make([]partner.NewLicence, len(in.Licences))
		for i, l := range in.Licences {
			nl[i] = partner.NewLicence{UserName: l.UserName, Login: l.Login, Email: l.Email}
		}
		list, err := p.svc.AddLicences(r.Context(), a, r.PathValue("id"), nl)
		if err != nil {
			return err
		}
		out := make([]LicenceJSON, len(list))
		for i, l := range list {
			out[i] = partnerLicenceOut(l)
		}
		httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"licences": out})
		return nil
	})
}

// licenceQuery reads a licence list's filters from the query string.
func partnerLicenceQuery(q *partnerParams) partner.LicenceQuery {
	return partner.LicenceQuery{
		PartnerID: q.str("partner_id"), InstanceID: q.str("instance_id"), Type: q.str("type"), Profile: q.str("profile"),
		States: q.states("state"), CreatedFrom: q.time("created_from"), CreatedTo: q.time("created_to"),
		Login: q.str("login"), Serial: q.str("serial"), PIN: q.str("pin"), Search: q.str("search"),
		After: q.str("after"), Limit: q.int("limit"),
	}
}

func (p *Handler) listLicences(ofInstance bool) http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		q := partnerQueryOf(r)
		lq := partnerLicenceQuery(q)
		if q.err != nil {
			return q.err
		}
		if ofInstance {
			lq.InstanceID = r.PathValue("id")
		}
		if asCSV, err := wantsCSV(r); err != nil {
			return err
		} else if asCSV {
			return p.writeLicencesCSV(w, r, a, lq)
		}
		page, err := p.svc.Licences(r.Context(), a, lq)
		if err != nil {
			return err
		}
		partnerList(w, "licences", page.Licences, page.Next, partnerLicenceOut)
		return nil
	})
}

func (p *Handler) getLicence() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		l, err := p.svc.Licence(r.Context(), a, r.PathValue("id"))
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, partnerLicenceOut(l))
		return nil
	})
}

// licenceStep is a licence life cycle step that takes a reason.
func (p *Handler) licenceStep(step func(s *partner.Service, r *http.Request, a partner.Actor, id, reason string) (partner.Licence, error)) http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		var in struct {
			Reason string `json:"reason"`
		}
		if err := partnerDecodeOptional(r, &in); err != nil {
			return err
		}
		l, err := step(p.svc, r, a, r.PathValue("id"), in.Reason)
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, partnerLicenceOut(l))
		return nil
	})
}

func (p *Handler) releaseLicence() http.Handler {
	return p.licenceStep(func(s *partner.Service, r *http.Request, a partner.Actor, id, reason string) (partner.Licence, error) {
		return s.ReleaseLicence(r.Context(), a, id, reason)
	})
}

func (p *Handler) requestLicenceDeactivation() http.Handler {
	return p.licenceStep(func(s *partner.Service, r *http.Request, a partner.Actor, id, reason string) (partner.Licence, error) {
		return s.RequestLicenceDeactivation(r.Context(), a, id, reason)
	})
}

func (p *Handler) withdrawLicenceDeactivation() http.Handler {
	return p.licenceStep(func(s *partner.Service, r *http.Request, a partner.Actor, id, reason string) (partner.Licence, error) {
		return s.WithdrawLicenceDeactivation(r.Context(), a, id, reason)
	})
}

func (p *Handler) approveLicenceDeactivation() http.Handler {
	return p.licenceStep(func(s *partner.Service, r *http.Request, a partner.Actor, id, reason string) (partner.Licence, error) {
		return s.ApproveLicenceDeactivation(r.Context(), a, id, reason)
	})
}

func (p *Handler) rejectLicenceDeactivation() http.Handler {
	return p.licenceStep(func(s *partner.Service, r *http.Request, a partner.Actor, id, reason string) (partner.Licence, error) {
		return s.RejectLicenceDeactivation(r.Context(), a, id, reason)
	})
}

// impersonationLink makes a short-lived link that opens the web panel as
// the licence's user.
func (p *Handler) impersonationLink() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		link, err := p.svc.ImpersonationLink(r.Context(), a, r.PathValue("id"))
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"url": link.URL, "token": link.Token, "expires_at": link.ExpiresAt})
		return nil
	})
}

// openImpersonation is called by the web panel (with the engine token)
// with a link's token: it uses the link up and says whose session to open.
func (p *Handler) openImpersonation() http.Handler {
	return p.handler(func(w http.ResponseWriter, r *http.Request) error {
		var in struct {
			Token string `json:"token"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		imp, err := p.svc.OpenImpersonation(r.Context(), in.Token)
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, map[string]any{"licence": partnerLicenceOut(imp.Licence), "opened_by": imp.Claims.ActorID, "expires_at": imp.Claims.ExpiresAt})
		return nil
	})
}

// Terminals (the engine token): binding and activity.

func (p *Handler) bindTerminal() http.Handler {
	return p.handler(func(w http.ResponseWriter, r *http.Request) error {
		var in struct {
			LicenceID string `json:"licence_id"`
			Serial    string `json:"serial"`
			PIN       string `json:"pin"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		l, err := p.svc.BindTerminal(r.Context(), in.LicenceID, partner.Terminal{Serial: in.Serial, PIN: in.PIN})
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, partnerLicenceOut(l))
		return nil
	})
}

func (p *Handler) terminalActivity() http.Handler {
	return p.handler(func(w http.ResponseWriter, r *http.Request) error {
		var in struct {
			LicenceID string `json:"licence_id"`
			Kind      string `json:"kind"`
			Serial    string `json:"serial"`
			PIN       string `json:"pin"`
			Detail    string `json:"detail"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		ev, err := p.svc.RecordTerminalActivity(r.Context(), partner.TerminalEvent{LicenceID: in.LicenceID, Kind: partner.ActivityKind(in.Kind),
			Terminal: partner.Terminal{Serial: in.Serial, PIN: in.PIN}, Detail: in.Detail})
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusCreated, partnerActivityOut(ev))
		return nil
	})
}

// Activity and audit.

func (p *Handler) searchActivity() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		q := partnerQueryOf(r)
		in := partner.ActivitySearch{PartnerID: q.str("partner_id"), Serial: q.str("serial"), PIN: q.str("pin"),
			From: q.time("from"), To: q.time("to"), Cursor: q.str("cursor"), Limit: q.int("limit")}
		if q.err != nil {
			return q.err
		}
		if asCSV, err := wantsCSV(r); err != nil {
			return err
		} else if asCSV {
			return p.writeActivityCSV(w, r, a, in)
		}
		page, err := p.svc.SearchActivity(r.Context(), a, in)
		if err != nil {
			return err
		}
		partnerList(w, "events", page.Events, page.Next, partnerActivityOut)
		return nil
	})
}

func (p *Handler) activityRecord() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		q := &partnerParams{q: map[string][]string{"id": {r.PathValue("id")}}}
		id := q.int64("id")
		if q.err != nil {
			return q.err
		}
		d, err := p.svc.ActivityRecord(r.Context(), a, id)
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, map[string]any{"event": partnerActivityOut(d.Event), "licence": partnerLicenceOut(d.Licence)})
		return nil
	})
}

func (p *Handler) auditLog() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		q := partnerQueryOf(r)
		aq := partner.AuditQuery{PartnerID: q.str("partner_id"), ObjectID: q.str("object_id"), Before: q.str("before"), Limit: q.int("limit")}
		if q.err != nil {
			return q.err
		}
		list, err := p.svc.AuditLog(r.Context(), a, aq)
		if err != nil {
			return err
		}
		next := ""
		if len(list) > 0 {
			next = partnerNext(len(list), aq.Limit, list[len(list)-1].ID)
		}
		partnerList(w, "records", list, next, partnerAuditOut)
		return nil
	})
}

// Support.

func (p *Handler) threads() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		q := partnerQueryOf(r)
		in := partner.ThreadList{PartnerID: q.str("partner_id"), Cursor: q.str("cursor"), Limit: q.int("limit")}
		if q.err != nil {
			return q.err
		}
		page, err := p.svc.Threads(r.Context(), a, in)
		if err != nil {
			return err
		}
		partnerList(w, "threads", page.Threads, page.Next, func(t partner.ThreadSummary) ThreadJSON { return partnerThreadOut(t, a) })
		return nil
	})
}

func (p *Handler) thread() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		t, err := p.svc.Thread(r.Context(), a, r.PathValue("company"))
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, partnerThreadOut(t, a))
		return nil
	})
}

func (p *Handler) messages() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		q := partnerQueryOf(r)
		mq := partner.MessageQuery{CompanyID: r.PathValue("company"), Before: q.str("before"), Limit: q.int("limit")}
		if q.err != nil {
			return q.err
		}
		page, err := p.svc.Messages(r.Context(), a, mq)
		if err != nil {
			return err
		}
		partnerList(w, "messages", page.Messages, page.Next, partnerMessageOut)
		return nil
	})
}

func (p *Handler) postMessage() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		var in struct {
			Body string `json:"body"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		m, err := p.svc.PostMessage(r.Context(), a, r.PathValue("company"), in.Body)
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusCreated, partnerMessageOut(m))
		return nil
	})
}

func (p *Handler) markRead() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		var in struct {
			UpTo string `json:"up_to"`
		}
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			return err
		}
		company := r.PathValue("company")
		if err := p.svc.MarkRead(r.Context(), a, company, in.UpTo); err != nil {
			return err
		}
		t, err := p.svc.Thread(r.Context(), a, company)
		if err != nil {
			return err
		}
		httpapi.WriteJSON(w, http.StatusOK, partnerThreadOut(t, a))
		return nil
	})
}

// Reports.

// partnerReportFilter reads a report's filter from the query string.
func partnerReportFilter(q *partnerParams) partner.ReportFilter {
	f := partner.ReportFilter{
		Subject: partner.Subject(q.str("subject")), PartnerID: q.str("partner_id"), Type: q.str("type"),
		ActivatedFrom: q.time("from"), ActivatedTo: q.time("to"), States: q.states("state"),
	}
	if f.Subject == "" {
		f.Subject = partner.SubjectInstances
	}
	return f
}

// BarJSON is one bar of a report chart.
type BarJSON struct {
	Key     string `json:"key"`
	Label   string `json:"label"`
	Colour  string `json:"colour"`
	Count   int64  `json:"count"`
	Type    string `json:"type,omitempty"`
	Profile string `json:"profile,omitempty"`
	State   string `json:"state,omitempty"`
}

func partnerBarsOut(bars []partner.Bar) []BarJSON {
	out := make([]BarJSON, len(bars))
	for i, b := range bars {
		out[i] = BarJSON{Key: b.Key, Label: b.Label, Colour: b.Colour, Count: b.Count, Type: b.Bucket.Type, Profile: b.Bucket.Profile, State: string(b.Bucket.State)}
	}
	return out
}

func (p *Handler) report() http.Handler {
	type rowJSON struct {
		Type    string `json:"type"`
		Profile string `json:"profile,omitempty"`
		State   string `json:"state"`
		Count   int64  `json:"count"`
	}
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		q := partnerQueryOf(r)
		f := partnerReportFilter(q)
		if q.err != nil {
			return q.err
		}
		asCSV, err := wantsCSV(r)
		if err != nil {
			return err
		}
		rep, err := p.svc.Report(r.Context(), a, f)
		if err != nil {
			return err
		}
		if asCSV {
			return writeReportCSV(w, rep)
		}
		rows := make([]rowJSON, len(rep.Rows))
		for i, row := range rep.Rows {
			rows[i] = rowJSON{Type: row.Type, Profile: row.Profile, State: string(row.State), Count: row.Count}
		}
		httpapi.WriteJSON(w, http.StatusOK, map[string]any{
			"subject": rep.Filter.Subject, "partner_id": rep.Filter.PartnerID, "total": rep.Total, "rows": rows,
			"by_type": partnerBarsOut(rep.ByType), "by_profile": partnerBarsOut(rep.ByProfile), "by_state": partnerBarsOut(rep.ByState),
		})
		return nil
	})
}

// reportDetail lists the objects behind one count of a report: the
// report's filter narrowed by bucket_type, bucket_profile, bucket_state.
func (p *Handler) reportDetail() http.Handler {
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		q := partnerQueryOf(r)
		f := partnerReportFilter(q)
		b := partner.Bucket{Type: q.str("bucket_type"), Profile: q.str("bucket_profile"), State: partner.State(q.str("bucket_state"))}
		after, limit := q.str("after"), q.int("limit")
		if q.err != nil {
			return q.err
		}
		switch f.Subject {
		case partner.SubjectInstances:
			iq := f.InstanceQuery(b)
			iq.After, iq.Limit = after, limit
			page, err := p.svc.Instances(r.Context(), a, iq)
			if err != nil {
				return err
			}
			now := p.now()
			partnerList(w, "instances", page.Instances, page.Next, func(i partner.Instance) InstanceJSON { return partnerInstanceOut(i, now) })
		case partner.SubjectLicences:
			lq := f.LicenceQuery(b)
			lq.After, lq.Limit = after, limit
			page, err := p.svc.Licences(r.Context(), a, lq)
			if err != nil {
				return err
			}
			partnerList(w, "licences", page.Licences, page.Next, partnerLicenceOut)
		default:
			return bookingkit.Invalid("subject", string(f.Subject), "instances or licences")
		}
		return nil
	})
}

func (p *Handler) monthly() http.Handler {
	type lineJSON struct {
		Key     string  `json:"key"`
		Label   string  `json:"label"`
		Colour  string  `json:"colour"`
		Type    string  `json:"type"`
		Profile string  `json:"profile,omitempty"`
		Counts  []int64 `json:"counts"`
	}
	return p.user(func(w http.ResponseWriter, r *http.Request, a partner.Actor) error {
		q := partnerQueryOf(r)
		f := partnerReportFilter(q)
		if q.err != nil {
			return q.err
		}
		sr, err := p.svc.MonthlySeries(r.Context(), a, f)
		if err != nil {
			return err
		}
		lines := make([]lineJSON, len(sr.Lines))
		for i, l := range sr.Lines {
			lines[i] = lineJSON{Key: l.Key, Label: l.Label, Colour: l.Colour, Type: l.Bucket.Type, Profile: l.Bucket.Profile, Counts: l.Counts}
		}
		httpapi.WriteJSON(w, http.StatusOK, map[string]any{"subject": sr.Filter.Subject, "months": sr.Months, "lines": lines})
		return nil
	})
}
