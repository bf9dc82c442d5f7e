package main

// The staff-travel employee list import (package staffid/staffidhttp) as
// this server wires it: the staffid config section, the import token, the
// allow-list and the upload limit.

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/bookingkit/bookingkit/account"
	"github.com/bookingkit/bookingkit/cmd/internal/config"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidhttp"
	"github.com/bookingkit/bookingkit/storage"
)

// importServer is the employee list's importer and its HTTP API: the
// airline's upload, the held list's routes and the control-panel page
// (Routes), and the history (HistoryRoutes, behind the engine token).
type importServer struct {
	*staffidhttp.ImportHandler
	importer *staffid.Importer
}

// newImportServer builds the importer over stores.StaffID with the import
// token (BOOKINGKIT_IMPORT_TOKEN, or the one generated on the first start
// and kept hashed in the settings), the config file's allow-list and
// upload limit. The lists the mass-block guard stops are held in
// stores.StaffIDHeld, and mailer tells the config file's managers.
func newImportServer(ctx context.Context, logger *slog.Logger, cfg Config, stores storage.Stores, staffidCfg staffid.Config, mailer account.Mailer, stdout io.Writer) (*importServer, error) {
	token, err := loadToken(ctx, stores.Settings, "import", cfg.ImportToken, stdout)
	if err != nil {
		return nil, err
	}
	auth := staffidhttp.ImportTokenFrom(token)
	fc := cfg.File.StaffID
	allow, err := staffidhttp.ParseImportAllowList(fc.ImportAllowList)
	if err != nil {
		return nil, fmt.Errorf("config file, section staffid: %w", err)
	}
	importer, err := staffid.NewImporter(staffidCfg, stores.StaffID)
	if err != nil {
		return nil, err
	}
	base, err := config.PublicURL(cfg.PublicURL, cfg.Addr)
	if err != nil {
		return nil, err
	}
	importer.HeldStore = stores.StaffIDHeld
	importer.OnHold = staffid.HeldMail{Mailer: mailer, To: fc.Managers, PageURL: base + importPagePath, Logger: logger}.Send
	h, err := staffidhttp.NewImportHandler(importer, staffidhttp.ImportOptions{Auth: auth, FormAuth: auth, Addresses: allow, MaxUploadBytes: fc.MaxUploadBytes, Logger: logger})
	if err != nil {
		return nil, err
	}
	return &importServer{ImportHandler: h, importer: importer}, nil
}

// importPagePath is where the control-panel import page is mounted; the
// managers' mail about a held list links to it.
const importPagePath = "/settings__airline_staff_id_employee_import"
