package auth

import "slices"

// Role is what a principal may do (DESIGN.md, Roles and audit).
type Role string

// The roles.
const (
	Clerk          Role = "clerk"           // search, read active records, counter intake
	Intake         Role = "intake"          // ingest only: the portal, scripts
	RecordsOfficer Role = "records-officer" // retention, events, holds, disposal, restricted records
	Auditor        Role = "auditor"         // audit log and verification, read-only
	Admin          Role = "admin"           // users and tokens; reads no document
)

// Roles lists every role, in the order of the policy table.
var Roles = []Role{Clerk, Intake, RecordsOfficer, Auditor, Admin}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Principal is an authenticated caller.
type Principal struct {
	Name string `json:"name"` // a user name, or "token:" and the token's name
	Role Role   `json:"role"`
	Via  string `json:"via"` // ViaToken or ViaSession
}

// How a principal authenticated.
const (
	ViaToken   = "token"
	ViaSession = "session"
)
