package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"akte/archive"
	"akte/archive/importer"
)

type importOptions struct {
	manifest, journal, report, source string
	watch                             bool
	workers                           int
	interval, settle                  time.Duration
}

func cmdImport(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	var o importOptions
	fs := newFlagSet(g, "import", "import DIR [--manifest FILE.csv] [--watch] [--workers N] [--report FILE.csv]", stderr)
	fs.StringVar(&o.manifest, "manifest", "", "CSV `FILE` listing each file: header file,citizen,class[,date][,title][,fact:NAME]… (commas or semicolons); without it each file's name is CITIZEN_CLASS_YYYY-MM-DD_TITLE.ext")
	fs.BoolVar(&o.watch, "watch", false, "hot folder: keep watching DIR for scanner output; archived files move to DIR/done/, refused ones to DIR/failed/ with a .reason.txt")
	fs.IntVar(&o.workers, "workers", runtime.NumCPU(), "files ingested in parallel (each runs one OCR process)")
	fs.StringVar(&o.journal, "journal", "", "journal `FILE` that lets a re-run continue (default DATA/imports/<folder key>/journal.jsonl)")
	fs.StringVar(&o.report, "report", "", "CSV report `FILE` of every file's outcome (default beside the journal)")
	fs.StringVar(&o.source, "source", "scan", "source recorded on each record: scan or import")
	fs.DurationVar(&o.interval, "interval", 2*time.Second, "with --watch: how often to look into DIR")
	fs.DurationVar(&o.settle, "settle", 5*time.Second, "with --watch: how long a file must stay unchanged before it is taken")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"import takes exactly one folder DIR"}
	}
	if o.workers < 1 || o.workers > 256 {
		return usageError{"--workers must be between 1 and 256"}
	}
	if src := archive.Source(o.source); src != archive.SourceScan && src != archive.SourceImport {
		return usageError{"--source must be scan or import"}
	}
	dir, err := filepath.Abs(pos[0])
	if err != nil {
		return usageError{err.Error()}
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return &archive.FieldError{Kind: archive.ErrInvalid, Field: "folder", Reason: pos[0] + " is not a folder"}
	}
	if o.manifest != "" {
		if o.manifest, err = filepath.Abs(o.manifest); err != nil {
			return usageError{err.Error()}
		}
	}
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	if o.journal == "" {
		key := sha256.Sum256([]byte(dir + "\n" + o.manifest))
		o.journal = filepath.Join(cfg.Data, "imports", filepath.Base(dir)+"-"+hex.EncodeToString(key[:6]), "journal.jsonl")
	}
	if o.report == "" {
		o.report = filepath.Join(filepath.Dir(o.journal), "report.csv")
	}
	a, _, closeArchive, err := openArchiveConfig(ctx, cfg, newLogger(stderr, g.json), nil)
	if err != nil {
		return err
	}
	defer closeArchive()
	opts := importer.Options{
		Dir: dir, Manifest: o.manifest, Journal: o.journal, Workers: o.workers,
		Source: archive.Source(o.source), Actor: cliActor(g), MaxBytes: int64(cfg.Ingest.MaxBytes),
	}
	if o.watch {
		return runWatch(ctx, a, importer.WatchOptions{Options: opts, Interval: o.interval, Settle: o.settle}, stdout, stderr)
	}
	p := newProgressPrinter(stderr)
	opts.Progress = p.update
	sum, err := importer.Run(ctx, a, opts)
	p.finish()
	if len(sum.Entries) == 0 && err != nil {
		return err // nothing started: a bad folder or manifest
	}
	if rerr := importer.WriteReport(o.report, sum.Entries); rerr != nil {
		err = errors.Join(err, rerr)
	}
	if g.json {
		if jerr := writeJSON(stdout, importJSON(sum, o)); jerr != nil {
			return jerr
		}
	} else {
		fmt.Fprintf(stdout, "%s\nreport: %s\n", sum, o.report)
	}
	if err != nil && !errors.Is(err, importer.ErrFailed) && sum.Pending > 0 {
		fmt.Fprintln(stderr, "akte: the import stopped; run the same command again to continue where it stopped")
	}
	return err
}

type importSummary struct {
	Files    int    `json:"files"`
	Archived int    `json:"archived"`
	Existing int    `json:"existing"`
	Earlier  int    `json:"earlier"`
	Failed   int    `json:"failed"`
	Pending  int    `json:"pending"`
	Pages    int    `json:"pages"`
	Seconds  int64  `json:"seconds"`
	Report   string `json:"report"`
	Journal  string `json:"journal"`
}

func importJSON(s importer.Summary, o importOptions) importSummary {
	return importSummary{Files: len(s.Entries), Archived: s.Archived, Existing: s.Existing, Earlier: s.Earlier,
		Failed: s.Failed, Pending: s.Pending, Pages: s.Pages, Seconds: int64(s.Elapsed.Seconds()), Report: o.report, Journal: o.journal}
}

// runWatch watches a hot folder until interrupted, logging each file.
func runWatch(ctx context.Context, a importer.Archiver, o importer.WatchOptions, stdout, stderr io.Writer) error {
	var mu sync.Mutex
	o.Progress = func(p importer.Progress) {
		e := p.Last
		mu.Lock()
		defer mu.Unlock()
		switch e.Outcome {
		case importer.Archived:
			fmt.Fprintf(stdout, "archived %s → %s (%d pages) → %s/\n", e.File, e.Record, e.Pages, importer.DoneDir)
		case importer.Failed:
			fmt.Fprintf(stdout, "failed   %s: %s → %s/\n", e.File, e.Reason, importer.FailedDir)
		}
	}
	o.Errorf = func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(stderr, "akte: "+format+"\n", args...)
	}
	fmt.Fprintf(stderr, "akte: watching %s (every %s; done/ and failed/ inside it); Ctrl-C stops\n", o.Dir, o.Interval)
	return importer.Watch(ctx, a, o)
}

// progressPrinter shows an import's progress: one line redrawn in place
// on a terminal, a plain line every 10 s otherwise; failures always get a
// line of their own.
type progressPrinter struct {
	w     io.Writer
	tty   bool
	last  time.Time
	drawn bool
}

func newProgressPrinter(w io.Writer) *progressPrinter {
	f, ok := w.(*os.File)
	return &progressPrinter{w: w, tty: ok && isTerminal(f)}
}

func (p *progressPrinter) update(pr importer.Progress) {
	if pr.Last.Outcome == importer.Failed {
		p.clear()
		fmt.Fprintf(p.w, "akte: failed: %s: %s\n", pr.Last.File, pr.Last.Reason)
	}
	every := 10 * time.Second
	if p.tty {
		every = 200 * time.Millisecond
	}
	if now := time.Now(); now.Sub(p.last) >= every || pr.Done == pr.Files {
		p.last = now
		line := progressLine(pr)
		if p.tty {
			fmt.Fprintf(p.w, "\r%s\x1b[K", line)
			p.drawn = true
		} else {
			fmt.Fprintf(p.w, "akte: import: %s\n", line)
		}
	}
}

func (p *progressPrinter) clear() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}

func (p *progressPrinter) finish() {
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}

// progressLine is "[#####-----] 37/120 files · 2 failed · 84 pages · 31.5 pages/min · ETA 3m10s".
func progressLine(p importer.Progress) string {
	const width = 20
	n := 0
	if p.Files > 0 {
		n = p.Done * width / p.Files
	}
	var b strings.Builder
	fmt.Fprintf(&b, "[%s%s] %d/%d files", strings.Repeat("#", n), strings.Repeat("-", width-n), p.Done, p.Files)
	if p.Failed > 0 {
		fmt.Fprintf(&b, " · %d failed", p.Failed)
	}
	fmt.Fprintf(&b, " · %d pages · %.1f pages/min", p.Pages, p.PagesMin)
	if p.ETA > 0 {
		fmt.Fprintf(&b, " · ETA %s", p.ETA.Round(time.Second))
	}
	return b.String()
}
