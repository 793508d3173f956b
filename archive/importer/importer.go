// Package importer archives folders of scans in bulk — the backlog of a
// town hall's paper files, or a scanner's hot folder.
//
// A manifest CSV (or each file's name) says whose every file is and what
// it is; workers ingest the files in parallel through a bounded queue (the
// archive converts, recognises the text, seals and stores each); a journal
// makes a re-run after a crash or Ctrl-C continue where the last one
// stopped, skipping every file already archived (by SHA-256) and never
// archiving one twice; a report gives every file's outcome and reason.
// Input files are only read, never changed; the hot folder (Watch) moves
// a file to done/ only once it is archived, and to failed/ with a reason
// file when it was refused.
package importer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"akte/archive"
	"akte/pdfa"
)

// Archiver is what an import needs of the archive (*archive.Archive).
type Archiver interface {
	Ingest(ctx context.Context, req archive.IngestRequest) (archive.IngestResult, error)
	Classes() []archive.Class
}

// Options configure an import.
type Options struct {
	// Dir is the folder of scans, read recursively. Hidden files and
	// folders (".name") are ignored.
	Dir string
	// Manifest is a CSV listing every file (see the README); empty: each
	// file's name carries its metadata (CITIZEN_CLASS_YYYY-MM-DD_TITLE.ext).
	Manifest string
	// Journal is the journal file that makes re-runs resume; required.
	Journal string
	// Workers ingest in parallel; default the number of CPUs (the archive
	// runs one OCR process per ingest, so one per core).
	Workers int
	// Source is recorded on every record; default scan.
	Source archive.Source
	// Actor is who imports, for the audit log.
	Actor archive.Actor
	// MaxBytes: larger files are refused without being read; default
	// 256 MiB. The archive's own limit applies too.
	MaxBytes int64
	// Progress, when set, is called after each file (never concurrently).
	Progress func(Progress)
	// Now is the clock; nil: time.Now.
	Now func() time.Time
}

// check refuses options no import can run with.
func (o Options) check() error {
	if o.Journal == "" {
		return errors.New("import: no journal file given")
	}
	if st, err := os.Stat(o.Dir); err != nil || !st.IsDir() {
		return &archive.FieldError{Kind: archive.ErrInvalid, Field: "folder", Reason: fmt.Sprintf("%s is not a folder", o.Dir)}
	}
	return nil
}

func (o Options) withDefaults() Options {
	if o.Workers <= 0 {
		o.Workers = runtime.NumCPU()
	}
	if o.Source == "" {
		o.Source = archive.SourceScan
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 256 << 20
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Outcome of one file.
type Outcome string

const (
	Archived Outcome = "archived" // a record holds it (new, or found already archived)
	Failed   Outcome = "failed"   // refused, with a reason; nothing stored
	Pending  Outcome = "pending"  // not reached: the run was interrupted
)

// Entry is one file's outcome: a journal line and a report row.
type Entry struct {
	File    string           `json:"file"` // slash-separated, relative to the folder
	Outcome Outcome          `json:"outcome"`
	Record  archive.RecordID `json:"record,omitempty"`
	// Existing: the archive already held this document (archived by an
	// earlier, interrupted run, or by another import).
	Existing bool   `json:"existing,omitempty"`
	Pages    int    `json:"pages,omitempty"`
	SHA256   string `json:"sha256,omitempty"`
	Size     int64  `json:"size"`
	Reason   string `json:"reason,omitempty"`
	// Kind of failure: invalid (metadata), refused (the document),
	// unreadable, conflict.
	Kind    string    `json:"kind,omitempty"`
	Seconds float64   `json:"seconds"`
	At      time.Time `json:"at"`
	// Earlier: done by an earlier run and skipped by this one (not in the
	// journal).
	Earlier bool `json:"-"`
}

// Progress is the state of a run, reported after each file.
type Progress struct {
	Files    int // files in the folder (and manifest rows without a file)
	Done     int // finished by this run or an earlier one
	Failed   int
	Pages    int // pages archived by this run
	Elapsed  time.Duration
	ETA      time.Duration // 0 while unknown
	PagesMin float64       // pages per minute in this run
	Last     Entry         // the file just finished
}

// Summary is the result of a run: every file's entry, sorted by file.
type Summary struct {
	Entries  []Entry
	Archived int // archived, in this run or an earlier one
	Existing int // of which the archive already held
	Earlier  int // of which an earlier run did
	Failed   int
	Pending  int
	Pages    int // pages archived by this run
	Elapsed  time.Duration
}

// ErrFailed: some files were refused; the report says which and why.
var ErrFailed = fmt.Errorf("%w: some files could not be archived", archive.ErrRefused)

// Plan lists the files an import of dir would take, each pending, sorted
// by file, or the manifest's error (*ManifestError) — what Run does before
// its first file, without opening a journal or archiving anything.
func Plan(dir, manifest string, classes []archive.Class) ([]Entry, error) {
	items, err := plan(dir, manifest, classes, nil)
	if err != nil {
		return nil, err
	}
	return pending(items), nil
}

// pending is one pending entry per item, in items' order.
func pending(items []item) []Entry {
	entries := make([]Entry, len(items))
	for i, it := range items {
		entries[i] = Entry{File: it.rel, Outcome: Pending}
	}
	return entries
}

type failedError struct{ failed, files int }

func (e *failedError) Error() string {
	return fmt.Sprintf("import: %d of %d files could not be archived; the report says why", e.failed, e.files)
}

func (e *failedError) Unwrap() error { return ErrFailed }

// Run imports every file below o.Dir. It returns the summary and, when
// files failed, an error wrapping ErrFailed; when the archive could not
// go on (a service unavailable, the store failing) or ctx ended, it stops,
// leaves the remaining files pending and returns that error — the next
// run continues.
func Run(ctx context.Context, a Archiver, o Options) (Summary, error) {
	o = o.withDefaults()
	if err := o.check(); err != nil {
		return Summary{}, err
	}
	items, err := plan(o.Dir, o.Manifest, a.Classes(), nil)
	if err != nil {
		return Summary{}, err
	}
	j, err := openJournal(o.Journal)
	if err != nil {
		return Summary{}, err
	}
	defer j.close()
	r := &runner{a: a, o: o, j: j, start: o.Now(), files: len(items)}
	entries, err := r.run(ctx, items)
	s := summarize(entries, o.Now().Sub(r.start))
	if err == nil && s.Failed > 0 {
		err = &failedError{failed: s.Failed, files: len(entries)}
	}
	return s, err
}

// runner runs a list of items through the workers.
type runner struct {
	a     Archiver
	o     Options
	j     *journal
	start time.Time

	mu       sync.Mutex
	files    int
	done     int
	failed   int
	pages    int
	worked   int // files this run ingested (for the rate)
	progress time.Duration
}

// run processes items with o.Workers workers fed through a bounded queue;
// the entries are in items' order, pending where not reached.
func (r *runner) run(ctx context.Context, items []item) ([]Entry, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	entries := pending(items)
	queue := make(chan int, r.o.Workers*2)
	var wg sync.WaitGroup
	for range r.o.Workers {
		wg.Go(func() {
			for i := range queue {
				if ctx.Err() != nil {
					continue
				}
				e, err := r.one(ctx, items[i])
				if err != nil {
					cancel(err)
					continue
				}
				entries[i] = e
				r.report(e)
			}
		})
	}
	for i := range items {
		if ctx.Err() != nil {
			break
		}
		queue <- i
	}
	close(queue)
	wg.Wait()
	return entries, context.Cause(ctx)
}

// one imports one file. An error means the import cannot go on (the
// archive or the journal failing, ctx done): the file stays pending.
func (r *runner) one(ctx context.Context, it item) (Entry, error) {
	t0 := r.o.Now()
	e := Entry{File: it.rel, At: t0.UTC()}
	finish := func(e Entry) (Entry, error) {
		e.Seconds = r.o.Now().Sub(t0).Seconds()
		if err := r.j.add(e); err != nil {
			return Entry{}, err
		}
		return e, nil
	}
	if it.fail != "" {
		e.Outcome, e.Kind, e.Reason = Failed, "invalid", it.fail
		return finish(e)
	}
	var data []byte
	var err error
	if it.pages != nil {
		data, err = r.assemble(ctx, it)
	} else {
		data, err = readFile(it.path, r.o.MaxBytes)
	}
	if err != nil {
		if ctx.Err() != nil {
			return Entry{}, ctx.Err()
		}
		e.Outcome, e.Kind, e.Reason = Failed, "unreadable", err.Error()
		switch {
		case errors.Is(err, archive.ErrTooLarge), errors.Is(err, pdfa.ErrImageTooLarge):
			e.Kind = "refused"
		case errors.Is(err, pdfa.ErrInvalidImage), errors.Is(err, pdfa.ErrUnsupportedImage):
			e.Kind = "invalid"
		}
		return finish(e)
	}
	sum := sha256.Sum256(data)
	e.SHA256, e.Size = hex.EncodeToString(sum[:]), int64(len(data))
	if prev, ok := r.j.done(it.rel); ok && prev.Outcome == Archived && prev.SHA256 == e.SHA256 {
		prev.Earlier = true
		return prev, nil
	}
	req := it.meta
	req.Source, req.Actor, req.Body = r.o.Source, r.o.Actor, bytes.NewReader(data)
	res, err := r.a.Ingest(ctx, req)
	switch {
	case err == nil:
		e.Outcome, e.Record, e.Existing = Archived, res.Record.ID, res.Existing
		if m := res.Record.Manifest; m != nil {
			e.Pages = m.Pages
		}
	case ctx.Err() != nil:
		return Entry{}, ctx.Err()
	case errors.Is(err, archive.ErrInvalid):
		e.Outcome, e.Kind, e.Reason = Failed, "invalid", reason(err, it)
	case errors.Is(err, archive.ErrRefused):
		e.Outcome, e.Kind, e.Reason = Failed, "refused", reason(err, it)
	case errors.Is(err, archive.ErrConflict):
		e.Outcome, e.Kind, e.Reason = Failed, "conflict", reason(err, it)
	default:
		// Not this document's fault (a service unavailable, the store
		// failing): stop rather than fail every file that follows.
		return Entry{}, fmt.Errorf("import: %s: %w", it.rel, err)
	}
	return finish(e)
}

// folderEpoch is the creation time written into a folder's assembled PDF
// when its row gives no document date: a fixed time, so that the same page
// files always make the same bytes (see assemble).
var folderEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// assemble makes the document of a folder row: its files, a page image
// each (a multi-page TIFF gives all its pages), in page order, as one
// PDF/A without text, which the archive then treats like a scanner's PDF
// (OCR, a text layer). The bytes depend only on the files, their order,
// the title and the document date — never on the clock — so the journal
// and the archive's content key recognise a folder archived before, as
// they do a file. The files together may hold at most MaxBytes.
func (r *runner) assemble(ctx context.Context, it item) ([]byte, error) {
	budget := r.o.MaxBytes
	files := make([][]byte, len(it.pages))
	for i, rel := range it.pages {
		data, err := readFile(filepath.Join(r.o.Dir, filepath.FromSlash(rel)), budget)
		if err != nil {
			if errors.Is(err, archive.ErrTooLarge) {
				return nil, fmt.Errorf("%w: the folder's files hold more than %d bytes", archive.ErrTooLarge, r.o.MaxBytes)
			}
			return nil, fmt.Errorf("page %d, %s: %w", i+1, rel, err)
		}
		budget -= int64(len(data))
		files[i] = data
	}
	created := folderEpoch
	if d, err := time.Parse(time.DateOnly, string(it.meta.Date)); err == nil {
		created = d
	}
	res, err := pdfa.ImagesToPDF(ctx, files, &pdfa.ImageOptions{Title: it.meta.Title, Now: created, MaxBytes: int(r.o.MaxBytes)})
	if err != nil {
		var fe *pdfa.ImageFileError
		if errors.As(err, &fe) {
			return nil, fmt.Errorf("page %d, %s: %w", fe.File, it.pages[fe.File-1], fe.Err)
		}
		return nil, err
	}
	return res.PDF, nil
}

// reason is the archive's refusal without its "ingest: " prefix, naming
// the manifest line when there is one.
func reason(err error, it item) string {
	s := strings.TrimPrefix(err.Error(), "ingest: ")
	if it.line > 0 && errors.Is(err, archive.ErrInvalid) {
		s = fmt.Sprintf("manifest line %d: %s", it.line, s)
	}
	return s
}

// report counts e and calls Progress.
func (r *runner) report(e Entry) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done++
	if e.Outcome == Failed {
		r.failed++
	}
	if !e.Earlier {
		r.pages += e.Pages
		r.worked++
	}
	if r.o.Progress == nil {
		return
	}
	el := r.o.Now().Sub(r.start)
	p := Progress{Files: r.files, Done: r.done, Failed: r.failed, Pages: r.pages, Elapsed: el, Last: e}
	if m := el.Minutes(); m > 0 {
		p.PagesMin = float64(r.pages) / m
	}
	if r.worked > 0 && r.files > r.done {
		p.ETA = time.Duration(float64(el) / float64(r.worked) * float64(r.files-r.done))
	}
	r.o.Progress(p)
}

// summarize counts entries and sorts them by file.
func summarize(entries []Entry, elapsed time.Duration) Summary {
	s := Summary{Entries: entries, Elapsed: elapsed}
	for _, e := range entries {
		switch e.Outcome {
		case Archived:
			s.Archived++
			if e.Existing {
				s.Existing++
			}
			if e.Earlier {
				s.Earlier++
			} else {
				s.Pages += e.Pages
			}
		case Failed:
			s.Failed++
		default:
			s.Pending++
		}
	}
	slices.SortStableFunc(s.Entries, func(a, b Entry) int { return strings.Compare(a.File, b.File) })
	return s
}

// readFile reads a whole input file of at most limit bytes.
func readFile(p string, limit int64) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", unwrapPath(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", unwrapPath(err))
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d", archive.ErrTooLarge, st.Size(), limit)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", unwrapPath(err))
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: the limit is %d bytes", archive.ErrTooLarge, limit)
	}
	return data, nil
}
