package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sync"
	"time"

	"akte/archive/audit"
	"akte/archive/catalog"
	"akte/archive/store"
	"akte/retention"
	"akte/search"
)

// SweepOptions configure one sweep.
type SweepOptions struct {
	// DryRun reports what the sweep would do and changes nothing.
	DryRun bool
	// All visits every record instead of only those whose next look is
	// due (after a schedule change; the sweeper does this by itself when
	// the schedule's ID changed).
	All bool
	// Actor is audited as the one who swept. Default: System.
	Actor Actor
	// Progress, if set, is called after every 1,000 records visited.
	Progress func(visited int)
}

// Sweep actions, as reported per record.
const (
	ActionExtendLock = "extend-lock" // the lock was extended to the earliest lawful date (or rolled on)
	ActionRestrict   = "restrict"    // entered the restricted phase: records officers only
	ActionDispose    = "dispose"     // destroyed, certificate written
	ActionTransfer   = "transfer"    // taken by the state archive, then removed here, certificate written
	ActionOffer      = "offer"       // due; put on the list for the next offer to the state archive
	ActionAwait      = "await"       // due; waits for a records officer's approval or the archive's appraisal
	ActionHeld       = "held"        // due, but on legal hold
	ActionLocked     = "locked"      // due, but its lock has not ended yet
	ActionFailed     = "failed"      // an error; retried by the next sweep
)

// SweepItem is what a sweep did (or would do) to one record.
type SweepItem struct {
	Record  RecordID `json:"record"`
	Class   Class    `json:"class"`
	Actions []string `json:"actions"`
	// Until is the lock's new end (extend-lock) or the end that blocks
	// disposal (locked).
	Until time.Time `json:"until,omitzero"`
	Error string    `json:"error,omitempty"`
}

// SweepReport summarises a sweep.
type SweepReport struct {
	DryRun   bool           `json:"dry_run"`
	At       time.Time      `json:"at"`
	Visited  int            `json:"visited"`
	Counts   map[string]int `json:"counts"`
	Items    []SweepItem    `json:"items"`
	Duration time.Duration  `json:"duration_ns"`
}

// sweepWorkers is how many records a sweep works on at once.
const sweepWorkers = 8

// Sweep applies the retention schedule: it visits every record whose next
// look is due (per the catalog's date index), extends locks, moves records
// into the restricted phase, and disposes of those that are due, not on
// hold, no longer locked and (for review and offer) decided. It is
// idempotent: a sweep right after another finds nothing to do. Errors on
// single records are reported in the items and retried next time; the
// returned error is for failures that stop the whole sweep.
func (a *Archive) Sweep(ctx context.Context, opts SweepOptions) (SweepReport, error) {
	a.sweepMu.Lock()
	defer a.sweepMu.Unlock()
	if !opts.Actor.valid() {
		opts.Actor = System
	}
	start := time.Now()
	now := a.opts.Now().UTC()
	rep := SweepReport{DryRun: opts.DryRun, At: now, Counts: map[string]int{}, Items: []SweepItem{}}
	full := opts.All || a.scheduleChanged.Load()
	var ids []string
	if full {
		for e, err := range a.cat.All(ctx) {
			if err != nil {
				return rep, fmt.Errorf("sweep: %w", err)
			}
			if e.Status != catalog.StatusDisposed {
				ids = append(ids, e.ID)
			}
		}
	} else {
		for id, err := range a.cat.DueBefore(ctx, now) {
			if err != nil {
				return rep, fmt.Errorf("sweep: %w", err)
			}
			ids = append(ids, id)
		}
	}
	// Records are independent (each under its citizen's lock), and their
	// store, catalog and audit writes group-commit: a few workers at once
	// multiply the throughput. Items keep the order of the records.
	items := make([]SweepItem, len(ids))
	next := make(chan int)
	var wg sync.WaitGroup
	for range sweepWorkers {
		wg.Go(func() {
			for i := range next {
				item, err := a.sweepRecord(ctx, RecordID(ids[i]), now, opts)
				if err != nil {
					item.Actions = append(item.Actions, ActionFailed)
					item.Error = err.Error()
					a.log.Warn("sweep: record failed; retried next sweep", "record", ids[i], "err", err)
				}
				items[i] = item
			}
		})
	}
	sent := 0
	for i := range ids {
		if ctx.Err() != nil {
			break
		}
		next <- i
		sent++
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	for _, item := range items[:sent] {
		rep.Visited++
		for _, act := range item.Actions {
			rep.Counts[act]++
		}
		if len(item.Actions) > 0 {
			rep.Items = append(rep.Items, item)
		}
		if opts.Progress != nil && rep.Visited%1000 == 0 {
			opts.Progress(rep.Visited)
		}
	}
	if full && !opts.DryRun {
		if err := a.saveScheduleID(); err != nil {
			return rep, fmt.Errorf("sweep: %w", err)
		}
		a.scheduleChanged.Store(false)
	}
	rep.Duration = time.Since(start)
	if !opts.DryRun && len(rep.Items) > 0 {
		detail := map[string]string{"visited": fmt.Sprint(rep.Visited)}
		for k, v := range rep.Counts {
			detail[k] = fmt.Sprint(v)
		}
		if _, err := a.audit.Append(ctx, auditEvent(opts.Actor, "sweep", "", "", detail)); err != nil {
			return rep, fmt.Errorf("sweep: audit: %w", err)
		}
	}
	return rep, nil
}

// sweepRecord does one record's due work under its citizen's lock.
func (a *Archive) sweepRecord(ctx context.Context, id RecordID, now time.Time, opts SweepOptions) (SweepItem, error) {
	item := SweepItem{Record: id}
	e, err := a.cat.Get(ctx, string(id))
	if errors.Is(err, catalog.ErrNotFound) {
		return item, nil
	}
	if err != nil {
		return item, err
	}
	if e.Status == catalog.StatusDisposed {
		return item, nil
	}
	item.Class = Class(e.Class)
	unlock := a.citizenLock(CitizenID(e.Citizen))
	defer unlock()
	if e, err = a.cat.Get(ctx, string(id)); err != nil { // under the lock now
		return item, err
	}
	st, err := decodeState(e)
	if err != nil {
		return item, err
	}
	evs, err := a.events(ctx, CitizenID(e.Citizen))
	if err != nil {
		return item, err
	}
	d, err := a.evaluate(item.Class, st, evs, now)
	if err != nil {
		return item, err
	}
	if statusOf(d, now) == search.StatusRestricted && e.Status != search.StatusRestricted {
		item.Actions = append(item.Actions, ActionRestrict)
	}
	want := retention.LockUntil(d, st.LockedUntil, now, a.opts.RollingLock).Truncate(time.Second)
	if want.After(st.LockedUntil) && want.After(now) {
		item.Actions = append(item.Actions, ActionExtendLock)
		item.Until = want
		if !opts.DryRun {
			got, err := a.extendLocks(ctx, id, want)
			if err != nil {
				return item, a.sweepFailed(ctx, id, err)
			}
			st.LockedUntil = got
		}
	}
	dispose := ""
	if d.Phase == retention.PhaseDue {
		switch {
		case st.Hold != nil:
			item.Actions = append(item.Actions, ActionHeld)
		case d.Disposition == retention.Offer && st.Offer == "":
			item.Actions = append(item.Actions, ActionOffer)
			if !opts.DryRun {
				st.Offer, st.Announced = OfferPending, now
			}
		case awaiting(st, d) != "":
			if !st.Announced.IsZero() {
				break // already reported; the plan lists it
			}
			item.Actions = append(item.Actions, ActionAwait)
			if !opts.DryRun {
				st.Announced = now
			}
		case st.LockedUntil.After(now):
			item.Actions = append(item.Actions, ActionLocked)
			item.Until = st.LockedUntil
		case d.Disposition == retention.Offer && st.Offer == OfferArchive:
			dispose = ActionTransfer
		default:
			dispose = ActionDispose
		}
	}
	if dispose != "" {
		item.Actions = append(item.Actions, dispose)
		if opts.DryRun {
			return item, nil
		}
		if err := a.dispose(ctx, e, st, d, dispose, now, opts.Actor); err != nil {
			return item, a.sweepFailed(ctx, id, err)
		}
		return item, nil
	}
	if opts.DryRun {
		return item, nil
	}
	st.Failure = ""
	var statusChanged bool
	err = a.cat.Update(ctx, string(id), func(e *catalog.Entry) error {
		before := e.Status
		_, err := a.apply(e, st, evs, now)
		statusChanged = e.Status != before
		return err
	})
	if err != nil {
		return item, err
	}
	if statusChanged {
		a.reindexStatus(ctx, []string{string(id)})
		if _, err := a.audit.Append(ctx, auditEvent(opts.Actor, "restrict", id, "", nil)); err != nil {
			return item, fmt.Errorf("audit: %w", err)
		}
	}
	return item, nil
}

// sweepFailed notes a record's failure in its state (shown by plan and
// status) and returns err.
func (a *Archive) sweepFailed(ctx context.Context, id RecordID, err error) error {
	uerr := a.cat.Update(ctx, string(id), func(e *catalog.Entry) error {
		st, derr := decodeState(*e)
		if derr != nil {
			return derr
		}
		st.Failure = err.Error()
		e.State, derr = json.Marshal(st)
		return derr
	})
	return errors.Join(err, uerr)
}

// extendLocks sets retain-until on every object of the record and returns
// the lock now in force (the store may already hold a longer one, which is
// never shortened).
func (a *Archive) extendLocks(ctx context.Context, id RecordID, until time.Time) (time.Time, error) {
	got := until
	for info, err := range a.store.List(ctx, "records/"+string(id)+"/", "") {
		if err != nil {
			return time.Time{}, err
		}
		err := a.store.SetRetention(ctx, info.Key, info.VersionID, store.Retention{Until: until})
		if errors.Is(err, store.ErrLocked) {
			// Already locked longer (never shortened): keep that.
			st, serr := a.store.Stat(ctx, info.Key, info.VersionID)
			if serr != nil {
				return time.Time{}, serr
			}
			if st.Retention.Until.Before(until) {
				return time.Time{}, err
			}
			if st.Retention.Until.After(got) {
				got = st.Retention.Until
			}
			continue
		}
		if err != nil {
			return time.Time{}, err
		}
	}
	return got, nil
}

// Certificate is the proof of a disposal, stored WORM as
// disposals/<record>.json. It names no person: no citizen ID, no title, no
// names, no content — only the record ID, its class, the rule, the dates,
// the fixity of what was deleted, and the approver.
type Certificate struct {
	Schema      int                   `json:"schema"`
	Record      RecordID              `json:"record"`
	Class       Class                 `json:"class"`
	Disposition retention.Disposition `json:"disposition"`
	// Outcome is "destroyed" or "transferred" (to the state archive).
	Outcome  string             `json:"outcome"`
	Basis    []string           `json:"basis"`
	Reasons  []retention.Reason `json:"reasons"`
	Created  time.Time          `json:"created"`
	Earliest time.Time          `json:"earliest,omitzero"`
	Latest   time.Time          `json:"latest,omitzero"`
	Disposed time.Time          `json:"disposed"`
	// Approver approved a review disposition; Appraisal is the state
	// archive's decision for an offer.
	Approver  *Approval `json:"approver,omitempty"`
	Appraisal string    `json:"appraisal,omitempty"`
	OfferID   string    `json:"offer_id,omitempty"`
	SweptBy   string    `json:"swept_by"`
	// Versions lists the fixity of every file deleted.
	Versions []CertifiedVersion `json:"versions"`
	// Objects is how many stored objects were deleted (files, manifests
	// and annotations of every version).
	Objects int `json:"objects"`
}

// CertifiedVersion is the fixity of one deleted version.
type CertifiedVersion struct {
	Version int             `json:"version"`
	Files   []CertifiedFile `json:"files"`
}

// CertifiedFile is one deleted file: name, size and SHA-256, never content.
type CertifiedFile struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// CertificateKey is where the certificate of a disposed record is stored.
func CertificateKey(id RecordID) string { return "disposals/" + string(id) + ".json" }

// dispose deletes every object of the record, writes its certificate,
// tombstones the catalog entry, removes it from the search index and
// audits it. Crash-safe: until the tombstone is written the record stays
// due, and the next sweep finishes the work (deleting what is left, then
// writing the certificate).
func (a *Archive) dispose(ctx context.Context, e catalog.Entry, st *state, d retention.Decision, action string, now time.Time, actor Actor) error {
	id := RecordID(e.ID)
	var m Manifest
	if err := json.Unmarshal(e.Manifest, &m); err != nil {
		return fmt.Errorf("catalog copy of manifest: %v: %w", err, ErrCorrupt)
	}
	cert := Certificate{Schema: 1, Record: id, Class: m.Class, Disposition: d.Disposition, Outcome: "destroyed",
		Basis: st.Decision.Basis, Created: m.Created, Earliest: d.Earliest, Latest: d.Latest, Disposed: now,
		Approver: st.Approval, SweptBy: actor.Name, OfferID: st.OfferID}
	if action == ActionTransfer {
		cert.Outcome = "transferred"
	}
	if d.Disposition == retention.Offer {
		cert.Appraisal = st.Offer
	}
	cert.Reasons = d.Reasons
	cv := CertifiedVersion{Version: m.Version}
	for _, f := range m.Files {
		cv.Files = append(cv.Files, CertifiedFile{Name: f.Name, Size: f.Size, SHA256: f.SHA256})
	}
	cert.Versions = append(cert.Versions, cv)

	// Every object must be free before the first is deleted: a record is
	// never left half-deleted because one file was still locked.
	prefix := "records/" + string(id) + "/"
	var objs []store.ObjectInfo
	for info, err := range a.store.List(ctx, prefix, "") {
		if err != nil {
			return err
		}
		st, err := a.store.Stat(ctx, info.Key, info.VersionID)
		if err != nil {
			return err
		}
		if st.LegalHold || st.Retention.Active(now) {
			return fmt.Errorf("%s is still locked (until %s, legal hold %v): %w", info.Key,
				st.Retention.Until.Format(time.RFC3339), st.LegalHold, store.ErrLocked)
		}
		objs = append(objs, info)
	}
	// Manifests go last: each is the commit point of its version.
	var files, manifests []store.ObjectInfo
	for _, o := range objs {
		if path.Base(o.Key) == FileManifest {
			manifests = append(manifests, o)
		} else {
			files = append(files, o)
		}
	}
	for _, o := range append(files, manifests...) {
		if err := a.store.Delete(ctx, o.Key, o.VersionID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	// Versions hidden behind a delete marker outside Akte, or a second
	// version of a key: list again until nothing is left.
	for round := 0; ; round++ {
		var left []store.ObjectInfo
		for info, err := range a.store.List(ctx, prefix, "") {
			if err != nil {
				return err
			}
			left = append(left, info)
		}
		if len(left) == 0 {
			break
		}
		if round == 10 {
			return fmt.Errorf("%d objects under %s survive deletion", len(left), prefix)
		}
		for _, o := range left {
			if err := a.store.Delete(ctx, o.Key, o.VersionID); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		objs = append(objs, left...)
	}
	cert.Objects = len(objs)
	data, err := json.MarshalIndent(cert, "", "  ")
	if err != nil {
		return err
	}
	opts := store.PutOptions{ContentType: "application/json"}
	if a.opts.CertificateLock > 0 {
		opts.Retention.Until = now.Add(a.opts.CertificateLock).Truncate(time.Second)
	}
	if _, err := a.store.Put(ctx, CertificateKey(id), bytes.NewReader(data), int64(len(data)), opts); err != nil && !errors.Is(err, store.ErrExists) {
		return fmt.Errorf("certificate: %w", err)
	}
	tomb, _ := json.Marshal(tombstone{Record: id, Class: m.Class, Disposed: now, Certificate: CertificateKey(id), Outcome: cert.Outcome})
	if err := a.cat.Dispose(ctx, string(id), tomb); err != nil {
		return err
	}
	if a.idx != nil {
		if err := a.idx.idx.Delete(ctx, string(id)); err != nil {
			a.log.Error("search: disposed record not removed from the index; rebuild the index", "record", id, "err", err)
		}
	}
	if _, err := a.audit.Append(ctx, auditEvent(actor, action, id, "", map[string]string{
		"class": string(m.Class), "certificate": CertificateKey(id), "objects": fmt.Sprint(len(objs))})); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// tombstone is what the catalog keeps of a disposed record.
type tombstone struct {
	Record      RecordID  `json:"record"`
	Class       Class     `json:"class"`
	Disposed    time.Time `json:"disposed"`
	Outcome     string    `json:"outcome"`
	Certificate string    `json:"certificate"`
}

// Certificate reads a disposed record's certificate from the store.
func (a *Archive) Certificate(ctx context.Context, id RecordID) (*Certificate, error) {
	if !id.Valid() {
		return nil, fmt.Errorf("certificate: %w", invalid("record", "not a record ID"))
	}
	b, _, err := store.ReadAll(ctx, a.store, CertificateKey(id), "")
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("certificate of %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("certificate of %s: %w", id, err)
	}
	var c Certificate
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("certificate of %s: %v: %w", id, err, ErrCorrupt)
	}
	return &c, nil
}

// scheduleIDFile remembers which schedule the stored dates were computed
// with; a different one makes the next sweep visit every record.
const scheduleIDFile = "schedule.id"

func (a *Archive) loadScheduleID(ctx context.Context) error {
	if a.opts.ScheduleID == "" {
		return nil
	}
	b, err := os.ReadFile(filepath.Join(a.opts.Dir, scheduleIDFile))
	if errors.Is(err, fs.ErrNotExist) {
		if n, err := a.cat.Count(ctx); err != nil || n > 0 {
			a.scheduleChanged.Store(true) // records from before: evaluate them all
			return err
		}
		return a.saveScheduleID() // a new archive: nothing to re-evaluate
	}
	a.scheduleChanged.Store(err != nil || string(bytes.TrimSpace(b)) != a.opts.ScheduleID)
	return nil
}

func (a *Archive) saveScheduleID() error {
	if a.opts.ScheduleID == "" {
		return nil
	}
	return os.WriteFile(filepath.Join(a.opts.Dir, scheduleIDFile), []byte(a.opts.ScheduleID+"\n"), 0o644)
}

func auditEvent(actor Actor, action string, rec RecordID, c CitizenID, detail map[string]string) audit.Event {
	return audit.Event{Actor: actor.Name, Role: actor.Role, Action: action, Record: string(rec), Citizen: string(c), Detail: detail}
}
