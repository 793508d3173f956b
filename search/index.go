package search

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	"go.etcd.io/bbolt"

	"akte/internal/fsutil"
)

// GCPercent is the garbage collector's target (Go's GOGC) akte runs with unless GOGC is set.
// Indexing allocates a great deal — tokens, term maps, segments — and with Go's default of 100
// about a tenth of its CPU went to collecting (indexing 100,000 documents: 828 documents/s with
// 100, 903 with 200; later, 1,824 with 200 and 2,174 with 400). The heap may grow to five times
// what is live: building an index of 1,000,000 documents peaked at 7.7 GB resident with 400
// (3.8 GB with 200), so a soft memory limit (memoryPart of the machine's memory) makes the
// collector work harder before memory runs short.
const GCPercent = 400

// memoryPart is the part of the machine's memory akte's heap is kept within, unless
// GOMEMLIMIT says otherwise.
const memoryPart = 0.5

// UseGCPercent sets the garbage collector's target to GCPercent unless the GOGC environment
// variable sets one, and a soft memory limit of memoryPart of the machine's memory unless
// GOMEMLIMIT sets one; restore puts back what was before (the benchmarks run as akte does).
func UseGCPercent() (restore func()) {
	restore = func() {}
	if os.Getenv("GOGC") == "" {
		old := debug.SetGCPercent(GCPercent)
		restore = func() { debug.SetGCPercent(old) }
	}
	if total := memTotal(); total > 0 && os.Getenv("GOMEMLIMIT") == "" {
		old := debug.SetMemoryLimit(int64(float64(total) * memoryPart))
		gc := restore
		restore = func() { debug.SetMemoryLimit(old); gc() }
	}
	return restore
}

// memTotal returns the machine's memory in bytes from /proc/meminfo, 0 if it cannot tell.
func memTotal() uint64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		f := strings.Fields(line)
		if len(f) == 3 && f[0] == "MemTotal:" && f[2] == "kB" {
			kb, err := strconv.ParseUint(f[1], 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

// Options tune an Index. A nil *Options, and any zero field, mean the defaults.
type Options struct {
	// BatchSize is the most documents in one batch; default 10,000. Batches are that large only
	// in bulk (reindex, imports): each becomes a segment, and larger segments are cheaper to
	// build and to merge (indexing 100,000 documents: 717 documents/s with 500, 828 with 5,000;
	// later, 1,824 with 5,000 and 1,898 with 10,000).
	BatchSize    int
	BatchBytes   int           // text bytes per batch; default 32 MiB
	FlushDelay   time.Duration // longest wait before a partial batch is committed; default 100 ms
	QueueSize    int           // operations that may wait for the writer; default 1,000
	MaxTextBytes int           // bytes of Doc.Text indexed; the rest is not searchable; default 1 MiB
	LockTimeout  time.Duration // how long Open waits for another holder of the directory; default 2 s
	// ScanLimit is how many matching documents one search looks at before it stops (see
	// Result.Capped); default 10,000, as many as a clerk could page through (MaxFrom). Searches
	// the impact lists answer (impact.go) are not limited by it.
	ScanLimit int
	// ImpactBytes bounds the memory of the impact lists kept (impact.go); default 512 MiB. Warm
	// fills it with the lists of the most frequent terms (prime.go). The impacts of whole lists
	// some searches read get as much again.
	ImpactBytes int
	Now         func() time.Time // clock for naming a moved-aside index; default time.Now
}

func (o *Options) withDefaults() Options {
	var r Options
	if o != nil {
		r = *o
	}
	if r.BatchSize <= 0 {
		r.BatchSize = 10000
	}
	if r.BatchBytes <= 0 {
		r.BatchBytes = 32 << 20
	}
	if r.FlushDelay <= 0 {
		r.FlushDelay = 100 * time.Millisecond
	}
	if r.QueueSize <= 0 {
		r.QueueSize = 1000
	}
	if r.MaxTextBytes <= 0 {
		r.MaxTextBytes = 1 << 20
	}
	if r.ScanLimit <= 0 {
		r.ScanLimit = 10000
	}
	if r.ImpactBytes <= 0 {
		r.ImpactBytes = impactsBudget
	}
	if r.LockTimeout <= 0 {
		r.LockTimeout = 2 * time.Second
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	return r
}

// Layout of an index directory.
const (
	schemaFile = "schema.json" // {"schema": SchemaVersion}, written after the Bleve index
	bleveDir   = "bleve"       // the Bleve (scorch) index
)

type schemaInfo struct {
	Schema int `json:"schema"`
}

// Index is a search index in one directory, with its writer goroutine. Its methods are safe for
// concurrent use. Close it to stop the writer and release the directory.
type Index struct {
	opts          Options
	b             bleve.Index
	german, exact analysis.Analyzer // the mapping's analyzers, for analysing query terms

	mu        sync.RWMutex // held shared by Put/Delete/Flush/Search, exclusively to close
	closed    bool
	closeOnce sync.Once

	ops  chan op       // to the writer
	quit chan struct{} // closed first by Close: wakes senders blocked on a full queue
	stop chan struct{} // closed once no sender remains: the writer drains and exits
	done chan struct{} // closed by the writer on exit

	cols    *columns    // decoded facet and date values per segment
	impacts *impacts    // postings by impact per segment (impact.go)
	years   *yearSets   // documents by year per segment (years.go)
	filters *filterSets // documents by keyword, and those refused, per segment (filters.go)

	errMu sync.Mutex
	werr  *WriteError // failures not yet reported
}

// Open opens the index in dir, creating it if dir does not exist or is empty. It fails with
// ErrLocked when another Index holds dir for longer than Options.LockTimeout, and with
// ErrRebuild when dir holds something that cannot be used: an index that does not open, an
// incomplete one, or one of another SchemaVersion. Open never modifies or removes an existing
// index.
func Open(dir string, opts *Options) (*Index, error) {
	ix, _, err := open(dir, opts)
	return ix, err
}

// open is Open; created reports that dir was absent or empty and the index is new.
func open(dir string, opts *Options) (ix *Index, created bool, err error) {
	if err := register(); err != nil {
		return nil, false, fmt.Errorf("open search index: %w", err)
	}
	o := opts.withDefaults()
	b, created, err := openBleve(dir, o)
	if err != nil {
		return nil, false, err
	}
	m := b.Mapping()
	german, exact := m.AnalyzerNamed(analyzerGerman), m.AnalyzerNamed(analyzerExact)
	if german == nil || exact == nil {
		b.Close()
		return nil, false, fmt.Errorf("open search index %s: %w: analyzers missing from the index mapping", dir, ErrRebuild)
	}
	ix = &Index{
		opts: o, b: b, german: german, exact: exact,
		cols:    newColumns(),
		impacts: newImpacts(o.ImpactBytes),
		filters: newFilterSets(),
		years:   newYearSets(),
		ops:     make(chan op, o.QueueSize),
		quit:    make(chan struct{}),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	go ix.writer()
	return ix, created, nil
}

// maxSegmentDocs bounds the segments Bleve's merger makes (its default is 5,000,000
// documents). Bleve makes the result of a merge round visible only when every merge of the
// round is done, so one merge of ten 100,000-document segments (6 GB here) held back the
// merges of the small segments that near-real-time writes keep adding: a 1,000,000-document
// index under 20 documents/s had 247 segments, most of two or three documents, and every
// search looked each word up in all of them. With this bound the largest merge writes about
// 1.3 GB and the same index settles at about a dozen segments.
const maxSegmentDocs = 200000

// openBleve opens the Bleve index in dir, or creates it (created) if dir is absent or empty.
func openBleve(dir string, o Options) (b bleve.Index, created bool, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, false, fmt.Errorf("open search index: %w", err)
	}
	config := map[string]any{ // Bleve's run-time configuration
		"bolt_timeout":           o.LockTimeout.String(),
		"scorchMergePlanOptions": map[string]any{"MaxSegmentSize": maxSegmentDocs},
	}
	if len(entries) == 0 {
		b, err := create(dir, config)
		return b, err == nil, err
	}
	raw, err := os.ReadFile(filepath.Join(dir, schemaFile))
	if err != nil {
		return nil, false, fmt.Errorf("open search index %s: %w: no readable %s: %v", dir, ErrRebuild, schemaFile, err)
	}
	b, err = bleve.OpenUsing(filepath.Join(dir, bleveDir), config)
	if err != nil {
		if errors.Is(err, bbolt.ErrTimeout) {
			return nil, false, fmt.Errorf("open search index %s: %w (waited %v)", dir, ErrLocked, o.LockTimeout)
		}
		if errors.Is(err, fs.ErrPermission) { // the index may be fine: do not have it moved aside
			return nil, false, fmt.Errorf("open search index %s: %w", dir, err)
		}
		return nil, false, fmt.Errorf("open search index %s: %w: %v", dir, ErrRebuild, err)
	}
	// The version is checked with the lock held, so a running index is never declared stale.
	var si schemaInfo
	if err := json.Unmarshal(raw, &si); err != nil || si.Schema != SchemaVersion {
		b.Close()
		return nil, false, fmt.Errorf("open search index %s: %w: schema version %d, want %d", dir, ErrRebuild, si.Schema, SchemaVersion)
	}
	return b, false, nil
}

// create makes a new index in dir (absent or empty). The schema file is written last, so a
// crash in between leaves an index that Open refuses with ErrRebuild.
func create(dir string, config map[string]any) (bleve.Index, error) {
	m, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("create search index: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create search index: %w", err)
	}
	b, err := bleve.NewUsing(filepath.Join(dir, bleveDir), m, scorch.Name, bleve.Config.DefaultKVStore, config)
	if err != nil {
		return nil, fmt.Errorf("create search index %s: %w", dir, err)
	}
	raw, _ := json.Marshal(schemaInfo{Schema: SchemaVersion})
	if err := fsutil.WriteAtomic(filepath.Join(dir, schemaFile), raw, 0o600); err != nil {
		b.Close()
		return nil, fmt.Errorf("create search index %s: %w", dir, err)
	}
	return b, nil
}

// Recreated says that OpenOrRecreate returned a new, empty index that must be filled from the
// bucket.
type Recreated struct {
	MovedTo string // where the unusable index was moved; "" if there was none
	Cause   error  // why it was unusable (wraps ErrRebuild); nil if there was none
}

// OpenOrRecreate opens the index in dir like Open. If Open fails with ErrRebuild, it moves dir
// aside to dir+".broken-<unix seconds>" (never deleting it) and creates a fresh index. The
// *Recreated result is non-nil whenever the returned index is new and empty — moved aside or
// created for the first time — and then the caller must fill it from the bucket. Other errors,
// ErrLocked in particular, are returned as they are and nothing is moved.
func OpenOrRecreate(dir string, opts *Options) (*Index, *Recreated, error) {
	ix, created, err := open(dir, opts)
	if err == nil {
		if created {
			return ix, &Recreated{}, nil
		}
		return ix, nil, nil
	}
	if !errors.Is(err, ErrRebuild) {
		return nil, nil, err
	}
	now := opts.withDefaults().Now()
	moved := dir + ".broken-" + strconv.FormatInt(now.Unix(), 10)
	for i := 2; exists(moved); i++ {
		moved = fmt.Sprintf("%s.broken-%d-%d", dir, now.Unix(), i)
	}
	if rerr := os.Rename(dir, moved); rerr != nil {
		return nil, nil, fmt.Errorf("move search index aside: %w (it was unusable: %v)", rerr, err)
	}
	ix, oerr := Open(dir, opts)
	if oerr != nil {
		return nil, nil, oerr
	}
	return ix, &Recreated{MovedTo: moved, Cause: err}, nil
}

func exists(name string) bool {
	_, err := os.Lstat(name)
	return err == nil
}

// Stats describe an index at one moment, for monitoring.
type Stats struct {
	Docs     uint64 `json:"docs"`     // documents in the index
	Segments int    `json:"segments"` // segments a search reads: hundreds mean merging lags behind
	Bytes    uint64 `json:"bytes"`    // on disk
	Busy     bool   `json:"busy"`     // still writing or merging what was committed
}

// reader opens a snapshot of the index, to be closed after use; the caller holds ix.mu.
func (ix *Index) reader() (index.IndexReader, error) {
	adv, err := ix.b.Advanced()
	if err != nil {
		return nil, err
	}
	return adv.Reader()
}

// Stats returns the index's current figures.
func (ix *Index) Stats() (Stats, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return Stats{}, ErrClosed
	}
	r, err := ix.reader()
	if err != nil {
		return Stats{}, fmt.Errorf("search stats: %w", err)
	}
	defer r.Close()
	var st Stats
	if st.Docs, err = r.DocCount(); err != nil {
		return Stats{}, fmt.Errorf("search stats: %w", err)
	}
	if snap, ok := r.(*scorch.IndexSnapshot); ok {
		st.Segments = len(snap.Segments())
	}
	if m, ok := ix.b.StatsMap()["index"].(map[string]any); ok {
		st.Bytes, _ = m["num_bytes_used_disk"].(uint64)
		// As Bleve's index_bgthreads_active, except after opening an index: its root epoch
		// reads 0 until something is written or merged, while merger and persister report
		// the epoch they reached, so Bleve's flag stays set for ever.
		root, _ := m["CurRootEpoch"].(uint64)
		merged, _ := m["LastMergedEpoch"].(uint64)
		persisted, _ := m["LastPersistedEpoch"].(uint64)
		st.Busy = root != 0 && (merged != root || persisted != root)
	}
	return st, nil
}

// Close stops accepting operations, commits everything already enqueued, stops the writer and
// closes the index, releasing the directory. It returns an unreported writer failure (a
// *WriteError) or the error of closing. Calls after the first return ErrClosed.
func (ix *Index) Close() error {
	first := false
	ix.closeOnce.Do(func() {
		first = true
		close(ix.quit)
	})
	if !first {
		return ErrClosed
	}
	ix.mu.Lock() // waits for senders and searches in flight
	ix.closed = true
	ix.mu.Unlock()
	close(ix.stop)
	<-ix.done
	ix.impacts.stop()
	werr := ix.takeErr()
	if err := ix.b.Close(); err != nil {
		return fmt.Errorf("close search index: %w", err)
	}
	return werr
}
