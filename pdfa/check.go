package pdfa

// The PDF/A-2b checker. It parses with its own small, tolerant PDF reader
// (check_*.go) because the clauses on file structure (6.1.2 to 6.1.9) are
// about the bytes as written — header comment, EOL markers, single spaces,
// odd hex digits — which general-purpose parsers normalise away, and
// because every loop and allocation must be charged to a budget. The
// clauses (clause_*.go) walk the catalog, pages, content streams, fonts,
// annotations and XMP metadata. Isolation (sandbox*.go) runs the parser
// in a worker subprocess with rlimits, or in-process for small files.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Clause is a clause number of ISO 19005-2, such as "6.1.2" or "6.2.4.3".
type Clause string

// Violation is one breach of a clause. Object names where it was found when
// that is known ("page 2 image Im1", "object 12"); it may be empty.
type Violation struct {
	Clause  Clause `json:"clause"`
	Message string `json:"message"`
	Object  string `json:"object,omitempty"`
}

// Report is the outcome of checking one file against PDF/A-2 level b.
// Part and Conformance are what the file claims in its XMP metadata
// (pdfaid:part, pdfaid:conformance); 0 and "" when it claims nothing.
// Violations are sorted by clause; an empty list means the file conforms
// as far as this checker can tell. Advisories are findings ISO 19005-2
// level b does not require (such as an Info dictionary that disagrees
// with the XMP metadata, which PDF/A-1 forbade); they never affect OK.
type Report struct {
	Part        int    `json:"part"`
	Conformance string `json:"conformance"`
	// Pages is the number of pages in the page tree.
	Pages      int         `json:"pages"`
	Violations []Violation `json:"violations"`
	Advisories []Violation `json:"advisories,omitempty"`
}

// OK reports whether the file met every rule checked.
func (r *Report) OK() bool { return r != nil && len(r.Violations) == 0 }

// Clauses returns the distinct violated clauses in order.
func (r *Report) Clauses() []Clause {
	var out []Clause
	seen := map[Clause]bool{}
	for _, v := range r.Violations {
		if !seen[v.Clause] {
			seen[v.Clause] = true
			out = append(out, v.Clause)
		}
	}
	return out
}

// CheckOptions bounds one check. A nil *CheckOptions or a zero field means
// the default.
type CheckOptions struct {
	// MaxBytes refuses larger inputs before any parsing (default 256 MiB).
	MaxBytes int64
	// Timeout bounds the whole check (default 30 s); the caller's context
	// deadline applies too, whichever comes first.
	Timeout time.Duration
	// MaxMemory bounds the bytes of decoded stream data and parsed
	// objects (default 512 MiB). The worker process also gets RLIMIT_AS of
	// MaxMemory + 4 GiB and RLIMIT_CPU of Timeout + 1 s as a backstop.
	MaxMemory int64
	// Isolation chooses where the parser runs; see Isolation.
	Isolation Isolation
}

// Isolation says where Check runs the parser.
type Isolation int

const (
	// IsolationAuto runs small, structurally sound files in-process under
	// a 64 MiB decode budget and everything else (or what exceeds that
	// budget) in a worker subprocess, when RunWorkerIfRequested was called
	// at start-up; without a worker it runs in-process.
	IsolationAuto Isolation = iota
	// IsolationInProcess always parses in a recover-guarded goroutine.
	IsolationInProcess
	// IsolationSubprocess always parses in a worker subprocess with
	// rlimits; it fails with ErrCheckerFailed when no worker is available.
	IsolationSubprocess
)

// Errors returned by Check when a file cannot be checked at all. Test with
// errors.Is.
var (
	ErrNotPDF        = errors.New("not a pdf file")
	ErrTooLarge      = errors.New("pdf file too large")
	ErrTooComplex    = errors.New("pdf file exceeds the memory or complexity budget")
	ErrTimeout       = errors.New("pdf check exceeded its deadline")
	ErrCheckerFailed = errors.New("pdf checker failed")
)

const (
	defaultMaxBytes  = 256 << 20
	defaultTimeout   = 30 * time.Second
	defaultMaxMemory = 512 << 20
)

func (o *CheckOptions) withDefaults() CheckOptions {
	var r CheckOptions
	if o != nil {
		r = *o
	}
	if r.MaxBytes <= 0 {
		r.MaxBytes = defaultMaxBytes
	}
	if r.Timeout <= 0 {
		r.Timeout = defaultTimeout
	}
	if r.MaxMemory <= 0 {
		r.MaxMemory = defaultMaxMemory
	}
	return r
}

// Check checks data against ISO 19005-2 level b and returns the violated
// clauses. It returns an error only when the file cannot be checked at all:
// ErrTooLarge, ErrNotPDF, ErrTooComplex, ErrTimeout or ErrCheckerFailed.
// Check never panics and returns within the timeout (plus a short grace
// for the worker to be killed); it is safe for concurrent use. Cancelling
// ctx stops the check with ErrTimeout.
func Check(ctx context.Context, data []byte, opts *CheckOptions) (*Report, error) {
	o := opts.withDefaults()
	if int64(len(data)) > o.MaxBytes {
		return nil, fmt.Errorf("check pdf: %w: %d bytes, limit %d", ErrTooLarge, len(data), o.MaxBytes)
	}
	if !looksLikePDF(data) {
		return nil, fmt.Errorf("check pdf: %w: no %%PDF- header in the first 1024 bytes", ErrNotPDF)
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	switch o.Isolation {
	case IsolationInProcess:
		return checkInProcess(ctx, data, o)
	case IsolationSubprocess:
		return checkInWorker(ctx, data, o)
	}
	if !workerEnabled() {
		return checkInProcess(ctx, data, o)
	}
	if !fastPathEligible(data) {
		return checkInWorker(ctx, data, o)
	}
	// The fast path keeps the caller's memory small; a file that needs more
	// gets the full budget in the worker.
	fast := o
	fast.MaxMemory = min(o.MaxMemory, fastPathMaxMemory)
	r, err := checkInProcess(ctx, data, fast)
	if errors.Is(err, ErrTooComplex) && fast.MaxMemory < o.MaxMemory {
		return checkInWorker(ctx, data, o)
	}
	return r, err
}

// checkInProcess runs the parser in a goroutine guarded by recover, so a
// bug cannot crash the caller; the budget stops runaway work and memory.
func checkInProcess(ctx context.Context, data []byte, o CheckOptions) (*Report, error) {
	type result struct {
		r   *Report
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{nil, fmt.Errorf("check pdf: %w: %v", ErrCheckerFailed, p)}
			}
		}()
		r, err := runCheck(ctx, data, o.MaxMemory)
		done <- result{r, err}
	}()
	select {
	case res := <-done:
		return res.r, res.err
	case <-ctx.Done():
		// The parser checks ctx often; give it a moment to notice.
		select {
		case res := <-done:
			return res.r, res.err
		case <-time.After(100 * time.Millisecond):
			return nil, fmt.Errorf("check pdf: %w", ErrTimeout)
		}
	}
}

// runCheck parses data and applies every clause.
func runCheck(ctx context.Context, data []byte, maxMem int64) (*Report, error) {
	b := &budget{ctx: ctx, maxMem: maxMem}
	d, err := openDocument(data, b)
	if err != nil {
		return nil, err
	}
	if err := d.checkAll(); err != nil {
		return nil, err
	}
	rep := &Report{Part: d.part, Conformance: d.conformance, Pages: d.pages, Violations: d.found.list, Advisories: d.advisories}
	sort.SliceStable(rep.Violations, func(i, j int) bool {
		return clauseLess(rep.Violations[i].Clause, rep.Violations[j].Clause)
	})
	return rep, nil
}

func clauseLess(a, b Clause) bool {
	as, bs := strings.Split(string(a), "."), strings.Split(string(b), ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		if as[i] != bs[i] {
			if len(as[i]) != len(bs[i]) {
				return len(as[i]) < len(bs[i])
			}
			return as[i] < bs[i]
		}
	}
	return len(as) < len(bs)
}

// looksLikePDF is the cheapest test: a %PDF- marker near the start.
func looksLikePDF(data []byte) bool {
	return bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-"))
}

// findings collects violations, one per clause and message.
type findings struct {
	list []Violation
	seen map[string]bool
}

func (f *findings) add(c Clause, msg, obj string) {
	if f.seen == nil {
		f.seen = map[string]bool{}
	}
	k := string(c) + "\x00" + msg
	if f.seen[k] {
		return
	}
	f.seen[k] = true
	f.list = append(f.list, Violation{Clause: c, Message: msg, Object: obj})
}
