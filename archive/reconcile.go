package archive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

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
	// Skipped: Open did not reconcile, because the catalog was closed in
	// agreement with the store (see Archive.Close).
	Skipped bool `json:"skipped,omitempty"`
}

// Reconcile makes the catalog agree with the store, which is the system of
// record: manifests the catalog lacks are added, versions not yet indexed
// are indexed, objects without a manifest are reported as orphans. It is
// idempotent and safe to run at any time.
//
// It lists every key under records/, so it costs one listing of the bucket
// (keys only, where the store can list them so); manifests are read only
// for the records the catalog lacks or has at an older version, by
// reconcileWorkers at a time, and added in batches of reconcileBatch.
func (a *Archive) Reconcile(ctx context.Context) (ReconcileReport, error) {
	rep := ReconcileReport{Orphans: []string{}, Broken: []string{}}
	if err := a.reconcileEvents(ctx, &rep); err != nil {
		return rep, fmt.Errorf("reconcile: %w", err)
	}
	ctx, cancel := context.WithCancelCause(ctx) // the catalog's writes below stop the reads
	defer cancel(nil)
	found := make(chan restored, 4*reconcileWorkers)

	// The listing: orphans and the number of manifests are known from the
	// keys alone; the manifests are read reconcileWorkers at a time.
	var scan error
	go func() {
		defer close(found)
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(reconcileWorkers)
		scan = a.scanRecords(gctx, func(r storedRecord) error {
			rep.Orphans = append(rep.Orphans, r.orphans...)
			rep.Manifests += len(r.versions)
			if len(r.versions) == 0 {
				return nil
			}
			g.Go(func() error {
				res, err := a.restoreRecord(gctx, r)
				if err != nil || res.entry == nil && len(res.broken) == 0 {
					return err
				}
				select {
				case found <- res:
					return nil
				case <-gctx.Done():
					return gctx.Err()
				}
			})
			return gctx.Err()
		})
		if err := g.Wait(); err != nil {
			scan = err // a read's error, which ended the listing
		}
	}()

	var batch []catalog.Entry
	var batchRes []restored
	var recovered []*Manifest
	start := time.Now()
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := a.cat.PutMany(ctx, batch)
		if errors.Is(err, catalog.ErrConflict) {
			err = a.putEach(ctx, batch, &rep)
		}
		// A rebuild indexes what it added as it goes (see restoreRecord).
		for i := range batchRes {
			if err == nil && batchRes[i].text != nil {
				err = a.idx.put(ctx, batchRes[i].manifest, batch[i].Status, string(batchRes[i].text))
				rep.Reindexed++
			}
		}
		batch, batchRes = batch[:0], batchRes[:0]
		return err
	}
	for res := range found {
		rep.Broken = append(rep.Broken, res.broken...)
		if res.entry == nil || ctx.Err() != nil {
			continue
		}
		batch, batchRes = append(batch, *res.entry), append(batchRes, res)
		if len(recovered) <= maxRecoverAudit {
			recovered = append(recovered, res.manifest)
		}
		rep.Added++
		if rep.Added%100_000 == 0 {
			a.log.Info("catalog from the store", "records", rep.Added, "elapsed", time.Since(start).Round(time.Second))
		}
		if len(batch) >= reconcileBatch {
			if err := flush(); err != nil {
				cancel(err)
			}
		}
	}
	err := context.Cause(ctx)
	if err == nil {
		err = scan
	}
	if err == nil {
		err = flush()
	}
	if err == nil && rep.Reindexed > 0 {
		err = a.idx.mark(ctx) // what was indexed, committed and marked: indexPending leaves it
	}
	if err != nil {
		return rep, fmt.Errorf("reconcile: %w", err)
	}
	slices.Sort(rep.Broken)
	if err := a.auditRecovered(ctx, recovered, rep.Added); err != nil {
		return rep, fmt.Errorf("reconcile: audit: %w", err)
	}
	if rep.Added > 0 || len(rep.Broken) > 0 {
		a.log.Info("reconciled catalog with store", "added", rep.Added, "orphans", len(rep.Orphans), "broken", len(rep.Broken))
	}
	return rep, nil
}

const (
	// reconcileWorkers read manifests at once: the reads wait on the disk
	// or the network, not the CPU.
	reconcileWorkers = 8
	// reconcileBatch entries go into one catalog transaction.
	reconcileBatch = 1024
)

// restored is what the store says of a record the catalog lacks or has at
// an older version.
type restored struct {
	entry    *catalog.Entry // nil: nothing to add
	manifest *Manifest
	broken   []string // manifest keys that could not be read
	// text is the version's text, read for the index while the catalog is
	// rebuilt (Options.Rebuild): the index fills while the catalog does,
	// instead of after it. nil: not read.
	text []byte
}

// restoreRecord reads the newest readable manifest of r newer than the
// catalog's version, and gives the catalog entry for it.
func (a *Archive) restoreRecord(ctx context.Context, r storedRecord) (restored, error) {
	var res restored
	have := 0
	e, err := a.cat.Get(ctx, string(r.id))
	switch {
	case err == nil:
		have = e.Version
	case !errors.Is(err, catalog.ErrNotFound):
		return res, err
	}
	for _, v := range r.versions { // newest first
		if v.version <= have {
			break
		}
		m, versionID, err := a.readManifest(ctx, v.manifest.Key, v.manifest.VersionID)
		if err != nil {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			res.broken = append(res.broken, v.manifest.Key)
			a.log.Error("reconcile: unreadable manifest", "key", v.manifest.Key, "err", err)
			continue
		}
		ne, err := entryFor(m, versionID, "")
		if err != nil {
			return res, err
		}
		ne.Indexed = a.idx == nil
		if err := a.restoreState(ctx, &ne, m, r.meta); err != nil {
			return res, err
		}
		res.entry, res.manifest = &ne, m
		if a.opts.Rebuild && a.idx != nil {
			if res.text, err = a.textOf(ctx, m); errors.Is(err, ErrCorrupt) {
				res.text = nil // left unindexed: indexPending tries it again, and says so
			} else if err != nil {
				return res, fmt.Errorf("record %s: %w", m.Record, err)
			}
		}
		break
	}
	return res, nil
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

// readManifest reads and decodes a manifest, and says which version it
// read (versionID may be empty: the current one).
func (a *Archive) readManifest(ctx context.Context, key, versionID string) (*Manifest, string, error) {
	b, info, err := store.ReadAll(ctx, a.store, key, versionID)
	if err != nil {
		return nil, "", err
	}
	m, err := decodeManifest(key, b)
	return m, info.VersionID, err
}

// storedRecord is what the store holds for one record.
type storedRecord struct {
	id RecordID
	// versions with a manifest, newest first. The manifest's VersionID
	// may be empty (a listing of keys only): the current version.
	versions []storedVersion
	meta     []string // the record's annotations (records/<id>/meta/), in order
	orphans  []string // objects of versions without a manifest
}

type storedVersion struct {
	version  int
	manifest store.ObjectInfo
}

// scanRecords lists records/ (keys only where the store can) and calls fn
// once per record, in key order.
func (a *Archive) scanRecords(ctx context.Context, fn func(storedRecord) error) error {
	var cur *storedRecord
	versions := map[int][]string{} // the current record's keys by version
	manifests := map[int]store.ObjectInfo{}
	done := func() error {
		if cur == nil {
			return nil
		}
		for v, keys := range versions {
			if m, ok := manifests[v]; ok {
				cur.versions = append(cur.versions, storedVersion{version: v, manifest: m})
			} else {
				cur.orphans = append(cur.orphans, keys...)
			}
		}
		slices.SortFunc(cur.versions, func(x, y storedVersion) int { return y.version - x.version })
		slices.Sort(cur.orphans)
		clear(versions)
		clear(manifests)
		r := *cur
		cur = nil
		return fn(r)
	}
	for info, err := range store.ListKeys(ctx, a.store, "records/", "") {
		if err != nil {
			return err
		}
		parts := strings.Split(info.Key, "/")
		if len(parts) < 2 || !RecordID(parts[1]).Valid() {
			continue
		}
		if id := RecordID(parts[1]); cur == nil || cur.id != id {
			if err := done(); err != nil {
				return err
			}
			cur = &storedRecord{id: id}
		}
		if len(parts) == 4 && parts[2] == metaDir {
			cur.meta = append(cur.meta, info.Key) // records/<id>/meta/… sort before the versions
			continue
		}
		_, v, name, ok := parseKey(info.Key)
		if !ok {
			continue
		}
		versions[v] = append(versions[v], info.Key)
		if name == FileManifest {
			manifests[v] = info
		}
	}
	return done()
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
	for info, err := range store.ListKeys(ctx, a.store, "citizens/", "") {
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
