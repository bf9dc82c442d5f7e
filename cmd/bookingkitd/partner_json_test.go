package main

import "github.com/bookingkit/bookingkit/partner/partnerhttp"

// The partner API's JSON shapes, as the tests decode them.
type (
	partnerActivityJSON = partnerhttp.ActivityJSON
	partnerAuditJSON    = partnerhttp.AuditJSON
	partnerBarJSON      = partnerhttp.BarJSON
	partnerCompanyJSON  = partnerhttp.CompanyJSON
	partnerInstanceJSON = partnerhttp.InstanceJSON
	partnerLicenceJSON  = partnerhttp.LicenceJSON
	partnerMessageJSON  = partnerhttp.MessageJSON
	partnerPartnerJSON  = partnerhttp.PartnerJSON
	partnerSessionJSON  = partnerhttp.SessionJSON
	partnerThreadJSON   = partnerhttp.ThreadJSON
	partnerUserJSON     = partnerhttp.UserJSON
)

// partnerCookie carries the session of the partner pages.
const partnerCookie = partnerhttp.Cookie
