package archive

import (
	"fmt"
	"regexp"
	"time"

	"github.com/oklog/ulid/v2"
)

// RecordID identifies a record: a ULID, so IDs sort by creation time and
// carry no personal data.
type RecordID string

// NewRecordID returns a fresh, monotonically increasing record ID.
func NewRecordID() RecordID { return RecordID(ulid.Make().String()) }

// Valid reports whether id is a well-formed ULID.
func (id RecordID) Valid() bool {
	_, err := ulid.ParseStrict(string(id))
	return err == nil
}

// CitizenID is the municipality's own opaque person number: 1–64 characters
// of [A-Za-z0-9._-]. Anything else is refused.
type CitizenID string

var citizenRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// Valid reports whether c is an acceptable citizen ID. "." and ".." are
// not: an ID is part of store keys (citizens/<id>/events/).
func (c CitizenID) Valid() bool { return citizenRE.MatchString(string(c)) && c != "." && c != ".." }

// Class is a record class from the schedule (Aktenplan), e.g.
// "passport-application".
type Class string

var classRE = regexp.MustCompile(`^[a-z][a-z0-9-]{0,63}$`)

// Valid reports whether c is well-formed; whether it is known is decided by
// the archive's class list.
func (c Class) Valid() bool { return classRE.MatchString(string(c)) }

// Source says where a document came from.
type Source string

// Sources.
const (
	SourcePortal  Source = "portal"
	SourceCounter Source = "counter"
	SourceScan    Source = "scan"
	SourceImport  Source = "import"
	SourceAPI     Source = "api"
)

// Valid reports whether s is a known source.
func (s Source) Valid() bool {
	switch s {
	case SourcePortal, SourceCounter, SourceScan, SourceImport, SourceAPI:
		return true
	}
	return false
}

// Date is a calendar date (no time, no zone), written YYYY-MM-DD.
type Date string

// ParseDate parses YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return "", fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	return Date(s), nil
}

// Valid reports whether d is a real date in YYYY-MM-DD form.
func (d Date) Valid() bool {
	_, err := time.Parse(time.DateOnly, string(d))
	return err == nil
}

var factRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// ValidFactName reports whether name can name a record fact (valid_until).
func ValidFactName(name string) bool { return factRE.MatchString(name) }
