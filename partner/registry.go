package partner

import "regexp"

// The instance types the vendor sells. The seed names the four types and
// says that WDS is split by contracted profile; it does not list their
// fields or profiles, so those below are this package's reading of what
// such products need. Adding a type means adding a TypeSpec here (or
// building another [Registry] with [NewRegistry]); nothing else changes.

// companyFields is the company data every type asks for: who the customer
// is and how to reach them.
var companyFields = []Field{
	{Name: "legal_name", Label: "Legal name", Kind: KindText, Required: true, MaxLength: 200},
	{Name: "tax_id", Label: "Tax ID", Kind: KindText, Required: true, MaxLength: 32,
		Pattern: regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 .\-/]*$`), PatternHint: "letters, digits, spaces, dots, hyphens and slashes"},
	{Name: "contact_email", Label: "Contact e-mail", Kind: KindEmail, Required: true},
	{Name: "phone", Label: "Phone", Kind: KindText, MaxLength: 32,
		Pattern: regexp.MustCompile(`^\+?[0-9 ()\-]{4,31}$`), PatternHint: "digits, spaces, brackets and hyphens, optionally after +"},
	{Name: "address", Label: "Address", Kind: KindText, MaxLength: 300},
	{Name: "country", Label: "Country (ISO 3166 code)", Kind: KindText, Required: true, MaxLength: 2,
		Pattern: regexp.MustCompile(`^[A-Z]{2}$`), PatternHint: "two upper-case letters, e.g. ES"},
}

var languageField = Field{Name: "language", Label: "Language", Kind: KindChoice, Default: "es",
	Choices: []string{"es", "en", "pt", "fr", "it", "de", "ca", "ru"}}

// WDS is Working Day Suite, sold in contracted profiles.
var WDS = TypeSpec{
	Name:   "WDS",
	Title:  "Working Day Suite",
	Colour: "#1f77b4",
	Profiles: []Profile{
		{Name: "basic", Title: "Basic", Colour: "#aec7e8"},
		{Name: "professional", Title: "Professional", Colour: "#1f77b4"},
		{Name: "enterprise", Title: "Enterprise", Colour: "#17456e"},
	},
	Company: companyFields,
	Config: []Field{
		{Name: "max_terminals", Label: "Terminals allowed", Kind: KindInteger, Required: true, Min: 1, Max: 100000},
		{Name: "clock_in_mode", Label: "Clock-in mode", Kind: KindChoice, Default: "terminal", Choices: []string{"terminal", "mobile", "both"}},
		{Name: "geolocation", Label: "Record location at clock-in", Kind: KindBool, Default: "false"},
		{Name: "time_zone", Label: "Time zone", Kind: KindText, Required: true, MaxLength: 64,
			Pattern: regexp.MustCompile(`^(UTC|[A-Z][A-Za-z_]+(/[A-Za-z0-9_+\-]+){1,2})$`), PatternHint: "an IANA zone such as Europe/Madrid, or UTC",
			Check: CheckTimeZone},
		languageField,
	},
}

// MCRM is the mobile CRM product.
var MCRM = TypeSpec{
	Name:    "MCRM",
	Title:   "MCRM",
	Colour:  "#ff7f0e",
	Company: companyFields,
	Config: []Field{
		{Name: "max_users", Label: "Users allowed", Kind: KindInteger, Required: true, Min: 1, Max: 100000},
		{Name: "sync_interval_minutes", Label: "Sync interval (minutes)", Kind: KindInteger, Default: "15", Min: 1, Max: 1440},
		{Name: "currency", Label: "Currency (ISO 4217)", Kind: KindText, Default: "EUR", MaxLength: 3,
			Pattern: regexp.MustCompile(`^[A-Z]{3}$`), PatternHint: "three upper-case letters, e.g. EUR"},
		languageField,
	},
}

// S360 is the S360 product.
var S360 = TypeSpec{
	Name:    "S360",
	Title:   "S360",
	Colour:  "#2ca02c",
	Company: companyFields,
	Config: []Field{
		{Name: "warehouse_code", Label: "Warehouse code", Kind: KindText, Required: true, MaxLength: 20,
			Pattern: regexp.MustCompile(`^[A-Z0-9\-]+$`), PatternHint: "upper-case letters, digits and hyphens"},
		{Name: "price_list", Label: "Price list", Kind: KindText, MaxLength: 60},
		{Name: "allow_offline", Label: "Allow offline work", Kind: KindBool, Default: "true"},
		languageField,
	},
}

// WTA is the WTA product, reached through a web portal.
var WTA = TypeSpec{
	Name:    "WTA",
	Title:   "WTA",
	Colour:  "#d62728",
	Company: companyFields,
	Config: []Field{
		{Name: "portal_url", Label: "Portal address", Kind: KindURL, Required: true},
		{Name: "max_employees", Label: "Employees allowed", Kind: KindInteger, Required: true, Min: 1, Max: 1000000},
		{Name: "single_sign_on", Label: "Single sign-on", Kind: KindBool, Default: "false"},
		languageField,
	},
}

var defaultRegistry = MustRegistry(WDS, MCRM, S360, WTA)

// DefaultRegistry returns the registry of the vendor's four types: WDS,
// MCRM, S360 and WTA, in that order.
func DefaultRegistry() *Registry { return defaultRegistry }
