package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"akte/archive"
	"akte/archive/importer"
	"akte/internal/fsutil"
	"akte/web/auth"
)

// Bulk import over the API (issue 8): a remote script sends a batch — a
// manifest CSV and the files it lists — as one multipart request. The
// server streams it to disk under Options.ImportDir/<job>/in/, answers 202
// and runs importer.Run on it in the background as the caller, a few jobs
// at a time, the rest waiting in line. The job's folder keeps its journal,
// so a batch sent again under the same batch key continues the same job
// and archives nothing twice; its report is the importer's CSV.
//
// Layout of a job's folder (<job> is 32 hex digits):
//
//	job.json       the job: owner, batch, state, counts (written atomically)
//	manifest.csv   the manifest as sent
//	in/            the files as sent; removed once the job is done
//	journal.jsonl  the importer's journal
//	report.csv     the report of the last run
//
// Uploads are received into a hidden .upload-* folder beside the jobs and
// moved into place only once complete and valid: a refused or broken
// upload leaves nothing behind.

// Limits of one upload besides the request size limit.
const (
	maxImportFiles  = 10_000 // file parts in one batch
	maxImportQueued = 64     // jobs waiting in line; more: 503
	maxBatchKey     = 100
	uploadPrefix    = ".upload-"
)

// importState is where a job stands.
type importState string

const (
	importQueued      importState = "queued"      // waiting for a free slot
	importRunning     importState = "running"     // being archived
	importDone        importState = "done"        // every file archived or failed (see the report)
	importFailed      importState = "failed"      // stopped by an error; files left pending; send the batch again to continue
	importInterrupted importState = "interrupted" // stopped by a shutdown; the next server resumes it
)

func (st importState) active() bool { return st == importQueued || st == importRunning }

// importJob is a job's status: job.json and the answer to GET.
type importJob struct {
	ID       string         `json:"id"`
	Batch    string         `json:"batch,omitempty"`
	Owner    archive.Actor  `json:"owner"`
	Source   archive.Source `json:"source"`
	State    importState    `json:"state"`
	Files    int            `json:"files"`
	Done     int            `json:"done"` // archived or failed
	Archived int            `json:"archived"`
	Failed   int            `json:"failed"`
	Pending  int            `json:"pending"`
	Pages    int            `json:"pages"` // pages of the archived files
	PagesMin float64        `json:"pages_per_min"`
	ETA      float64        `json:"eta_seconds,omitempty"`
	Runs     int            `json:"runs"`
	Created  time.Time      `json:"created"`
	Started  time.Time      `json:"started,omitzero"`
	Finished time.Time      `json:"finished,omitzero"`
	Summary  *importCounts  `json:"summary,omitempty"` // of the last run, once it has ended
	Error    string         `json:"error,omitempty"`

	StatusURL string `json:"status_url"`
	ReportURL string `json:"report_url"`

	entries map[string]importer.Entry // each file's latest entry, while the server runs the job
}

// importCounts is an ended run's importer.Summary without the entries.
type importCounts struct {
	Archived int     `json:"archived"`
	Existing int     `json:"existing"` // of which the archive held already
	Earlier  int     `json:"earlier"`  // of which an earlier run archived
	Failed   int     `json:"failed"`
	Pending  int     `json:"pending"`
	Pages    int     `json:"pages"` // archived by this run
	Seconds  float64 `json:"seconds"`
}

// count sets the job's counts from its entries.
func (j *importJob) count() {
	j.Files, j.Done, j.Archived, j.Failed, j.Pending, j.Pages = len(j.entries), 0, 0, 0, 0, 0
	for _, e := range j.entries {
		j.tally(e, 1)
	}
}

// set records e as its file's entry, updating the counts by the
// difference alone (what count would give, without walking the entries).
func (j *importJob) set(e importer.Entry) {
	if old, ok := j.entries[e.File]; ok {
		j.tally(old, -1)
	} else {
		j.Files++
	}
	j.entries[e.File] = e
	j.tally(e, 1)
}

// tally adds e to the counts (n = 1) or takes it away (n = -1).
func (j *importJob) tally(e importer.Entry, n int) {
	switch e.Outcome {
	case importer.Archived:
		j.Archived += n
		j.Pages += n * e.Pages
	case importer.Failed:
		j.Failed += n
	default:
		j.Pending += n
	}
	j.Done = j.Archived + j.Failed
}

// imports runs the import jobs of one server. Safe for concurrent use.
type imports struct {
	dir      string
	a        importer.Archiver
	log      *slog.Logger
	maxBytes int64
	workers  int
	slots    chan struct{} // a token per job running
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup

	mu     sync.Mutex
	jobs   map[string]*importJob
	closed bool
}

// newImports opens dir, removes uploads a crash left half received, and
// resumes the jobs that had not ended (queued, running or interrupted).
func newImports(dir string, a importer.Archiver, jobsAtOnce int, maxBytes int64, log *slog.Logger) (*imports, error) {
	if jobsAtOnce <= 0 {
		jobsAtOnce = 2
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := &imports{dir: dir, a: a, log: log, maxBytes: maxBytes, workers: max(1, runtime.NumCPU()/jobsAtOnce),
		slots: make(chan struct{}, jobsAtOnce), ctx: ctx, cancel: cancel, jobs: map[string]*importJob{}}
	des, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		err = os.MkdirAll(dir, 0o750)
	}
	if err != nil {
		cancel()
		return nil, fmt.Errorf("import jobs: %w", err)
	}
	var resume []*importJob
	for _, de := range des {
		name := de.Name()
		if strings.HasPrefix(name, uploadPrefix) {
			os.RemoveAll(filepath.Join(dir, name))
			continue
		}
		if !validImportID(name) || !de.IsDir() {
			continue
		}
		j, err := readJob(filepath.Join(dir, name))
		if err != nil || j.ID != name {
			log.Warn("import job folder without a readable job.json left alone", "job", name, "err", err)
			continue
		}
		m.jobs[name] = j
		if j.State.active() || j.State == importInterrupted {
			resume = append(resume, j)
		}
	}
	slices.SortFunc(resume, func(a, b *importJob) int { return a.Created.Compare(b.Created) })
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, j := range resume {
		m.log.Info("import job resumed", "job", j.ID, "state", j.State, "owner", j.Owner.Name)
		m.queue(j)
	}
	return m, nil
}

func readJob(dir string) (*importJob, error) {
	b, err := os.ReadFile(filepath.Join(dir, "job.json"))
	if err != nil {
		return nil, err
	}
	j := &importJob{}
	if err := json.Unmarshal(b, j); err != nil {
		return nil, err
	}
	return j, nil
}

// queue marks j queued, saves it and starts it. m.mu is held.
func (m *imports) queue(j *importJob) {
	j.queued()
	if err := m.save(j); err != nil {
		m.log.Error("import job not saved", "job", j.ID, "err", err)
	}
	m.start(j)
}

// queued marks j queued, clearing what its last run left.
func (j *importJob) queued() {
	j.State, j.Error, j.Summary, j.ETA, j.PagesMin = importQueued, "", nil, 0, 0
	j.Finished = time.Time{}
}

// start starts j's goroutine, which waits for a slot (in order of
// arrival) and runs it. j is queued and saved; m.mu is held.
func (m *imports) start(j *importJob) {
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		select {
		case m.slots <- struct{}{}:
		case <-m.ctx.Done():
			return // stays queued: the next server resumes it
		}
		defer func() { <-m.slots }()
		if m.ctx.Err() == nil {
			m.run(j)
		}
	}()
}

func (m *imports) jobDir(id string) string { return filepath.Join(m.dir, id) }

// save writes j's job.json atomically. m.mu is held (or j not yet shared).
func (m *imports) save(j *importJob) error {
	b, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	return fsutil.WriteAtomic(filepath.Join(m.jobDir(j.ID), "job.json"), b, 0o640)
}

// run runs one job to its end, or until the server stops. A job just
// submitted has its entries (every file pending) from submit; one resumed
// from disk is planned here.
func (m *imports) run(j *importJob) {
	dir := m.jobDir(j.ID)
	in, manifest := filepath.Join(dir, "in"), filepath.Join(dir, "manifest.csv")
	var err error
	var planned []importer.Entry
	// Unlocked: only submit (before starting j) and run write j.entries.
	resumed := j.entries == nil
	if resumed {
		planned, err = importer.Plan(in, manifest, m.a.Classes())
	}
	m.mu.Lock()
	j.State, j.Started, j.Runs = importRunning, time.Now().UTC(), j.Runs+1
	if resumed {
		j.entries = pendingEntries(planned)
		j.count()
	}
	if err := m.save(j); err != nil {
		m.log.Error("import job not saved", "job", j.ID, "err", err)
	}
	m.mu.Unlock()
	var sum importer.Summary
	if err == nil {
		sum, err = importer.Run(m.ctx, m.a, importer.Options{
			Dir: in, Manifest: manifest, Journal: filepath.Join(dir, "journal.jsonl"), Workers: m.workers,
			Source: j.Source, Actor: j.Owner, MaxBytes: m.maxBytes, Progress: func(p importer.Progress) { m.progress(j, p) },
		})
	}
	state := importDone
	switch {
	case err == nil, errors.Is(err, importer.ErrFailed): // every file has its outcome
	case m.ctx.Err() != nil:
		state = importInterrupted
	default:
		state = importFailed
	}
	if len(sum.Entries) > 0 {
		if rerr := importer.WriteReport(filepath.Join(dir, "report.csv"), sum.Entries); rerr != nil {
			m.log.Error("import report not written", "job", j.ID, "err", rerr)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	j.State, j.Finished, j.ETA = state, time.Now().UTC(), 0
	for _, e := range sum.Entries {
		j.set(e)
	}
	if len(sum.Entries) > 0 {
		j.Summary = &importCounts{Archived: sum.Archived, Existing: sum.Existing, Earlier: sum.Earlier, Failed: sum.Failed,
			Pending: sum.Pending, Pages: sum.Pages, Seconds: sum.Elapsed.Seconds()}
	}
	if state != importDone {
		j.Error = strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), "")
	}
	j.entries = nil // the report is on disk now
	if err := m.save(j); err != nil {
		m.log.Error("import job not saved", "job", j.ID, "err", err)
	} else if state == importDone {
		// The archive holds every archived file byte for byte; the report
		// says what failed and why. A batch sent again brings its files.
		if err := os.RemoveAll(in); err != nil {
			m.log.Warn("import job inputs not removed", "job", j.ID, "err", err)
		}
	}
	m.log.Info("import job ended", "job", j.ID, "state", state, "archived", j.Archived, "failed", j.Failed, "pending", j.Pending)
}

// progress records one finished file (the importer calls it one at a time).
func (m *imports) progress(j *importJob, p importer.Progress) {
	m.mu.Lock()
	defer m.mu.Unlock()
	j.set(p.Last)
	j.PagesMin, j.ETA = p.PagesMin, p.ETA.Seconds()
}

// get returns a copy of job id, if the caller may see it: its owner or an
// admin. Anyone else is told it does not exist, as for a missing one.
// With entries, the copy holds a copy of a running job's entries (for
// the report); otherwise none.
func (m *imports) get(id string, p auth.Principal, entries bool) (importJob, error) {
	if !validImportID(id) {
		return importJob{}, &archive.FieldError{Kind: archive.ErrInvalid, Field: "id", Reason: "not an import job ID (32 hex digits)"}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	j, ok := m.jobs[id]
	if !ok || (j.Owner.Name != p.Name && p.Role != auth.Admin) {
		return importJob{}, fmt.Errorf("%w: no import job %s", archive.ErrNotFound, id)
	}
	c := *j
	c.entries = nil
	if entries && j.State.active() {
		c.entries = maps.Clone(j.entries)
	}
	return c, nil
}

// close stops the jobs (those running leave their remaining files pending
// and are resumed by the next server) and waits for them until ctx ends.
func (m *imports) close(ctx context.Context) error {
	m.mu.Lock()
	m.closed = true
	m.mu.Unlock()
	m.cancel()
	done := make(chan struct{})
	go func() { m.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("stop import jobs: %w", ctx.Err())
	}
}

// importID is the job of a batch key: the same for the same owner and
// key, so a batch sent again continues its job; without a key, random.
func importID(owner, batch string) string {
	if batch == "" {
		b := make([]byte, 16)
		rand.Read(b)
		return hex.EncodeToString(b)
	}
	sum := sha256.Sum256([]byte("akte import batch\x00" + owner + "\x00" + batch))
	return hex.EncodeToString(sum[:16])
}

func validImportID(id string) bool {
	return len(id) == 32 && strings.Trim(id, "0123456789abcdef") == ""
}

func validBatch(b string) bool {
	return len(b) >= 1 && len(b) <= maxBatchKey &&
		strings.Trim(b, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == ""
}

// uploadName checks a file part's name: a clean relative path inside the
// batch, as the manifest names it ("box 1/scan.pdf"). Refused: empty,
// absolute, "." or ".." segments, doubled or trailing slashes, backslashes,
// colons (drive letters), control characters, hidden segments (".name",
// which the importer skips), segments over 255 bytes, over 1024 in all.
func uploadName(name string) error {
	bad := func(why string) error {
		return &archive.FieldError{Kind: archive.ErrInvalid, Field: "file", Reason: fmt.Sprintf("file name %q: %s", clipName(name), why)}
	}
	switch {
	case name == "":
		return bad("empty (each file part needs a filename, the manifest's file value)")
	case len(name) > 1024 || !utf8.ValidString(name):
		return bad("longer than 1024 bytes or not UTF-8")
	case strings.ContainsAny(name, `\:`):
		return bad(`a backslash or colon (write folders with "/")`)
	case strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return bad("a control character")
	case path.IsAbs(name) || path.Clean(name) != name || !filepath.IsLocal(name):
		return bad(`not a clean relative path inside the batch (no leading "/", no "." or ".." and no empty segments)`)
	}
	for seg := range strings.SplitSeq(name, "/") {
		if strings.HasPrefix(seg, ".") {
			return bad("a hidden name (starting with a dot), which is not imported")
		}
		if len(seg) > 255 {
			return bad("a segment longer than 255 bytes")
		}
	}
	return nil
}

func clipName(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// upload is a batch being received into a hidden folder beside the jobs.
type upload struct {
	dir         string // .upload-*: in/ and manifest.csv
	root        *os.Root
	batch       string
	source      archive.Source
	names       map[string]bool // files
	dirs        map[string]bool // their folders
	hasManifest bool
}

// receive streams a multipart upload to disk. Parts: "manifest" (the CSV),
// "batch" (the batch key), "source" (scan or import) and one part per file
// whose filename is its name in the manifest. The caller removes u.dir
// unless it takes it. busy tells of a batch whose job is still running,
// so that such an upload is refused before its files are read.
func (m *imports) receive(mr *multipart.Reader, busy func(batch string) error) (u *upload, err error) {
	dir, err := os.MkdirTemp(m.dir, uploadPrefix+"*")
	if err != nil {
		return nil, fmt.Errorf("receive import: %w", err)
	}
	u = &upload{dir: dir, source: archive.SourceScan, names: map[string]bool{}, dirs: map[string]bool{}}
	defer func() {
		if u.root != nil {
			u.root.Close()
		}
		if err != nil {
			os.RemoveAll(dir)
			u = nil
		}
	}()
	if err := os.Mkdir(filepath.Join(dir, "in"), 0o750); err != nil {
		return u, fmt.Errorf("receive import: %w", err)
	}
	if u.root, err = os.OpenRoot(filepath.Join(dir, "in")); err != nil {
		return u, fmt.Errorf("receive import: %w", err)
	}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return u, multipartError(err)
		}
		if err := u.part(p, busy); err != nil {
			return u, err
		}
	}
	switch {
	case !u.hasManifest:
		return u, &archive.FieldError{Kind: archive.ErrInvalid, Field: "manifest", Reason: "no manifest part (a CSV: file,citizen,class[,date][,title][,fact:NAME])"}
	case len(u.names) == 0:
		return u, &archive.FieldError{Kind: archive.ErrInvalid, Field: "file", Reason: "the batch has no files (one part per file, its filename as in the manifest)"}
	}
	// The files are synced (write); their folders' entries too, so that
	// an acknowledged batch survives a crash. u.dir's own entries are
	// synced when the upload is placed.
	for _, d := range append(slices.Collect(maps.Keys(u.dirs)), ".") {
		if err := fsutil.SyncPath(filepath.Join(dir, "in", filepath.FromSlash(d))); err != nil {
			return u, fmt.Errorf("receive import: %w", err)
		}
	}
	return u, nil
}

// part stores one part of an upload.
func (u *upload) part(p *multipart.Part, busy func(string) error) error {
	defer p.Close()
	// The filename as sent: Part.FileName keeps only its last element,
	// and a batch has folders.
	_, params, _ := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
	name, isFile := params["filename"]
	switch form := p.FormName(); {
	case form == "manifest":
		if u.hasManifest {
			return &archive.FieldError{Kind: archive.ErrInvalid, Field: "manifest", Reason: "more than one manifest part"}
		}
		u.hasManifest = true
		return u.write(p, filepath.Join(u.dir, "manifest.csv"), nil)
	case form == "batch" || form == "source":
		b, err := io.ReadAll(io.LimitReader(p, maxBatchKey+1))
		if err != nil {
			return multipartError(err)
		}
		v := string(b)
		if form == "source" {
			if u.source = archive.Source(v); u.source != archive.SourceScan && u.source != archive.SourceImport {
				return &archive.FieldError{Kind: archive.ErrInvalid, Field: "source", Reason: "want scan or import"}
			}
			return nil
		}
		if u.batch = v; !validBatch(v) {
			return &archive.FieldError{Kind: archive.ErrInvalid, Field: "batch", Reason: "1 to 100 characters from A-Z a-z 0-9 . _ -"}
		}
		return busy(v)
	case !isFile:
		return &archive.FieldError{Kind: archive.ErrInvalid, Field: form, Reason: "unknown field (known: manifest, batch, source, and file parts with a filename)"}
	}
	if err := uploadName(name); err != nil {
		return err
	}
	if len(u.names) >= maxImportFiles {
		return &archive.FieldError{Kind: archive.ErrInvalid, Field: "file", Reason: fmt.Sprintf("more than %d files: send the batch in parts", maxImportFiles)}
	}
	if u.names[name] || u.dirs[name] {
		return &archive.FieldError{Kind: archive.ErrInvalid, Field: "file", Reason: fmt.Sprintf("file name %q twice, or also a folder", clipName(name))}
	}
	for d := path.Dir(name); d != "."; d = path.Dir(d) {
		if u.names[d] {
			return &archive.FieldError{Kind: archive.ErrInvalid, Field: "file", Reason: fmt.Sprintf("file name %q puts a file into the file %q", clipName(name), clipName(d))}
		}
		u.dirs[d] = true
	}
	u.names[name] = true
	if d := path.Dir(name); d != "." {
		if err := u.root.MkdirAll(d, 0o750); err != nil {
			return fmt.Errorf("receive import: %w", err)
		}
	}
	return u.write(p, name, u.root)
}

// write copies r to a new file, in root when given, and syncs it: once
// the upload is acknowledged, a crash must not cut its files short.
func (u *upload) write(r io.Reader, name string, root *os.Root) error {
	var f *os.File
	var err error
	if root != nil {
		f, err = root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	} else {
		f, err = os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	}
	if err != nil {
		return fmt.Errorf("receive import: %w", err)
	}
	_, err = io.Copy(f, r)
	if err != nil {
		f.Close()
		return multipartError(err)
	}
	if err = f.Sync(); err == nil {
		err = f.Close()
	} else {
		f.Close()
	}
	if err != nil {
		return fmt.Errorf("receive import: %w", err)
	}
	return nil
}

// multipartError is an error while reading the request: over the size
// limit (413), or a malformed or broken body.
func multipartError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return err
	}
	return &archive.FieldError{Kind: archive.ErrInvalid, Field: "body", Reason: fmt.Sprintf("cannot read the multipart form: %v", err)}
}

// submit plans an upload and makes it a job: a new one, or the batch's
// earlier job, which continues with the same journal. It takes u.dir (a
// new job) or its in/ and manifest.csv (an earlier job); the caller
// removes what is left.
func (m *imports) submit(u *upload, owner archive.Actor) (importJob, error) {
	planned, err := importer.Plan(filepath.Join(u.dir, "in"), filepath.Join(u.dir, "manifest.csv"), m.a.Classes())
	var me *importer.ManifestError
	switch {
	case errors.As(err, &me) && me.Line > 0:
		return importJob{}, &archive.FieldError{Kind: archive.ErrInvalid, Field: "manifest", Reason: fmt.Sprintf("line %d: %s", me.Line, me.Reason)}
	case errors.As(err, &me):
		return importJob{}, &archive.FieldError{Kind: archive.ErrInvalid, Field: "manifest", Reason: me.Reason}
	case err != nil:
		return importJob{}, err
	}
	id := importID(owner.Name, u.batch)
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.acceptable(id, u.batch); err != nil {
		return importJob{}, err
	}
	// A copy of an earlier job (it is not running, so nothing else holds
	// it): if placing fails, the job stays as it was.
	var j *importJob
	if old := m.jobs[id]; old != nil {
		c := *old
		j = &c
	} else {
		j = &importJob{ID: id, Batch: u.batch, Owner: owner, Created: time.Now().UTC(),
			StatusURL: "/api/v1/imports/" + id, ReportURL: "/api/v1/imports/" + id + "/report"}
	}
	j.Source = u.source
	j.queued()
	j.entries = pendingEntries(planned)
	j.count()
	saved, err := m.place(j, u)
	if err != nil {
		return importJob{}, err
	}
	if !saved {
		if err := m.save(j); err != nil {
			m.log.Error("import job not saved", "job", j.ID, "err", err)
		}
	}
	m.jobs[id] = j
	m.start(j)
	c := *j
	c.entries = nil
	return c, nil
}

// acceptable refuses a job when the server is stopping, the line is full,
// or the batch's job has not ended. m.mu is held.
func (m *imports) acceptable(id, batch string) error {
	if m.closed {
		return fmt.Errorf("%w: the server is shutting down; send the batch again later", archive.ErrUnavailable)
	}
	if j := m.jobs[id]; j != nil && j.State.active() {
		return fmt.Errorf("%w: batch %q is being imported (job %s, %s): wait until it has ended (GET %s), then send it again to continue it",
			archive.ErrConflict, batch, id, j.State, j.StatusURL)
	}
	queued := 0
	for _, j := range m.jobs {
		if j.State == importQueued {
			queued++
		}
	}
	if queued >= maxImportQueued {
		return fmt.Errorf("%w: %d import jobs are waiting; send this batch again later", archive.ErrUnavailable, queued)
	}
	return nil
}

// busy refuses, early, a batch whose job has not ended.
func (m *imports) busy(owner string) func(batch string) error {
	return func(batch string) error {
		m.mu.Lock()
		defer m.mu.Unlock()
		return m.acceptable(importID(owner, batch), batch)
	}
}

// place moves the upload into the job's folder: a new job's folder is the
// upload's, job.json written first (saved: true, nothing left to save);
// an earlier job's inputs and manifest are replaced, its journal, report
// and job.json kept (the caller saves j). m.mu is held.
func (m *imports) place(j *importJob, u *upload) (saved bool, err error) {
	dir := m.jobDir(j.ID)
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		if err := fsutil.WriteAtomic(filepath.Join(u.dir, "job.json"), mustJSON(j), 0o640); err != nil {
			return false, fmt.Errorf("import job: %w", err)
		}
		if err := os.Rename(u.dir, dir); err != nil {
			return false, fmt.Errorf("import job: %w", err)
		}
		return true, fsutil.SyncPath(m.dir)
	}
	for _, name := range []string{"in", "manifest.csv"} {
		if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
			return false, fmt.Errorf("import job: %w", err)
		}
		if err := os.Rename(filepath.Join(u.dir, name), filepath.Join(dir, name)); err != nil {
			return false, fmt.Errorf("import job: %w", err)
		}
	}
	return false, fsutil.SyncPath(dir)
}

// pendingEntries maps planned entries by file.
func pendingEntries(planned []importer.Entry) map[string]importer.Entry {
	entries := make(map[string]importer.Entry, len(planned))
	for _, e := range planned {
		entries[e.File] = e
	}
	return entries
}

func mustJSON(v any) []byte {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		panic(err)
	}
	return b
}

func (s *Server) importRoutes() {
	s.handle("POST /api/v1/imports", s.postImport)
	s.handle("GET /api/v1/imports/{id}", s.importStatus)
	s.handle("GET /api/v1/imports/{id}/report", s.importReport)
}

// errNoImports: the server was started without Options.ImportDir.
var errNoImports = fmt.Errorf("%w: bulk import over the API is not configured on this server", archive.ErrUnavailable)

// postImport: POST /api/v1/imports, a multipart batch → 202 and the job.
func (s *Server) postImport(w http.ResponseWriter, r *http.Request) {
	if s.imports == nil {
		s.fail(w, r, errNoImports)
		return
	}
	limit := s.maxBytes + 1<<20
	if r.ContentLength > limit {
		s.fail(w, r, &http.MaxBytesError{Limit: limit}) // refused before reading anything
		return
	}
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" || params["boundary"] == "" {
		s.fail(w, r, fmt.Errorf("%w %q: send the batch as multipart/form-data (a manifest part and one part per file)", errMediaType, r.Header.Get("Content-Type")))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	a := actor(r)
	u, err := s.imports.receive(multipart.NewReader(r.Body, params["boundary"]), s.imports.busy(a.Name))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer os.RemoveAll(u.dir) // gone once placed; removed on refusal
	j, err := s.imports.submit(u, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("import job queued", "job", j.ID, "batch", j.Batch, "files", j.Files, "by", a.Name)
	w.Header().Set("Location", j.StatusURL)
	writeJSON(w, http.StatusAccepted, j)
}

// importStatus: GET /api/v1/imports/{id}.
func (s *Server) importStatus(w http.ResponseWriter, r *http.Request) {
	j, err := s.importJob(r, false)
	s.reply(w, r, http.StatusOK, j, err)
}

// importReport: GET /api/v1/imports/{id}/report, the CSV report: while the
// job runs, every file's outcome so far (pending for the rest); after it,
// the report of its last run.
func (s *Server) importReport(w http.ResponseWriter, r *http.Request) {
	j, err := s.importJob(r, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if j.entries != nil {
		entries := slices.SortedFunc(maps.Values(j.entries), func(a, b importer.Entry) int { return strings.Compare(a.File, b.File) })
		err = importer.WriteCSV(&buf, entries)
	} else if b, rerr := os.ReadFile(filepath.Join(s.imports.jobDir(j.ID), "report.csv")); rerr == nil {
		buf.Write(b)
	} else {
		err = importer.WriteCSV(&buf, nil)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="import-`+j.ID+`.csv"`)
	w.Write(buf.Bytes())
}

// importJob is the job of the request's id; with entries, a running
// job's entries too (see imports.get).
func (s *Server) importJob(r *http.Request, entries bool) (importJob, error) {
	if s.imports == nil {
		return importJob{}, errNoImports
	}
	p, _ := auth.FromContext(r.Context())
	return s.imports.get(r.PathValue("id"), p, entries)
}

// Close stops the server's background work: import jobs stop where they
// are — files not yet archived stay pending, and the next server on the
// same ImportDir resumes the job — and Close waits for them until ctx
// ends. Shut the HTTP server down first; close the archive after.
func (s *Server) Close(ctx context.Context) error {
	if s.imports == nil {
		return nil
	}
	return s.imports.close(ctx)
}
