package archive

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"akte/archive/audit"
	"akte/search"
)

// Audit log paging limits (AuditQuery.Limit).
const (
	DefaultAuditLimit = 50
	MaxAuditLimit     = 500
)

// ActionAuditRead is the audit action of a read of the audit log itself.
const ActionAuditRead = "audit.read"

// AuditQuery selects audit entries, newest first. Empty fields match
// everything.
type AuditQuery struct {
	Record  RecordID
	Citizen CitizenID
	// Actor and Action match the entries' actor (user or token name) and
	// action ("read", "read-original", "ingest", …) exactly.
	Actor, Action string
	// Since (inclusive) and Until (exclusive) bound the entries' time.
	Since, Until time.Time
	// Before is the cursor: entries with Seq < Before; 0 = from the newest.
	Before uint64
	// Limit is the page size: default DefaultAuditLimit, at most
	// MaxAuditLimit.
	Limit int
	// By is who reads the log (required): the read is itself audited.
	By Actor
}

// AuditPage is one page of the audit log.
type AuditPage struct {
	Entries []audit.Event `json:"entries"` // newest first
	// Next is the cursor for the following page (AuditQuery.Before); 0 =
	// none. A page may hold fewer than Limit entries and still have a Next:
	// one page examines at most audit.MaxScan entries.
	Next uint64 `json:"next"`
}

// AuditLog returns a page of the audit log and writes one audit entry for
// the read (action ActionAuditRead, with the query's record and citizen
// and the other filters in its detail). A malformed query is ErrInvalid
// naming the field; a log that does not parse is audit.ErrTampered.
func (a *Archive) AuditLog(ctx context.Context, q AuditQuery) (AuditPage, error) {
	switch {
	case !q.By.valid():
		return AuditPage{}, fmt.Errorf("audit log: %w", invalid("actor", "who is reading must be named (audit)"))
	case q.Record != "" && !q.Record.Valid():
		return AuditPage{}, fmt.Errorf("audit log: %w", invalid("record", "not a record ID"))
	case q.Citizen != "" && !q.Citizen.Valid():
		return AuditPage{}, fmt.Errorf("audit log: %w", invalid("citizen", "not a citizen ID"))
	case len(q.Actor) > audit.MaxFieldLen:
		return AuditPage{}, fmt.Errorf("audit log: %w", invalid("actor", "longer than %d bytes", audit.MaxFieldLen))
	case len(q.Action) > audit.MaxFieldLen:
		return AuditPage{}, fmt.Errorf("audit log: %w", invalid("action", "longer than %d bytes", audit.MaxFieldLen))
	case q.Limit < 0 || q.Limit > MaxAuditLimit:
		return AuditPage{}, fmt.Errorf("audit log: %w", invalid("limit", "%d is not 1-%d", q.Limit, MaxAuditLimit))
	case !q.Since.IsZero() && !q.Until.IsZero() && !q.Until.After(q.Since):
		return AuditPage{}, fmt.Errorf("audit log: %w", invalid("until", "must be after since"))
	}
	if q.Limit == 0 {
		q.Limit = DefaultAuditLimit
	}
	f := audit.Filter{Record: string(q.Record), Citizen: string(q.Citizen), Actor: q.Actor, Action: q.Action,
		Since: q.Since, Until: q.Until}
	entries, next, err := a.audit.Read(ctx, f, q.Before, q.Limit)
	if err != nil {
		return AuditPage{}, fmt.Errorf("audit log: %w", err)
	}
	detail := map[string]string{"entries": strconv.Itoa(len(entries))}
	for k, v := range map[string]string{"actor": q.Actor, "action": q.Action} {
		if v != "" {
			detail[k] = v
		}
	}
	for k, t := range map[string]time.Time{"since": q.Since, "until": q.Until} {
		if !t.IsZero() {
			detail[k] = t.UTC().Format(time.RFC3339)
		}
	}
	if q.Before != 0 {
		detail["before"] = strconv.FormatUint(q.Before, 10)
	}
	_, err = a.audit.Append(ctx, audit.Event{Actor: q.By.Name, Role: q.By.Role, Action: ActionAuditRead,
		Record: string(q.Record), Citizen: string(q.Citizen), Detail: detail})
	if err != nil {
		return AuditPage{}, fmt.Errorf("audit log: audit the read: %w", err)
	}
	if entries == nil {
		entries = []audit.Event{}
	}
	return AuditPage{Entries: entries, Next: next}, nil
}

// VerifyAudit checks the open archive's audit log against its sealed
// segments: the same check as `akte audit verify` (VerifyAudit), beside
// the running log.
func (a *Archive) VerifyAudit(ctx context.Context) (audit.Report, error) {
	return VerifyAudit(ctx, a.opts.Dir, a.store)
}

// AuditHead returns the seq of the newest durable audit entry.
func (a *Archive) AuditHead() uint64 {
	seq, _ := a.audit.Head()
	return seq
}

// SearchStats returns the search index's figures; ErrUnavailable when the
// archive has no index.
func (a *Archive) SearchStats() (search.Stats, error) {
	if a.opts.Search == nil {
		return search.Stats{}, fmt.Errorf("search stats: no index: %w", ErrUnavailable)
	}
	return a.opts.Search.Stats()
}

// ActionReadRecord is the audit action of a read of a record's catalog
// data (title, manifest, facts) without its document.
const ActionReadRecord = "read-record"

// ReadRecord is Record for a reader: it refuses a record in its restricted
// phase to anyone but records officers (ErrForbidden) and writes one audit
// entry (ActionReadRecord, with purpose) for a record it returns; a refused
// or failed read writes none.
func (a *Archive) ReadRecord(ctx context.Context, id RecordID, actor Actor, purpose string) (*Record, error) {
	if !actor.valid() {
		return nil, fmt.Errorf("read record: %w", invalid("actor", "who is reading must be named (audit)"))
	}
	rec, err := a.Record(ctx, id)
	if err != nil {
		return nil, err
	}
	if !MayRead(actor.Role, rec.Status) {
		return nil, fmt.Errorf("record %s: %w: the record is in its restricted phase (records officers only)", rec.ID, ErrForbidden)
	}
	if err := a.record(ctx, actor, ActionReadRecord, rec.Manifest, purpose); err != nil {
		return nil, fmt.Errorf("read record %s: audit: %w", id, err)
	}
	return rec, nil
}
