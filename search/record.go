package search

import (
	"fmt"
	"time"
)

// Statuses of a record, as the index knows them.
const (
	StatusActive     = "active"     // visible to every role that may search
	StatusRestricted = "restricted" // visible to records officers only (e.g. BMG §13(2))
	StatusDisposed   = "disposed"   // visible to nobody; normally deleted from the index
)

// Doc is what the index knows about one record: enough to find it and show a hit. The engine
// builds it from the record's manifest and text; the index never reads the bucket.
type Doc struct {
	ID      string // record ULID (26 characters, Crockford base32)
	Citizen string // citizen ID: 1–64 characters from [A-Za-z0-9._-]
	Class   string // schedule class, e.g. "passport-application": same alphabet as Citizen
	Source  string // portal, counter, scan, import, api: same alphabet as Citizen
	Status  string // StatusActive, StatusRestricted or StatusDisposed
	Title   string
	Text    string // full text; only the first Options.MaxTextBytes bytes are indexed
	// Date is the document date; it may be zero, and then Created stands in for it in the year
	// facet, in date filters (von:, bis:) and in sorting by date. So it does for a Date
	// outside 1700–2199, which the index cannot hold.
	Date    time.Time
	Created time.Time // when the record was created; required, within 1700–2199
	Names   []string  // person names from the form, optional; see the name rule in ParseQuery
}

// validate checks d against the contract above.
func (d *Doc) validate() error {
	if !validULID(d.ID) {
		return fmt.Errorf("%w document: id %q is not a ULID", ErrInvalid, d.ID)
	}
	for _, f := range []struct{ name, v string }{{"citizen", d.Citizen}, {"class", d.Class}, {"source", d.Source}} {
		if !validKeyword(f.v) {
			return fmt.Errorf("%w document %s: %s %q must be 1–64 characters from [A-Za-z0-9._-]", ErrInvalid, d.ID, f.name, f.v)
		}
	}
	if !validStatus(d.Status) {
		return fmt.Errorf("%w document %s: status %q is not active, restricted or disposed", ErrInvalid, d.ID, d.Status)
	}
	if !inDateRange(d.Created) {
		return fmt.Errorf("%w document %s: created time %v is zero or out of range", ErrInvalid, d.ID, d.Created)
	}
	return nil
}

// effectiveDate is the date used for the year facet, date filters and date sorting: Date, or
// Created when Date is zero or outside the years the index can hold (1700–2199).
func (d *Doc) effectiveDate() time.Time {
	if !inDateRange(d.Date) { // the zero time is before minDate
		return d.Created.UTC()
	}
	return d.Date.UTC()
}

// validStatus reports whether s is one of the statuses above.
func validStatus(s string) bool {
	return s == StatusActive || s == StatusRestricted || s == StatusDisposed
}

// validKeyword reports whether s is a citizen ID, class or source: 1–64 characters from
// [A-Za-z0-9._-] (DESIGN.md, citizen IDs).
func validKeyword(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// validULID reports whether s has the shape of a ULID: 26 characters of Crockford base32, the
// first at most '7' (the 48-bit time stamp).
func validULID(s string) bool {
	if len(s) != 26 || s[0] > '7' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' && c != 'I' && c != 'L' && c != 'O' && c != 'U') {
			return false
		}
	}
	return true
}

// Role is the role of the person searching (DESIGN.md, Roles and audit). Clerks and auditors
// see active records, records officers also restricted ones; nobody sees disposed records.
// Intake, Admin, the zero Role and unknown roles may not search (ErrForbidden).
type Role string

// Roles.
const (
	Clerk          Role = "clerk"
	Intake         Role = "intake"
	RecordsOfficer Role = "records-officer"
	Auditor        Role = "auditor"
	Admin          Role = "admin"
)

// visibleStatuses lists the statuses role may see, or nil if the role may not search at all.
// Disposed is never among them.
func (r Role) visibleStatuses() []string {
	switch r {
	case RecordsOfficer:
		return []string{StatusActive, StatusRestricted}
	case Clerk, Auditor:
		return []string{StatusActive}
	default: // Intake only ingests, Admin manages users and tokens; unknown roles see nothing.
		return nil
	}
}
