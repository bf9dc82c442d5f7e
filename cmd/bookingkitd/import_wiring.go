package main

// The staff-travel employee list import (package staffid/staffidhttp) as
// this server wires it: the staffid config section, the import token, the
// allow-list and the upload limit.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"

	"github.com/bookingkit/bookingkit"
	"github.com/bookingkit/bookingkit/staffid"
	"github.com/bookingkit/bookingkit/staffid/staffidhttp"
	"github.com/bookingkit/bookingkit/storage"
)

// staffidFileConfig is the "staffid" section of the config file: the
// module's settings (staffid.Config: group_field, identity_fields,
// registration_fields, standby_passenger_types, airline_code,
// mass_block_threshold) and the upload's own.
type staffidFileConfig struct {
	staffid.Config
	// ImportAllowList holds the addresses (203.0.113.7) and CIDR ranges
	// (203.0.113.0/24, 2001:db8::/32) allowed to upload the list, through
	// the API or the control-panel page; empty allows any address.
	ImportAllowList []string `json:"import_allow_list,omitempty"`
	// MaxUploadBytes is the largest upload body (default 64 MiB: a
	// 100 000-person list is about 40 MB of JSON).
	MaxUploadBytes int64 `json:"max_upload_bytes,omitempty"`
}

// newStaffIDConfig returns the module's settings from the config file,
// defaults filled in: the one staffid.Config of the whole server.
func newStaffIDConfig(fc staffidFileConfig) (staffid.Config, error) {
	c := fc.Config.WithDefaults()
	if err := c.Validate(); err != nil {
		return staffid.Config{}, fmt.Errorf("config file, section staffid: %w", err)
	}
	return c, nil
}

// importServer is the employee list's importer and its HTTP API: the
// airline's upload and the control-panel page (Routes), and the history
// (HistoryRoutes, behind the engine token).
type importServer struct {
	*staffidhttp.ImportHandler
	importer *staffid.Importer
}

// newImportServer builds the importer over stores.StaffID with the import
// token (BOOKINGKIT_IMPORT_TOKEN, or the one generated on the first start
// and kept hashed in the settings), the config file's allow-list and
// upload limit.
func newImportServer(ctx context.Context, logger *slog.Logger, cfg Config, stores storage.Stores, staffidCfg staffid.Config, stdout io.Writer) (*importServer, error) {
	token, err := loadToken(ctx, stores.Settings, "import", cfg.ImportToken, stdout)
	if err != nil {
		return nil, err
	}
	auth, err := staffidhttp.ImportTokenHash(token.hash)
	if err != nil {
		return nil, fmt.Errorf("import token: %w", err)
	}
	fc := cfg.File.StaffID
	allow, err := staffidhttp.ParseImportAllowList(fc.ImportAllowList)
	if err != nil {
		return nil, fmt.Errorf("config file, section staffid: %w", err)
	}
	if fc.MaxUploadBytes < 0 {
		return nil, fmt.Errorf("config file, section staffid: %w", bookingkit.Invalid("max_upload_bytes", strconv.FormatInt(fc.MaxUploadBytes, 10), "expected a positive number of bytes"))
	}
	importer, err := staffid.NewImporter(staffidCfg, stores.StaffID)
	if err != nil {
		return nil, err
	}
	h, err := staffidhttp.NewImportHandler(importer, staffidhttp.ImportOptions{Auth: auth, FormAuth: auth, Addresses: allow, MaxUploadBytes: fc.MaxUploadBytes, Logger: logger})
	if err != nil {
		return nil, err
	}
	return &importServer{ImportHandler: h, importer: importer}, nil
}
