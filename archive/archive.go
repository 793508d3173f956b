package archive

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"akte/archive/audit"
	"akte/archive/catalog"
	"akte/archive/store"
	"akte/pdfa"
	"akte/retention"
	"akte/search"
	"akte/signing"
)

// Options configure an Archive. Store and Dir are required; everything else
// has a default.
type Options struct {
	// Store is the system of record (a backend chosen by the caller).
	Store store.Store
	// Dir holds the derived local state: catalog.db and audit.log.
	Dir string
	// Classes that may be ingested, each with rules in Schedule. Default:
	// every class of the schedule.
	Classes []Class
	// MaxBytes is the largest original accepted. Default: 64 MiB.
	MaxBytes int64
	// Schedule is the retention schedule (Aktenplan). Default: the
	// shipped example, retention.Default(). Every class must have rules.
	Schedule *retention.Schedule
	// ScheduleID identifies the schedule's content (e.g. a hash of its
	// file); when it differs from the last sweep's, the next sweep
	// re-evaluates every record. Empty: never checked.
	ScheduleID string
	// RollingLock is how far ahead a version is locked while its earliest
	// lawful disposal date is not known yet; the sweeper rolls it on.
	// Never past the latest lawful date. Default: P1Y.
	RollingLock retention.Period
	// CertificateLock is how long a disposal certificate is locked.
	// Default: 30 years.
	CertificateLock time.Duration
	// Converter makes the archive copy. Default: PDFA (every archive copy
	// is PDF/A-2b), with OCR below.
	Converter Converter
	// OCR recognises the text of scanned images with tesseract, for the
	// default Converter; nil: scans are archived without text.
	OCR *pdfa.OCROptions
	// Sealer seals every archive copy (PAdES) after conversion; nil leaves
	// copies unsealed, which only engine tests do.
	Sealer *signing.Sealer
	// Trust verifies seals and the signatures of signed originals.
	// Default: the root of the Sealer's chain (the archive trusts its own
	// seal).
	Trust signing.Trust
	// Search is the full-text index, fed at ingest; nil: no search.
	Search *search.Index
	// SearchRebuild fills Search from the catalog and the bucket in the
	// background after Open (a new or recreated index); searches answer
	// meanwhile and say so.
	SearchRebuild bool
	// AuditSealEvery and AuditSealInterval control audit sealing; zero
	// means the audit package's defaults.
	AuditSealEvery    int
	AuditSealInterval time.Duration
	// Rebuild discards the local catalog before opening and rebuilds it
	// from the store alone (akte reindex).
	Rebuild bool
	// ObserveStage, if set, is told how long each ingest stage took
	// ("convert", "store", "manifest", "catalog", "index", "audit").
	// Must be safe for concurrent use and fast.
	ObserveStage func(stage string, d time.Duration)
	// Now is the clock. Default: time.Now.
	Now func() time.Time
	// Logger for operational messages. Default: slog.Default().
	Logger *slog.Logger
}

// Archive is the engine. Safe for concurrent use.
type Archive struct {
	opts    Options
	store   store.Store
	cat     *catalog.Catalog
	audit   *audit.Log
	classes map[Class]bool
	log     *slog.Logger

	schedule        *retention.Schedule
	citizenMu       [64]sync.Mutex
	sweepMu         sync.Mutex
	scheduleChanged atomic.Bool

	inflightMu sync.Mutex
	inflight   map[string]*inflight // content key → serialises identical ingests

	manifests manifestCache // decoded catalog copies, for Record

	idx      *indexer // nil without search
	bgCancel context.CancelFunc
	bgDone   sync.WaitGroup

	// The writes to the store the catalog follows (ingests, events; see
	// beginWrite). Close marks the catalog clean — and the next Open skips
	// the reconciliation, a listing of the whole bucket — only when Open
	// reconciled (agreed), none of them is in flight and none failed
	// between the store and the catalog (unsure).
	writeMu                 sync.Mutex
	writing                 int
	agreed, closing, unsure bool
}

// Actor says who asks, for the audit log.
type Actor struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

func (a Actor) valid() bool { return a.Name != "" && a.Role != "" }

// System is the actor for work Akte does by itself.
var System = Actor{Name: "akte", Role: "system"}

// Open opens the archive: the catalog and audit log in opts.Dir, then
// reconciles the catalog with the store (see Reconcile). The report of that
// reconciliation is returned with the archive.
func Open(ctx context.Context, opts Options) (*Archive, ReconcileReport, error) {
	if opts.Store == nil || opts.Dir == "" {
		return nil, ReconcileReport{}, errors.New("open archive: a store and a directory are required")
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = 64 << 20
	}
	if opts.Schedule == nil {
		opts.Schedule = retention.Default()
	}
	if opts.RollingLock == (retention.Period{}) {
		opts.RollingLock = retention.Period{Years: 1}
	}
	if opts.CertificateLock <= 0 {
		opts.CertificateLock = 30 * 365 * 24 * time.Hour
	}
	if opts.Trust.Roots == nil && opts.Sealer != nil {
		chain := opts.Sealer.Seal().Chain
		opts.Trust.Roots = x509.NewCertPool()
		opts.Trust.Roots.AddCert(chain[len(chain)-1])
	}
	if opts.Converter == nil {
		opts.Converter = PDFA{Now: opts.Now, OCR: opts.OCR}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if len(opts.Classes) == 0 {
		for name := range opts.Schedule.Classes {
			opts.Classes = append(opts.Classes, Class(name))
		}
	}
	a := &Archive{opts: opts, store: opts.Store, log: opts.Logger, classes: map[Class]bool{}, inflight: map[string]*inflight{},
		schedule: opts.Schedule}
	for _, c := range opts.Classes {
		if !c.Valid() {
			return nil, ReconcileReport{}, fmt.Errorf("open archive: class %q is malformed", c)
		}
		if opts.Schedule.Classes[string(c)] == nil {
			return nil, ReconcileReport{}, fmt.Errorf("open archive: class %q has no rules in the retention schedule", c)
		}
		a.classes[c] = true
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, ReconcileReport{}, fmt.Errorf("open archive: %w", err)
	}
	// Rebuild empties the catalog under its file lock, whatever its schema.
	cat, err := catalog.Open(filepath.Join(opts.Dir, "catalog.db"), &catalog.Options{Logger: opts.Logger, Recreate: opts.Rebuild})
	if err != nil {
		return nil, ReconcileReport{}, fmt.Errorf("open archive: %w", err)
	}
	a.cat = cat
	if err := a.loadScheduleID(ctx); err != nil {
		cat.Close()
		return nil, ReconcileReport{}, fmt.Errorf("open archive: %w", err)
	}
	if opts.Search != nil {
		a.idx = newIndexer(opts.Search, cat)
		a.idx.rebuilding.Store(opts.Rebuild) // Reconcile fills it
	}
	a.audit, err = audit.Open(ctx, filepath.Join(opts.Dir, "audit.log"), opts.Store, &audit.Options{
		SealEvery: opts.AuditSealEvery, SealInterval: opts.AuditSealInterval, Now: opts.Now, Logger: opts.Logger,
	})
	if err != nil {
		cat.Close()
		return nil, ReconcileReport{}, fmt.Errorf("open archive: %w", err)
	}
	// A catalog closed clean agrees with the store: reconciling it would
	// list the whole bucket for nothing.
	clean, err := cat.TakeClean(ctx)
	if err != nil {
		a.Close()
		return nil, ReconcileReport{}, fmt.Errorf("open archive: %w", err)
	}
	rep := ReconcileReport{Orphans: []string{}, Broken: []string{}, Skipped: clean && !opts.Rebuild}
	if !rep.Skipped {
		if rep, err = a.Reconcile(ctx); err != nil {
			a.Close()
			return nil, rep, fmt.Errorf("open archive: %w", err)
		}
	}
	a.agreed = true
	bg, cancel := context.WithCancel(context.WithoutCancel(ctx))
	a.bgCancel = cancel
	if a.idx != nil {
		// A rebuilt catalog starts unindexed, and Reconcile indexed what it added.
		if opts.SearchRebuild && !opts.Rebuild {
			if err := cat.MarkAllUnindexed(ctx); err != nil {
				a.Close()
				return nil, rep, fmt.Errorf("open archive: %w", err)
			}
		}
		if opts.Rebuild {
			// akte reindex: the caller waits for the index too.
			n, err := a.indexPending(ctx)
			if rep.Reindexed += n; err != nil {
				a.Close()
				return nil, rep, fmt.Errorf("open archive: index: %w", err)
			}
		} else {
			a.idx.rebuilding.Store(true)
			a.bgDone.Go(func() {
				if _, err := a.indexPending(bg); err != nil && bg.Err() == nil {
					a.log.Error("search indexing stopped; it resumes on the next start", "err", err)
				}
			})
		}
	}
	return a, rep, nil
}

// stage starts timing an ingest stage; the returned func ends it.
func (a *Archive) stage(name string) func() {
	if a.opts.ObserveStage == nil {
		return func() {}
	}
	start := time.Now()
	return func() { a.opts.ObserveStage(name, time.Since(start)) }
}

// Close stops background work, marks what the search index committed,
// and closes the audit log and the catalog (not the search index, which
// the caller opened).
func (a *Archive) Close() error {
	a.writeMu.Lock()
	clean := a.agreed && a.writing == 0 && !a.unsure && !a.closing
	a.closing = true
	a.writeMu.Unlock()
	if a.bgCancel != nil {
		a.bgCancel()
	}
	a.bgDone.Wait()
	if a.idx != nil {
		a.idx.close()
	}
	var markErr error
	if clean {
		markErr = a.cat.MarkClean(context.Background())
	}
	return errors.Join(markErr, a.audit.Close(), a.cat.Close())
}

// beginWrite starts a write to the store that the catalog must follow (an
// ingest's objects, an event); call end once the catalog has it
// (committed) or the write gave up (not committed: the next Open
// reconciles). Refused once Close has begun.
func (a *Archive) beginWrite() (end func(committed bool), err error) {
	a.writeMu.Lock()
	defer a.writeMu.Unlock()
	if a.closing {
		return nil, fmt.Errorf("%w: the archive is closing", ErrUnavailable)
	}
	a.writing++
	return func(committed bool) {
		a.writeMu.Lock()
		a.writing--
		a.unsure = a.unsure || !committed
		a.writeMu.Unlock()
	}, nil
}

// Classes lists the classes this archive accepts, sorted.
func (a *Archive) Classes() []Class {
	out := make([]Class, 0, len(a.classes))
	for c := range a.classes {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// Store returns the archive's store (for commands that inspect objects).
func (a *Archive) Store() store.Store { return a.store }

// SealAudit writes the audit entries not yet sealed into the store.
func (a *Archive) SealAudit(ctx context.Context) error { return a.audit.Seal(ctx) }

// VerifyAudit checks the audit log's hash chain against its sealed segments.
func VerifyAudit(ctx context.Context, dir string, st store.Store) (audit.Report, error) {
	return audit.Verify(ctx, filepath.Join(dir, "audit.log"), st)
}

func (a *Archive) record(ctx context.Context, actor Actor, action string, m *Manifest, purpose string) error {
	ev := audit.Event{Actor: actor.Name, Role: actor.Role, Action: action, Purpose: purpose}
	if m != nil {
		ev.Record, ev.Citizen = string(m.Record), string(m.Citizen)
		ev.Detail = map[string]string{"version": fmt.Sprint(m.Version)}
	}
	_, err := a.audit.Append(ctx, ev)
	return err
}
