package main

// The server carries the IANA time zone database (about 450 KB), so that
// checking a partner instance's time_zone (partner.CheckTimeZone, through
// time.LoadLocation) answers the same on every machine: in a container
// without /usr/share/zoneinfo (distroless, scratch) or on Windows without
// Go installed, every zone but UTC would otherwise be refused. The
// system's zoneinfo, when there is one, is still read first. The partner
// package leaves this choice to the program that embeds it.
import _ "time/tzdata"
