package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"sync"
	"time"

	"akte/archive/catalog"
	"akte/archive/store"
	"akte/retention"
	"akte/search"
)

// Event types a records officer records about a citizen. Each touches that
// citizen's records only.
const (
	EventMovedAway   = retention.EventMovedAway   // moved out of the municipality
	EventDeceased    = retention.EventDeceased    // died
	EventNewDocument = retention.EventNewDocument // a new document was issued; Detail says which (passport, id-card)
	EventCaseClosed  = retention.EventCaseClosed  // the case the records belong to was closed
)

// CitizenEvent is one event in a citizen's life that retention depends on,
// stored WORM as citizens/<citizen>/events/<id>.json.
type CitizenEvent struct {
	Schema  int       `json:"schema"`
	ID      string    `json:"id"`
	Citizen CitizenID `json:"citizen"`
	Type    string    `json:"type"`
	// Detail qualifies new_document: which kind (passport, id-card).
	Detail   string    `json:"detail,omitempty"`
	Date     Date      `json:"date"`
	Recorded time.Time `json:"recorded"`
	By       Actor     `json:"by"`
}

func eventKey(c CitizenID, id string) string {
	return "citizens/" + string(c) + "/events/" + id + ".json"
}

// Hold is a legal hold on a record: it blocks disposal and sets the S3 legal
// hold on every object of the record.
type Hold struct {
	Reason string    `json:"reason"`
	By     string    `json:"by"`
	Since  time.Time `json:"since"`
}

// Approval is a records officer's approval of a review disposition.
type Approval struct {
	By   string    `json:"by"`
	Role string    `json:"role"`
	At   time.Time `json:"at"`
	Note string    `json:"note,omitempty"`
}

// Offer states of a record whose disposition is offer.
const (
	OfferPending  = "pending"  // due; waiting to be put on an offer list
	OfferOffered  = "offered"  // on an offer list; waiting for the state archive's appraisal
	OfferArchive  = "archive"  // the archive takes it: transferred, then removed here
	OfferDestroy  = "destroy"  // the archive declined it: destroyed
	awaitApproval = "approval" // PlanItem.Awaiting
	awaitAppraise = "appraisal"
)

// state is a record's retention state, kept in the catalog entry (State).
// Everything in it is derived from the bucket (manifests, annotations,
// citizen events) and the schedule, except LockedUntil, which mirrors the
// locks set on the objects.
type state struct {
	Created time.Time       `json:"created"`
	Facts   map[string]Date `json:"facts,omitempty"`
	Hold    *Hold           `json:"hold,omitempty"`
	// LockedUntil is the retain-until date set on every object.
	LockedUntil time.Time `json:"locked_until,omitzero"`
	Approval    *Approval `json:"approval,omitempty"`
	Offer       string    `json:"offer,omitempty"`
	OfferID     string    `json:"offer_id,omitempty"`
	// Announced is when a sweep first reported that disposal waits for a
	// person (approval, appraisal); reported once, then left to the plan.
	Announced time.Time  `json:"announced,omitzero"`
	Decision  stateDates `json:"decision"`
	// Failure is the last sweep's problem with this record, if any.
	Failure string `json:"failure,omitempty"`
}

// stateDates are the decision's dates as of the last evaluation; Plan reads
// them without re-evaluating.
type stateDates struct {
	Disposition retention.Disposition `json:"disposition"`
	Earliest    time.Time             `json:"earliest,omitzero"`
	Latest      time.Time             `json:"latest,omitzero"`
	Restricted  time.Time             `json:"restricted,omitzero"`
	Basis       []string              `json:"basis,omitempty"`
}

func decodeState(e catalog.Entry) (*state, error) {
	var st state
	if len(e.State) == 0 {
		// Written before retention existed: start from the manifest.
		var m Manifest
		if err := json.Unmarshal(e.Manifest, &m); err != nil {
			return nil, fmt.Errorf("record %s: catalog copy of manifest: %v: %w", e.ID, err, ErrCorrupt)
		}
		return newState(&m), nil
	}
	if err := json.Unmarshal(e.State, &st); err != nil {
		return nil, fmt.Errorf("record %s: retention state: %v: %w", e.ID, err, ErrCorrupt)
	}
	return &st, nil
}

// RetentionStatus is what retention says about a record now.
type RetentionStatus struct {
	Disposition retention.Disposition `json:"disposition"`
	Phase       retention.Phase       `json:"phase"`
	Earliest    time.Time             `json:"earliest,omitzero"`
	Latest      time.Time             `json:"latest,omitzero"`
	Restricted  time.Time             `json:"restricted,omitzero"`
	Next        time.Time             `json:"next,omitzero"`
	NextPhase   retention.Phase       `json:"next_phase,omitempty"`
	LockedUntil time.Time             `json:"locked_until,omitzero"`
	Hold        *Hold                 `json:"hold,omitempty"`
	Approval    *Approval             `json:"approval,omitempty"`
	Offer       string                `json:"offer,omitempty"`
	// Awaiting is "approval" (review) or "appraisal" (offer) when disposal
	// waits for a person.
	Awaiting string             `json:"awaiting,omitempty"`
	Facts    map[string]Date    `json:"facts,omitempty"`
	Reasons  []retention.Reason `json:"reasons"`
	Failure  string             `json:"failure,omitempty"`
}

// citizenLock serialises everything that evaluates a citizen's records
// against the citizen's events: an event, and the final step of an ingest,
// never interleave, so no record misses an event.
func (a *Archive) citizenLock(c CitizenID) func() {
	h := fnv.New32a()
	h.Write([]byte(c))
	mu := &a.citizenMu[h.Sum32()%uint32(len(a.citizenMu))]
	mu.Lock()
	return mu.Unlock
}

// events returns the citizen's events as the catalog holds them.
func (a *Archive) events(ctx context.Context, c CitizenID) ([]CitizenEvent, error) {
	raw, err := a.cat.Events(ctx, string(c))
	if err != nil {
		return nil, err
	}
	evs := make([]CitizenEvent, 0, len(raw))
	for _, r := range raw {
		var ev CitizenEvent
		if err := json.Unmarshal(r.Data, &ev); err != nil {
			return nil, fmt.Errorf("citizen %s event %s: %v: %w", c, r.ID, err, ErrCorrupt)
		}
		evs = append(evs, ev)
	}
	return evs, nil
}

// facts is what retention.Evaluate needs to know of a record.
func factsOf(class Class, st *state, evs []CitizenEvent) retention.Facts {
	f := retention.Facts{Class: string(class), Created: st.Created, Facts: make(map[string]time.Time, len(st.Facts))}
	for name, d := range st.Facts {
		if t, err := time.Parse(time.DateOnly, string(d)); err == nil {
			f.Facts[name] = t
		}
	}
	for _, ev := range evs {
		if t, err := time.Parse(time.DateOnly, string(ev.Date)); err == nil {
			f.Events = append(f.Events, retention.Event{Kind: ev.Type, Detail: ev.Detail, At: t})
		}
	}
	return f
}

// evaluate applies the schedule and returns the decision, storing its
// dates in st.
func (a *Archive) evaluate(class Class, st *state, evs []CitizenEvent, now time.Time) (retention.Decision, error) {
	d, err := retention.Evaluate(a.schedule, factsOf(class, st, evs), now)
	if err != nil {
		return d, fmt.Errorf("retention of class %s: %w", class, err)
	}
	st.Decision = stateDates{Disposition: d.Disposition, Earliest: d.Earliest, Latest: d.Latest, Restricted: d.Restricted}
	for _, r := range d.Reasons {
		if r.Basis != "" && (len(st.Decision.Basis) == 0 || st.Decision.Basis[len(st.Decision.Basis)-1] != r.Basis) {
			st.Decision.Basis = append(st.Decision.Basis, r.Basis)
		}
	}
	return d, nil
}

// lockRenewal is how long before a rolling lock ends the sweeper extends it.
const lockRenewal = 30 * 24 * time.Hour

// awaiting says whether disposal of a due record waits for a person.
func awaiting(st *state, d retention.Decision) string {
	switch {
	case d.Phase != retention.PhaseDue:
		return ""
	case d.Disposition == retention.Review && st.Approval == nil:
		return awaitApproval
	case d.Disposition == retention.Offer && st.Offer != OfferArchive && st.Offer != OfferDestroy:
		return awaitAppraise
	}
	return ""
}

// statusOf is the record's visibility: restricted once the restriction
// phase began (also when it is due meanwhile), active otherwise.
func statusOf(d retention.Decision, now time.Time) string {
	if !d.Restricted.IsZero() && !now.Before(d.Restricted) {
		return search.StatusRestricted
	}
	return search.StatusActive
}

// nextLook is when the sweeper must look at the record again; zero when
// only a person can move it on (a hold, an approval, an appraisal).
func (a *Archive) nextLook(st *state, d retention.Decision, now time.Time) time.Time {
	var next time.Time
	earlier := func(t time.Time) {
		if !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	if d.NextPhase == retention.PhaseRestricted {
		earlier(d.Next)
	}
	want := retention.LockUntil(d, st.LockedUntil, now, a.opts.RollingLock)
	if want.After(st.LockedUntil) && want.After(now) {
		earlier(now) // a lock to extend
	} else if (d.Earliest.IsZero() || d.Provisional) && !st.LockedUntil.IsZero() {
		earlier(st.LockedUntil.Add(-lockRenewal))
	}
	if st.Hold != nil {
		return next
	}
	switch {
	case d.Phase != retention.PhaseDue:
		earlier(d.Next)
	case d.Disposition == retention.Offer && st.Offer == "":
		earlier(now) // to put on the offer list
	case awaiting(st, d) != "":
		if st.Announced.IsZero() {
			earlier(now) // the sweep reports it once
		}
	case st.LockedUntil.After(now):
		earlier(st.LockedUntil)
	default:
		earlier(now)
	}
	if !next.IsZero() && next.Before(now) {
		next = now
	}
	return next
}

// apply evaluates the record and writes state, status and next look into e.
func (a *Archive) apply(e *catalog.Entry, st *state, evs []CitizenEvent, now time.Time) (retention.Decision, error) {
	d, err := a.evaluate(Class(e.Class), st, evs, now)
	if err != nil {
		return d, err
	}
	b, err := json.Marshal(st)
	if err != nil {
		return d, err
	}
	e.State = b
	e.Next = a.nextLook(st, d, now)
	if s := statusOf(d, now); s != e.Status {
		e.Status = s
		e.Indexed = a.idx == nil // the index learns the new status
	}
	return d, nil
}

// newState is a fresh record's retention state.
// The clock "created" starts at the document's date when the sender gave
// one (a tax file of 2015 scanned today is ten years old already), else at
// ingest.
func newState(m *Manifest) *state {
	return &state{Created: createdOf(m.Date, m.Created), Facts: maps.Clone(m.Facts), LockedUntil: m.RetainUntil}
}

func createdOf(doc Date, ingested time.Time) time.Time {
	if t, err := time.Parse(time.DateOnly, string(doc)); err == nil && t.Before(ingested) {
		return t
	}
	return ingested
}

// initialLock is the lock of a new version: its earliest lawful disposal
// date, or a rolling period when that is not known, never past the latest
// date; zero when the record may go at once.
func (a *Archive) initialLock(class Class, doc Date, facts map[string]Date, evs []CitizenEvent, now time.Time) (time.Time, error) {
	st := &state{Created: createdOf(doc, now), Facts: facts}
	d, err := a.evaluate(class, st, evs, now)
	if err != nil {
		return time.Time{}, err
	}
	lock := retention.LockUntil(d, time.Time{}, now, a.opts.RollingLock).Truncate(time.Second)
	if !lock.After(now) {
		return time.Time{}, nil
	}
	return lock, nil
}

// RecordEvent records an event about a citizen: it is stored WORM, then
// every record of that citizen (found through the catalog's citizen index)
// is re-evaluated and its new dates persisted in the same catalog
// transaction as the event. Locks are extended by the next sweep.
func (a *Archive) RecordEvent(ctx context.Context, actor Actor, ev CitizenEvent) (CitizenEvent, int, error) {
	if !actor.valid() {
		return ev, 0, fmt.Errorf("event: %w", invalid("actor", "who records the event must be named (audit)"))
	}
	if !ev.Citizen.Valid() {
		return ev, 0, fmt.Errorf("event: %w", invalidCitizen(ev.Citizen))
	}
	switch ev.Type {
	case EventMovedAway, EventDeceased, EventCaseClosed:
		if ev.Detail != "" {
			return ev, 0, fmt.Errorf("event: %w", invalid("detail", "only new_document takes a detail"))
		}
	case EventNewDocument:
		if ev.Detail != "" && !ValidFactName(ev.Detail) && !Class(ev.Detail).Valid() {
			return ev, 0, fmt.Errorf("event: %w", invalid("detail", "document kind %q: want lower-case letters, digits, - and _", clip(ev.Detail)))
		}
	default:
		return ev, 0, fmt.Errorf("event: %w", invalid("type", "unknown event %q (moved_away, deceased, new_document, case_closed)", clip(ev.Type)))
	}
	now := a.opts.Now().UTC()
	if !ev.Date.Valid() {
		return ev, 0, fmt.Errorf("event: %w", invalid("date", "event date %q: want YYYY-MM-DD", clip(string(ev.Date))))
	}
	if t, _ := time.Parse(time.DateOnly, string(ev.Date)); t.After(now) {
		return ev, 0, fmt.Errorf("event: %w", invalid("date", "event date %s is in the future", ev.Date))
	}
	ev.Schema, ev.ID, ev.Recorded, ev.By = 1, string(NewRecordID()), now, actor
	data, err := json.Marshal(ev)
	if err != nil {
		return ev, 0, err
	}
	unlock := a.citizenLock(ev.Citizen)
	defer unlock()
	end, err := a.beginWrite()
	if err != nil {
		return ev, 0, fmt.Errorf("event: %w", err)
	}
	committed := false
	defer func() { end(committed) }()
	if _, err := a.store.Put(ctx, eventKey(ev.Citizen, ev.ID), bytes.NewReader(data), int64(len(data)),
		store.PutOptions{ContentType: "application/json"}); err != nil {
		return ev, 0, fmt.Errorf("event: %w", err)
	}
	// The event is stored (its commit point): the catalog and the audit
	// log record it at the same time, each one fsync.
	var auditErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		_, auditErr = a.audit.Append(ctx, auditEvent(actor, "citizen-event", "", ev.Citizen, map[string]string{
			"type": ev.Type, "detail": ev.Detail, "date": string(ev.Date), "event": ev.ID}))
	})
	n, err := a.applyEvent(ctx, ev, data, now)
	wg.Wait()
	if err != nil {
		return ev, 0, fmt.Errorf("event: %w (stored; applied on the next open)", err)
	}
	committed = true
	if auditErr != nil {
		return ev, n, fmt.Errorf("event: audit: %w", auditErr)
	}
	return ev, n, nil
}

// applyEvent stores a stored event in the catalog and re-evaluates the
// citizen's records in the same transaction. The caller holds the
// citizen lock.
func (a *Archive) applyEvent(ctx context.Context, ev CitizenEvent, data []byte, now time.Time) (int, error) {
	evs, err := a.events(ctx, ev.Citizen)
	if err != nil {
		return 0, err
	}
	evs = append(evs, ev)
	var changed []string
	n, err := a.cat.AddEvent(ctx, string(ev.Citizen), catalog.Event{ID: ev.ID, Data: data}, func(e *catalog.Entry) error {
		st, err := decodeState(*e)
		if err != nil {
			return err
		}
		before := e.Status
		if _, err := a.apply(e, st, evs, now); err != nil {
			return err
		}
		if e.Status != before {
			changed = append(changed, e.ID)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	a.reindexStatus(ctx, changed)
	return n, nil
}

// reindexStatus tells the search index about records whose visibility
// changed; a failure leaves them marked unindexed for the next open.
func (a *Archive) reindexStatus(ctx context.Context, ids []string) {
	if a.idx == nil {
		return
	}
	for _, id := range ids {
		if err := a.indexRecord(ctx, RecordID(id)); err != nil {
			a.log.Warn("search: status change not indexed; retried on next open", "record", id, "err", err)
		}
	}
}

// Events returns a citizen's recorded events, oldest first.
func (a *Archive) Events(ctx context.Context, c CitizenID) ([]CitizenEvent, error) {
	if !c.Valid() {
		return nil, fmt.Errorf("events: %w", invalidCitizen(c))
	}
	return a.events(ctx, c)
}

// annotation is a later change to a record's retention, stored WORM as
// records/<id>/meta/<ulid>.json so that a rebuild from the bucket restores
// it: facts, holds and their release, approvals, offers and appraisals.
type annotation struct {
	Schema   int             `json:"schema"`
	Record   RecordID        `json:"record"`
	Kind     string          `json:"kind"` // facts, hold, release, approve, offer, appraisal
	At       time.Time       `json:"at"`
	By       Actor           `json:"by"`
	Facts    map[string]Date `json:"facts,omitempty"`
	Reason   string          `json:"reason,omitempty"`
	Decision string          `json:"decision,omitempty"` // appraisal: archive or destroy
	Offer    string          `json:"offer,omitempty"`    // offer: the offer list's ID
}

const metaDir = "meta"

// applyTo changes st as the annotation says.
func (an *annotation) applyTo(st *state) {
	switch an.Kind {
	case "facts":
		if st.Facts == nil {
			st.Facts = map[string]Date{}
		}
		maps.Copy(st.Facts, an.Facts)
	case "hold":
		st.Hold = &Hold{Reason: an.Reason, By: an.By.Name, Since: an.At}
	case "release":
		st.Hold = nil
	case "approve":
		st.Approval = &Approval{By: an.By.Name, Role: an.By.Role, At: an.At, Note: an.Reason}
		st.Announced = time.Time{}
	case "offer":
		st.Offer, st.OfferID = OfferOffered, an.Offer
	case "appraisal":
		st.Offer = an.Decision
	}
}

// annotate stores an annotation of a record WORM, applies it to the
// catalog entry, re-evaluates, and audits. check may refuse the change
// after seeing the current state.
func (a *Archive) annotate(ctx context.Context, an annotation, check func(*state, retention.Decision) error) (*Record, error) {
	if !an.By.valid() {
		return nil, invalid("actor", "who changes the record must be named (audit)")
	}
	e, err := a.entry(ctx, an.Record)
	if err != nil {
		return nil, err
	}
	citizen, class := CitizenID(e.Citizen), Class(e.Class)
	unlock := a.citizenLock(citizen)
	defer unlock()
	if e, err = a.entry(ctx, an.Record); err != nil { // under the lock now
		return nil, err
	}
	st, err := decodeState(e)
	if err != nil {
		return nil, err
	}
	evs, err := a.events(ctx, citizen)
	if err != nil {
		return nil, err
	}
	now := a.opts.Now().UTC()
	d, err := a.evaluate(class, st, evs, now)
	if err != nil {
		return nil, err
	}
	if check != nil {
		if err := check(st, d); err != nil {
			return nil, err
		}
	}
	an.Schema, an.At = 1, now
	data, err := json.Marshal(an)
	if err != nil {
		return nil, err
	}
	// The annotation is locked like the record's files, but never past the
	// latest date the annotation itself may bring forward.
	after := *st
	an.applyTo(&after)
	d2, err := a.evaluate(class, &after, evs, now)
	if err != nil {
		return nil, err
	}
	var opts store.PutOptions
	if lock := st.LockedUntil; lock.After(now) {
		if !d2.Latest.IsZero() && lock.After(d2.Latest) {
			lock = d2.Latest
		}
		if lock.After(now) {
			opts.Retention.Until = lock
		}
	}
	opts.ContentType = "application/json"
	key := "records/" + string(an.Record) + "/" + metaDir + "/" + string(NewRecordID()) + ".json"
	if _, err := a.store.Put(ctx, key, bytes.NewReader(data), int64(len(data)), opts); err != nil {
		return nil, err
	}
	switch an.Kind {
	case "hold", "release":
		if err := a.setLegalHold(ctx, an.Record, an.Kind == "hold"); err != nil {
			return nil, err
		}
	}
	var statusChanged bool
	err = a.cat.Update(ctx, string(an.Record), func(e *catalog.Entry) error {
		st, err := decodeState(*e)
		if err != nil {
			return err
		}
		an.applyTo(st)
		before := e.Status
		_, err = a.apply(e, st, evs, now)
		statusChanged = e.Status != before
		return err
	})
	if err != nil {
		return nil, err
	}
	if statusChanged {
		a.reindexStatus(ctx, []string{string(an.Record)})
	}
	detail := map[string]string{}
	if an.Reason != "" {
		detail["reason"] = an.Reason
	}
	for k, v := range an.Facts {
		detail["fact."+k] = string(v)
	}
	if an.Decision != "" {
		detail["decision"] = an.Decision
	}
	if _, err := a.audit.Append(ctx, auditEvent(an.By, an.Kind, an.Record, citizen, detail)); err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return a.Record(ctx, an.Record)
}

// SetFacts adds or corrects record facts (e.g. valid_until) after ingest.
// A fact set later never shortens a lock already in force.
func (a *Archive) SetFacts(ctx context.Context, actor Actor, id RecordID, facts map[string]Date) (*Record, error) {
	if len(facts) == 0 {
		return nil, fmt.Errorf("set facts: %w", invalid("fact", "no facts given"))
	}
	for name, d := range facts {
		if !ValidFactName(name) {
			return nil, fmt.Errorf("set facts: %w", invalid("fact", "fact name %q: want lower-case letters, digits and _", clip(name)))
		}
		if !d.Valid() {
			return nil, fmt.Errorf("set facts: %w", invalid("fact", "fact %s=%q: want YYYY-MM-DD", name, clip(string(d))))
		}
	}
	rec, err := a.annotate(ctx, annotation{Record: id, Kind: "facts", By: actor, Facts: facts}, nil)
	if err != nil {
		return nil, fmt.Errorf("set facts of %s: %w", id, err)
	}
	return rec, nil
}

const maxReason = 1000

// SetHold puts a legal hold on a record: disposal is blocked and every
// object of the record gets the store's legal hold until ClearHold.
func (a *Archive) SetHold(ctx context.Context, actor Actor, id RecordID, reason string) (*Record, error) {
	if reason == "" || len(reason) > maxReason {
		return nil, fmt.Errorf("hold: %w", invalid("reason", "a hold needs a reason (at most %d bytes), e.g. the court case number", maxReason))
	}
	rec, err := a.annotate(ctx, annotation{Record: id, Kind: "hold", By: actor, Reason: reason}, func(st *state, _ retention.Decision) error {
		if st.Hold != nil {
			return fmt.Errorf("%w: already on hold since %s (%s)", ErrConflict, st.Hold.Since.Format(time.DateOnly), st.Hold.Reason)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("hold %s: %w", id, err)
	}
	return rec, nil
}

// ClearHold releases a record's legal hold; retention goes on as the
// schedule says.
func (a *Archive) ClearHold(ctx context.Context, actor Actor, id RecordID, reason string) (*Record, error) {
	if reason == "" || len(reason) > maxReason {
		return nil, fmt.Errorf("release: %w", invalid("reason", "releasing a hold needs a reason (at most %d bytes)", maxReason))
	}
	rec, err := a.annotate(ctx, annotation{Record: id, Kind: "release", By: actor, Reason: reason}, func(st *state, _ retention.Decision) error {
		if st.Hold == nil {
			return fmt.Errorf("%w: the record is not on hold", ErrConflict)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("release %s: %w", id, err)
	}
	return rec, nil
}

// Approve records a records officer's approval to dispose of a due record
// whose disposition is review; the next sweep disposes of it.
func (a *Archive) Approve(ctx context.Context, actor Actor, id RecordID, note string) (*Record, error) {
	if len(note) > maxReason {
		return nil, fmt.Errorf("approve: %w", invalid("note", "at most %d bytes", maxReason))
	}
	rec, err := a.annotate(ctx, annotation{Record: id, Kind: "approve", By: actor, Reason: note}, func(st *state, d retention.Decision) error {
		switch {
		case d.Disposition != retention.Review:
			return fmt.Errorf("%w: disposition is %s, not review", ErrConflict, d.Disposition)
		case d.Phase != retention.PhaseDue:
			return fmt.Errorf("%w: not due before %s", ErrConflict, d.Earliest.Format(time.DateOnly))
		case st.Approval != nil:
			return fmt.Errorf("%w: already approved by %s", ErrConflict, st.Approval.By)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("approve %s: %w", id, err)
	}
	return rec, nil
}

// setLegalHold sets or clears the store's legal hold on every object of
// the record.
func (a *Archive) setLegalHold(ctx context.Context, id RecordID, on bool) error {
	for info, err := range a.store.List(ctx, "records/"+string(id)+"/", "") {
		if err != nil {
			return err
		}
		if err := a.store.SetLegalHold(ctx, info.Key, info.VersionID, on); err != nil {
			return err
		}
	}
	return nil
}

// Retention evaluates a record now: dates, phase, reasons and what it waits for.
func (a *Archive) Retention(ctx context.Context, id RecordID) (*RetentionStatus, error) {
	e, err := a.entry(ctx, id)
	if err != nil {
		return nil, err
	}
	st, err := decodeState(e)
	if err != nil {
		return nil, err
	}
	evs, err := a.events(ctx, CitizenID(e.Citizen))
	if err != nil {
		return nil, err
	}
	d, err := a.evaluate(Class(e.Class), st, evs, a.opts.Now().UTC())
	if err != nil {
		return nil, err
	}
	return &RetentionStatus{Disposition: d.Disposition, Phase: d.Phase, Earliest: d.Earliest, Latest: d.Latest,
		Restricted: d.Restricted, Next: d.Next, NextPhase: d.NextPhase, LockedUntil: st.LockedUntil, Hold: st.Hold,
		Approval: st.Approval, Offer: st.Offer, Awaiting: awaiting(st, d), Facts: st.Facts, Reasons: d.Reasons,
		Failure: st.Failure}, nil
}

// ErrDisposed: the record was disposed of; only its certificate remains.
var ErrDisposed = errors.New("record disposed of")
