package archive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"akte/archive/audit"
	"akte/archive/catalog"
	"akte/archive/store"
)

// ReconcileReport says what Reconcile found and did.
type ReconcileReport struct {
	// Manifests seen in the store.
	Manifests int `json:"manifests"`
	// Added: committed versions (manifest present) the catalog lacked,
	// now in it. After a crash these are acknowledged-or-about-to-be
	// records whose catalog commit did not complete.
	Added int `json:"added"`
	// Reindexed: versions indexed for search during Open (only when the
	// catalog was rebuilt; otherwise unindexed versions are indexed in the
	// background).
	Reindexed int `json:"reindexed"`
	// Orphans: objects of versions without a manifest, left by ingests
	// interrupted before their commit point. They are never shown; they
	// stay locked until their retention ends.
	Orphans []string `json:"orphans"`
	// Events: citizen events added to the catalog from the bucket.
	Events int `json:"events"`
	// Broken: manifests (or events) that could not be read or parsed.
	Broken []string `json:"broken"`
	// KeyConflicts: records added without their idempotency or content
	// key because another record already held it.
	KeyConflicts []string `json:"key_conflicts,omitempty"`
}

// Reconcile makes the catalog agree with the store, which is the system of
// record: manifests the catalog lacks are added, versions not yet indexed
// are indexed, objects without a manifest are reported as orphans. It is
// idempotent and safe to run at any time.
//
// It lists every key under records/, so it costs one listing of the bucket.
func (a *Archive) Reconcile(ctx context.Context) (ReconcileReport, error) {
	rep := ReconcileReport{Orphans: []string{}, Broken: []string{}}
	if err := a.reconcileEvents(ctx, &rep); err != nil {
		return rep, fmt.Errorf("reconcile: %w", err)
	}
	var batch []catalog.Entry
	var recovered []*Manifest
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := a.cat.PutMany(ctx, batch)
		if errors.Is(err, catalog.ErrConflict) {
			err = a.putEach(ctx, batch, &rep)
		}
		batch = batch[:0]
		return err
	}
	err := a.scanVersions(ctx, func(v storedVersion) error {
		if v.manifest == nil {
			rep.Orphans = append(rep.Orphans, v.keys...)
			return nil
		}
		rep.Manifests++
		e, err := a.cat.Get(ctx, string(v.id))
		switch {
		case err == nil && e.Version >= v.version:
			return nil
		case err != nil && !errors.Is(err, catalog.ErrNotFound):
			return err
		}
		m, err := a.readManifest(ctx, v.manifest.Key, v.manifest.VersionID)
		if err != nil {
			rep.Broken = append(rep.Broken, v.manifest.Key)
			a.log.Error("reconcile: unreadable manifest", "key", v.manifest.Key, "err", err)
			return nil
		}
		ne, err := entryFor(m, v.manifest.VersionID, "")
		if err != nil {
			return err
		}
		ne.Indexed = a.idx == nil
		if err := a.restoreState(ctx, &ne, m, v.meta); err != nil {
			return err
		}
		batch = append(batch, ne)
		if len(recovered) <= maxRecoverAudit {
			recovered = append(recovered, m)
		}
		rep.Added++
		if len(batch) >= 256 {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return rep, fmt.Errorf("reconcile: %w", err)
	}
	if err := a.auditRecovered(ctx, recovered, rep.Added); err != nil {
		return rep, fmt.Errorf("reconcile: audit: %w", err)
	}
	if rep.Added > 0 || len(rep.Broken) > 0 {
		a.log.Info("reconciled catalog with store", "added", rep.Added, "orphans", len(rep.Orphans), "broken", len(rep.Broken))
	}
	return rep, nil
}

// putEach adds entries one by one. A committed version whose retry keys
// are already mapped to another record stays visible: it is added without
// those keys and reported.
func (a *Archive) putEach(ctx context.Context, entries []catalog.Entry, rep *ReconcileReport) error {
	for _, e := range entries {
		err := a.cat.Put(ctx, e)
		if errors.Is(err, catalog.ErrConflict) {
			rep.KeyConflicts = append(rep.KeyConflicts, e.ID)
			a.log.Warn("reconcile: retry keys of record already belong to another record; added without them", "record", e.ID, "err", err)
			e.IdempotencyKeys, e.ContentKey = nil, ""
			err = a.cat.Put(ctx, e)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// maxRecoverAudit bounds per-record audit entries of one reconciliation; a
// larger one (a rebuild) is audited as one summary entry.
const maxRecoverAudit = 100

func (a *Archive) auditRecovered(ctx context.Context, recovered []*Manifest, added int) error {
	if added > maxRecoverAudit {
		_, err := a.audit.Append(ctx, audit.Event{Actor: System.Name, Role: System.Role, Action: "rebuild-catalog",
			Detail: map[string]string{"records": fmt.Sprint(added)}})
		return err
	}
	for _, m := range recovered {
		if err := a.record(ctx, System, "recover", m, "committed version added to the catalog at open"); err != nil {
			return err
		}
	}
	return nil
}

func (a *Archive) readManifest(ctx context.Context, key, versionID string) (*Manifest, error) {
	b, _, err := store.ReadAll(ctx, a.store, key, versionID)
	if err != nil {
		return nil, err
	}
	return decodeManifest(key, b)
}

// storedVersion is what the store holds for one record version.
type storedVersion struct {
	id       RecordID
	version  int
	manifest *store.ObjectInfo
	keys     []string
	meta     []string // the record's annotations (records/<id>/meta/)
}

// scanVersions lists records/ and calls fn once per record version, in key
// order. Only the newest version with a manifest of each record matters to
// the catalog, but every version is reported (older ones are skipped by
// fn's version check).
func (a *Archive) scanVersions(ctx context.Context, fn func(storedVersion) error) error {
	var cur *storedVersion
	var metaID RecordID
	var meta []string
	for info, err := range a.store.List(ctx, "records/", "") {
		if err != nil {
			return err
		}
		id, v, name, ok := parseKey(info.Key)
		if !ok {
			// records/<id>/meta/… sorts before the record's versions.
			if parts := strings.Split(info.Key, "/"); len(parts) == 4 && parts[2] == metaDir {
				if RecordID(parts[1]) != metaID {
					metaID, meta = RecordID(parts[1]), nil
				}
				meta = append(meta, info.Key)
			}
			continue
		}
		if cur != nil && (cur.id != id || cur.version != v) {
			if err := fn(*cur); err != nil {
				return err
			}
			cur = nil
		}
		if cur == nil {
			cur = &storedVersion{id: id, version: v}
			if id == metaID {
				cur.meta = meta
			}
		}
		cur.keys = append(cur.keys, info.Key)
		if name == FileManifest {
			cur.manifest = &info
		}
	}
	if cur != nil {
		return fn(*cur)
	}
	return nil
}

// restoreState gives an entry rebuilt from the bucket its retention state:
// the manifest's facts, then its annotations in order, evaluated against
// the citizen's events. The lock is taken as set at ingest; the sweeper
// learns of a longer one from the store when it extends it.
func (a *Archive) restoreState(ctx context.Context, e *catalog.Entry, m *Manifest, meta []string) error {
	st := newState(m)
	for _, key := range meta {
		b, _, err := store.ReadAll(ctx, a.store, key, "")
		if err != nil {
			return err
		}
		var an annotation
		if err := json.Unmarshal(b, &an); err != nil || an.Record != m.Record {
			a.log.Error("reconcile: unreadable annotation skipped", "key", key, "err", err)
			continue
		}
		an.applyTo(st)
	}
	evs, err := a.events(ctx, m.Citizen)
	if err != nil {
		return err
	}
	_, err = a.apply(e, st, evs, a.opts.Now().UTC())
	return err
}

// reconcileEvents adds citizen events stored in the bucket that the
// catalog lacks (a crash between the two, or a rebuilt catalog), and
// re-evaluates the records they touch.
func (a *Archive) reconcileEvents(ctx context.Context, rep *ReconcileReport) error {
	for info, err := range a.store.List(ctx, "citizens/", "") {
		if err != nil {
			return err
		}
		parts := strings.Split(info.Key, "/")
		if len(parts) != 4 || parts[2] != "events" || !strings.HasSuffix(parts[3], ".json") {
			continue
		}
		c, id := CitizenID(parts[1]), strings.TrimSuffix(parts[3], ".json")
		if !c.Valid() {
			continue
		}
		if ok, err := a.cat.HasEvent(ctx, string(c), id); err != nil || ok {
			if err != nil {
				return err
			}
			continue
		}
		b, _, err := store.ReadAll(ctx, a.store, info.Key, info.VersionID)
		if err != nil {
			return err
		}
		var ev CitizenEvent
		if err := json.Unmarshal(b, &ev); err != nil || ev.Citizen != c || ev.ID != id {
			rep.Broken = append(rep.Broken, info.Key)
			continue
		}
		unlock := a.citizenLock(c)
		_, err = a.applyEvent(ctx, ev, b, a.opts.Now().UTC())
		unlock()
		if err != nil {
			return err
		}
		rep.Events++
	}
	return nil
}
