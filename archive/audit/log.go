package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"akte/archive/store"
	"akte/internal/fsutil"
)

// Defaults for Options.
const (
	DefaultSealEvery    = 1000
	DefaultSealInterval = time.Hour
	// DefaultRetention is ten years of 365.25 days.
	DefaultRetention = 10 * 8766 * time.Hour
)

// Log attribute keys.
const (
	keyPath    = "path"
	keySeq     = "seq"
	keySegment = "segment"
	keyBytes   = "bytes"
	keyErr     = "err"
)

// sealRetry is how long the background sealer waits (on the Now clock)
// after a failed seal before trying again on its own.
const sealRetry = time.Minute

// Options configure a Log. A nil *Options means the defaults; a zero field
// means that field's default.
type Options struct {
	// SealEvery seals once this many entries are unsealed; it is also the
	// largest segment Seal writes. Default DefaultSealEvery.
	SealEvery int
	// SealInterval seals unsealed entries once the oldest of them is this
	// old (by Now). Default DefaultSealInterval.
	SealInterval time.Duration
	// Retention is how long sealed segments are locked from the seal on.
	// Default DefaultRetention.
	Retention time.Duration
	// RetentionMode of the lock. Default store.Compliance.
	RetentionMode store.Mode
	// Now is the clock for entry times, seal due dates and retain-until
	// dates. Default time.Now.
	Now func() time.Time
	// Logger receives repairs (a torn last line) and background seal
	// failures. Default: discard.
	Logger *slog.Logger

	// pollEvery is how often the background sealer looks at the clock;
	// tests shorten it. Default SealInterval/60, between 1s and 1m.
	pollEvery time.Duration
	// syncFile makes the file's written data durable; tests wrap it.
	// Default syncData.
	syncFile func(*os.File) error
}

func (o *Options) resolve() (Options, error) {
	var r Options
	if o != nil {
		r = *o
	}
	if r.SealEvery <= 0 {
		r.SealEvery = DefaultSealEvery
	}
	if r.SealInterval <= 0 {
		r.SealInterval = DefaultSealInterval
	}
	if r.Retention <= 0 {
		r.Retention = DefaultRetention
	}
	if r.RetentionMode == "" {
		r.RetentionMode = store.Compliance
	}
	if !r.RetentionMode.Valid() {
		return r, fmt.Errorf("audit options: retention mode %q: %w", r.RetentionMode, store.ErrInvalid)
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	if r.Logger == nil {
		r.Logger = slog.New(slog.DiscardHandler)
	}
	if r.pollEvery <= 0 {
		r.pollEvery = min(max(r.SealInterval/60, time.Second), time.Minute)
	}
	if r.syncFile == nil {
		r.syncFile = syncData
	}
	return r, nil
}

// ref names one entry of the chain.
type ref struct {
	seq  uint64
	hash string
}

// sealState is how far the store holds the chain: the last sealed entry,
// the file offset just after its line, and the key of its segment.
type sealState struct {
	ref
	off int64
	key string
}

const (
	reqPending int32 = iota
	reqClaimed
	reqCancelled
)

type result struct {
	ev  Event
	err error
}

type request struct {
	ev    Event
	state atomic.Int32
	done  chan result
}

// Log is an open audit log. Its methods are safe for concurrent use.
type Log struct {
	path string
	st   store.Store
	opts Options
	log  *slog.Logger
	f    *os.File // O_APPEND; written only by the writer goroutine

	mu           sync.Mutex
	queue        []*request
	closed       bool
	failed       error     // sticky write/fsync failure
	head         ref       // last durable entry
	size         int64     // durable file size
	sealed       sealState // the store holds entries 1..sealed.seq
	pendingSince time.Time // when the oldest unsealed entry was appended
	sealFailedAt time.Time

	wake       chan struct{}
	sealKick   chan struct{}
	writerDone chan struct{}
	sealerDone chan struct{}
	stopSealer context.CancelFunc

	// Group-commit counters: fsyncs done and entries they made durable.
	syncs, synced atomic.Uint64

	sealMu    sync.Mutex // serialises Seal; guards fileGone
	fileGone  bool
	closeOnce sync.Once
	closeErr  error
}

// Open opens the audit log file at path (creating it if missing) and the
// sealed segments in st, checks that they fit together, and starts the
// writer and the background sealer. The file is locked against a second
// Open, also from another process.
//
// Open repairs exactly one thing: a last line without a newline (a write
// torn by a crash; such an entry was never acknowledged) is cut off and
// reported through the logger. Anything else that does not hash or chain
// — a full line that does not parse, a seq that does not follow, a Prev
// that does not match, a hash that does not match, the local file missing
// entries the store has sealed or disagreeing with the last sealed segment
// — makes Open fail with an error wrapping ErrTampered.
//
// Open checks the unsealed tail in full, and the sealed part only where it
// meets the last segment (whose last line must equal the local one); the
// whole log is Verify's job.
func Open(ctx context.Context, path string, st store.Store, opts *Options) (*Log, error) {
	o, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	if st == nil {
		return nil, fmt.Errorf("open audit log %s: no store: %w", path, store.ErrInvalid)
	}
	_, statErr := os.Stat(path)
	created := errors.Is(statErr, fs.ErrNotExist)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open audit log: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("open audit log %s: %w", path, err)
	}
	if created {
		if err := fsutil.SyncPath(filepath.Dir(path)); err != nil {
			f.Close()
			return nil, fmt.Errorf("open audit log %s: %w", path, err)
		}
	}
	l := &Log{
		path: path, st: st, opts: o, log: o.Logger, f: f,
		wake:       make(chan struct{}, 1),
		sealKick:   make(chan struct{}, 1),
		writerDone: make(chan struct{}),
		sealerDone: make(chan struct{}),
	}
	if err := l.recover(ctx); err != nil {
		f.Close()
		return nil, err
	}
	sctx, cancel := context.WithCancel(context.Background())
	l.stopSealer = cancel
	go l.writer()
	go l.sealer(sctx)
	return l, nil
}

// tampered builds Open's error for a log that does not check out.
func (l *Log) tampered(format string, args ...any) error {
	return fmt.Errorf("open audit log %s: %s; run `akte audit verify`: %w", l.path, fmt.Sprintf(format, args...), ErrTampered)
}

// recover reads the store's last segment and the file's tail, repairs a torn
// last line and sets head, size and sealed.
func (l *Log) recover(ctx context.Context) error {
	segs, foreign, err := listSegments(ctx, l.st, "")
	if err != nil {
		return fmt.Errorf("open audit log %s: %w", l.path, err)
	}
	for _, k := range foreign {
		l.log.Warn("audit: unexpected object among sealed segments, ignored", keySegment, k)
	}
	fi, err := l.f.Stat()
	if err != nil {
		return fmt.Errorf("open audit log %s: %w", l.path, err)
	}
	size, err := l.repairTorn(fi.Size())
	if err != nil {
		return err
	}
	l.size = size
	l.sealed = sealState{ref: ref{0, GenesisPrev}}
	if len(segs) > 0 {
		last := segs[len(segs)-1]
		start, line, err := findLine(l.f, size, last.last)
		if err != nil {
			return fmt.Errorf("open audit log %s: %w", l.path, err)
		}
		if line == nil {
			return l.tampered("the local file lacks entry %d, which the store has sealed in %s", last.last, last.key)
		}
		data, _, err := store.ReadAll(ctx, l.st, last.key, last.info.VersionID)
		if err != nil {
			return fmt.Errorf("open audit log %s: read %s: %w", l.path, last.key, err)
		}
		if !bytes.HasSuffix(data, append(append([]byte("\n"), line...), '\n')) && !bytes.Equal(data, append(line, '\n')) {
			return l.tampered("entry %d differs from its sealed copy in %s", last.last, last.key)
		}
		e, err := parseLine(line)
		if err != nil || !e.canonical || e.sum != e.ev.Hash {
			return l.tampered("sealed entry %d does not hash", last.last)
		}
		l.sealed = sealState{ref: ref{last.last, e.ev.Hash}, off: start + int64(len(line)) + 1, key: last.key}
	}
	l.head = l.sealed.ref
	err = scanLines(io.NewSectionReader(l.f, l.sealed.off, size-l.sealed.off), func(_ int64, line []byte, _ bool) error {
		e, err := parseLine(line)
		switch {
		case err != nil:
			return l.tampered("line after entry %d: %v", l.head.seq, err)
		case e.ev.Seq != l.head.seq+1:
			return l.tampered("entry %d follows entry %d", e.ev.Seq, l.head.seq)
		case e.sum != e.ev.Hash || !e.canonical:
			return l.tampered("entry %d does not match its hash", e.ev.Seq)
		case e.ev.Prev != l.head.hash:
			return l.tampered("entry %d does not chain to entry %d", e.ev.Seq, l.head.seq)
		}
		if l.head.seq == l.sealed.seq {
			l.pendingSince = e.ev.Time
		}
		l.head = ref{e.ev.Seq, e.ev.Hash}
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrTampered) {
			return err
		}
		return fmt.Errorf("open audit log %s: %w", l.path, err)
	}
	return nil
}

// repairTorn cuts off a last line that lacks its newline and returns the
// new size.
func (l *Log) repairTorn(size int64) (int64, error) {
	if size == 0 {
		return 0, nil
	}
	end := size
	buf := make([]byte, 4096)
	for end > 0 {
		n := min(int64(len(buf)), end)
		if _, err := l.f.ReadAt(buf[:n], end-n); err != nil {
			return 0, fmt.Errorf("open audit log %s: %w", l.path, err)
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			end = end - n + int64(i) + 1
			break
		}
		end -= n
	}
	if end == size {
		return size, nil
	}
	if err := l.f.Truncate(end); err != nil {
		return 0, fmt.Errorf("open audit log %s: cut torn line: %w", l.path, err)
	}
	if err := l.f.Sync(); err != nil {
		return 0, fmt.Errorf("open audit log %s: cut torn line: %w", l.path, err)
	}
	l.log.Warn("audit: cut off a torn last line left by a crash (never acknowledged)",
		keyPath, l.path, keyBytes, size-end)
	return end, nil
}

// findLine finds, scanning back from the end of the first size bytes of f,
// the line holding entry seq. It returns its offset and content (without
// newline), or a nil line when the file holds no such entry before reaching
// a lower seq. Lines are recognised by their canonical prefix only; a line
// without it is tampering.
func findLine(f *os.File, size int64, seq uint64) (int64, []byte, error) {
	var (
		at    int64
		found []byte
	)
	err := backward(f, size, func(off int64, line []byte) error {
		s, ok := quickSeq(line)
		if !ok {
			return fmt.Errorf("line at offset %d is not an audit entry; run `akte audit verify`: %w", off, ErrTampered)
		}
		if s == seq {
			at, found = off, bytes.Clone(line)
		}
		if s <= seq {
			return errStop
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return 0, nil, err
	}
	return at, found, nil
}

// Path returns the log file's path.
func (l *Log) Path() string { return l.path }

// Head returns the seq and hash of the last durable entry (0 and
// GenesisPrev for an empty log).
func (l *Log) Head() (seq uint64, hash string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.head.seq, l.head.hash
}

// SealedThrough returns the seq of the last entry held by a sealed segment.
func (l *Log) SealedThrough() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.sealed.seq
}

// Append adds e to the log and returns it as stored, with Seq, Prev, Hash
// and (if it was zero) Time assigned. It returns only once the entry is
// written and fsync'd. Concurrent Appends are group-committed: one writer
// goroutine writes everything queued while the previous fsync ran in one
// write and one fsync.
//
// Errors: ErrInvalidEvent for a bad event (nothing written), ErrClosed after
// Close, ctx's error if ctx ends before the writer took the entry (nothing
// written; once taken, Append waits for the fsync and reports its outcome).
// After a write or fsync failure the Log refuses all further Appends with
// that error: an entry whose Append failed that way may or may not be in the
// file.
func (l *Log) Append(ctx context.Context, e Event) (Event, error) {
	if err := ctx.Err(); err != nil {
		return Event{}, fmt.Errorf("append audit event: %w", err)
	}
	e, err := prepare(e)
	if err != nil {
		return Event{}, fmt.Errorf("append audit event: %w", err)
	}
	r := &request{ev: e, done: make(chan result, 1)}
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return Event{}, fmt.Errorf("append audit event: %w", ErrClosed)
	}
	if l.failed != nil {
		err := l.failed
		l.mu.Unlock()
		return Event{}, err
	}
	l.queue = append(l.queue, r)
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
	select {
	case res := <-r.done:
		return res.ev, res.err
	case <-ctx.Done():
		if r.state.CompareAndSwap(reqPending, reqCancelled) {
			return Event{}, fmt.Errorf("append audit event: %w", ctx.Err())
		}
		res := <-r.done
		return res.ev, res.err
	}
}

// writer is the single goroutine that writes the file: the committer of
// the group commit. Appenders queue requests and wait; the writer takes
// everything queued, writes it and fsyncs it (commit), answers each
// appender, and takes the next queue — which filled while that fsync ran.
// There is no timer: under load a batch is whatever arrived during one
// fsync, idle an entry is written at once.
//
// Why this keeps the chain and every acknowledged entry, also across a
// crash at any instant:
//
//   - Order: only the writer assigns Seq and Prev, in queue order, from
//     head, which it alone advances; so lines are written in seq order,
//     each chaining to the one before, across batches too.
//   - One batch is one write of whole lines at the end of the file
//     (O_APPEND), then one fdatasync. An appender is answered with success
//     only after that fdatasync returned, so an acknowledged entry is on
//     disk, as is every entry before it (earlier batches were synced
//     first). After a crash the file is a prefix of what was written: all
//     acknowledged entries, maybe some of the batch in flight (never
//     acknowledged; their callers got no answer, so their reads were not
//     served), and maybe a torn last line, which Open cuts off. (A crash
//     between the answer and the response leaves an entry for a read never
//     delivered: an entry too many is possible, one too few is not.)
//   - head advances only after the fdatasync succeeded. A failed write or
//     fdatasync stops the log for good (failed): no later entry can chain
//     to lines that may not be on disk, and the callers of that batch get
//     the error.
//   - Each request is claimed once (reqPending → reqClaimed) and written
//     once; one that its caller cancelled first is never written. So a
//     read served after Append returned nil has exactly one entry.
func (l *Log) writer() {
	defer close(l.writerDone)
	var (
		spare []*request
		buf   []byte
	)
	for {
		l.mu.Lock()
		batch := l.queue
		l.queue = spare
		closed, failed := l.closed, l.failed
		head := l.head
		l.mu.Unlock()
		if len(batch) == 0 {
			spare = batch
			if closed {
				return
			}
			<-l.wake
			continue
		}
		buf = l.commit(batch, head, failed, buf[:0])
		clear(batch)
		spare = batch[:0]
	}
}

// commit writes one batch. It returns buf for reuse.
func (l *Log) commit(batch []*request, head ref, failed error, buf []byte) []byte {
	if failed != nil {
		for _, r := range batch {
			if r.state.CompareAndSwap(reqPending, reqClaimed) {
				r.done <- result{err: failed}
			}
		}
		return buf
	}
	now := l.opts.Now().UTC()
	taken := batch[:0]
	for _, r := range batch {
		if !r.state.CompareAndSwap(reqPending, reqClaimed) {
			continue // cancelled by its caller
		}
		e := r.ev
		e.Seq, e.Prev = head.seq+1, head.hash
		if e.Time.IsZero() {
			e.Time = now
		}
		line, h, err := encode(&e)
		if err == nil && len(line) > maxLine {
			err = fmt.Errorf("entry of %d bytes is longer than %d: %w", len(line), maxLine, ErrInvalidEvent)
		}
		if err != nil {
			r.done <- result{err: fmt.Errorf("append audit event: %w", err)}
			continue
		}
		e.Hash = h
		r.ev = e
		head = ref{e.Seq, h}
		buf = append(buf, line...)
		taken = append(taken, r)
	}
	if len(taken) == 0 {
		return buf
	}
	_, err := l.f.Write(buf)
	if err == nil {
		err = l.opts.syncFile(l.f)
	}
	l.mu.Lock()
	if err != nil {
		l.failed = fmt.Errorf("write audit log %s (log stopped, reopen it): %w", l.path, err)
		err = l.failed
		l.mu.Unlock()
		l.log.Error("audit: write failed; appends refused until reopened", keyPath, l.path, keyErr, err)
		for _, r := range taken {
			r.done <- result{err: err}
		}
		return buf
	}
	if l.head.seq == l.sealed.seq {
		l.pendingSince = now
	}
	l.head = head
	l.size += int64(len(buf))
	l.syncs.Add(1)
	l.synced.Add(uint64(len(taken)))
	due := l.dueLocked(now)
	l.mu.Unlock()
	for _, r := range taken {
		r.done <- result{ev: r.ev}
	}
	// Yield (not wait) so that the appenders just released can queue their
	// next entries before the writer takes the queue: this roughly doubles
	// the entries per fsync under load and adds no delay when idle.
	runtime.Gosched()
	if due {
		select {
		case l.sealKick <- struct{}{}:
		default:
		}
	}
	return buf
}

// dueLocked reports whether the background sealer should seal now.
func (l *Log) dueLocked(now time.Time) bool {
	pending := l.head.seq - l.sealed.seq
	if pending == 0 {
		return false
	}
	if !l.sealFailedAt.IsZero() && now.Sub(l.sealFailedAt) < sealRetry {
		return false
	}
	return pending >= uint64(l.opts.SealEvery) || now.Sub(l.pendingSince) >= l.opts.SealInterval
}

// Close stops the background sealer, lets the writer finish what is queued,
// waits for a Seal in progress and closes the file. It does not seal: call
// Seal first to seal the tail now; otherwise the next Open's sealer does.
// Close returns the sticky write error, if the log had one. Appends after
// Close fail with ErrClosed.
func (l *Log) Close() error {
	l.closeOnce.Do(func() {
		l.mu.Lock()
		l.closed = true
		l.mu.Unlock()
		select {
		case l.wake <- struct{}{}:
		default:
		}
		<-l.writerDone
		l.stopSealer()
		<-l.sealerDone
		l.sealMu.Lock()
		defer l.sealMu.Unlock()
		l.fileGone = true
		l.mu.Lock()
		failed := l.failed
		l.mu.Unlock()
		if err := l.f.Close(); err != nil {
			l.closeErr = fmt.Errorf("close audit log %s: %w", l.path, err)
		} else {
			l.closeErr = failed
		}
	})
	return l.closeErr
}
