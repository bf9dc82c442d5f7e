package partnerhttp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/httpapi"
	"github.com/bookingkit/bookingkit/partner"
	"github.com/bookingkit/bookingkit/partner/partnerhttp"
	"github.com/bookingkit/bookingkit/storage/memory"
)

// engineSignIn is an engine's own sign-in: here a header its gateway sets
// after checking the person, naming the partner user.
type engineSignIn struct{ svc *partner.Service }

func (e engineSignIn) Actor(r *http.Request) (partner.Actor, error) {
	id := r.Header.Get("X-Engine-User")
	if id == "" {
		return partner.Actor{}, fmt.Errorf("not signed in: %w", bookingkit.ErrUnauthorized)
	}
	u, err := e.svc.Store.GetUser(r.Context(), id)
	if err != nil {
		return partner.Actor{}, fmt.Errorf("user %s: %w", id, bookingkit.ErrUnauthorized)
	}
	return u.Actor(), nil
}

// An engine with a sign-in of its own mounts the partner API under
// "/partners" on its own mux and lists a partner user's instances.
func Example() {
	ctx := context.Background()
	store := memory.New().Stores().Partner
	svc := &partner.Service{Store: store}

	// The engine's data: an administrator, a partner with a user, a
	// company and a draft instance.
	root := partner.User{ID: "usr_root", Role: partner.RoleAdministrator, Name: "Root", Email: "root@vendor.example", CreatedAt: time.Now().UTC()}
	if err := store.CreateUser(ctx, root, partner.AuditRecord{ID: "aud_0", At: root.CreatedAt, ActorID: "bootstrap", Object: partner.ObjectUser, ObjectID: root.ID, Action: "create"}); err != nil {
		panic(err)
	}
	pt, _ := svc.CreatePartner(ctx, root.Actor(), partner.NewPartner{Name: "Iberia Resellers"})
	ana, _ := svc.CreateUser(ctx, root.Actor(), partner.NewUser{PartnerID: pt.ID, Role: partner.RolePartnerUser, Name: "Ana", Email: "ana@resellers.example"})
	co, _ := svc.CreateCompany(ctx, ana.Actor(), partner.NewCompany{Name: "Acme Logistics"})
	if _, err := svc.CreateInstance(ctx, ana.Actor(), partner.NewInstance{
		CompanyID: co.ID, Type: "WDS", Profile: "professional",
		CompanyData: map[string]string{"legal_name": "Acme Logistics S.L.", "tax_id": "B-12345678", "contact_email": "it@acme.example", "country": "ES"},
		Config:      map[string]string{"max_terminals": "25", "time_zone": "Europe/Madrid"},
		ExpiresAt:   time.Now().AddDate(1, 0, 0),
	}); err != nil {
		panic(err)
	}

	h, err := partnerhttp.NewHandler(svc, engineSignIn{svc}, partnerhttp.Options{})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	httpapi.Mount(mux, httpapi.WithPrefix("/partners", h.Routes()))

	req := httptest.NewRequest("GET", "/partners/api/partner/instances", nil)
	req.Header.Set("X-Engine-User", ana.ID)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	var out struct {
		Instances []partnerhttp.InstanceJSON `json:"instances"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		panic(err)
	}
	fmt.Println(rec.Code, len(out.Instances))
	for _, inst := range out.Instances {
		fmt.Println(inst.Type, inst.Profile, inst.State, inst.Actions)
	}

	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/partners/api/partner/instances", nil))
	fmt.Println(rec.Code)
	// Output:
	// 200 1
	// WDS professional draft [edit provision cancel]
	// 401
}
