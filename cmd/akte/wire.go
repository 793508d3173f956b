package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"akte/archive"
	"akte/archive/audit"
	"akte/archive/catalog"
	"akte/archive/store"
	"akte/archive/store/filestore"
	"akte/archive/store/s3store"
	"akte/pdfa"
	"akte/retention"
	"akte/search"
	"akte/web/auth"
)

// globals are the flags every command accepts.
type globals struct {
	data, config string
	json         bool
	// getenv reads the environment (tests replace it).
	getenv func(string) string
	// stdin is standard input (nil: os.Stdin; tests replace it).
	stdin io.Reader
}

func (g *globals) input() io.Reader {
	if g.stdin == nil {
		return os.Stdin
	}
	return g.stdin
}

func (g *globals) addFlags(fs *flag.FlagSet) {
	fs.StringVar(&g.data, "data", g.data, "data `DIR` (default ./akte-data)")
	fs.StringVar(&g.config, "config", g.config, "YAML configuration `FILE`")
	fs.BoolVar(&g.json, "json", g.json, "machine-readable output")
}

// parse reads the global flags before the command name.
func (g *globals) parse(args []string) ([]string, error) {
	fs := flag.NewFlagSet("akte", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	g.addFlags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return []string{"help"}, nil
		}
		return nil, usageError{err.Error()}
	}
	return fs.Args(), nil
}

// usageError is a bad command line (exit 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// errReported: the command already told the user; exit non-zero quietly.
var errReported = errors.New("reported")

// exitError carries an explicit exit code for an already-reported outcome.
type exitError struct{ code int }

func (e exitError) Error() string   { return fmt.Sprintf("exit %d", e.code) }
func (e exitError) Is(t error) bool { return t == errReported }

// configError: the configuration or the store refused at start (exit 6).
type configError struct{ err error }

func (e configError) Error() string { return e.err.Error() }
func (e configError) Unwrap() error { return e.err }

// exitCode maps error kinds to exit codes: the one place that does.
func exitCode(err error) int {
	var ue usageError
	var ee exitError
	var ce configError
	switch {
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &ue):
		return exitUsage
	case errors.As(err, &ce), errors.Is(err, s3store.ErrNoObjectLock):
		return exitConfig
	case errors.Is(err, archive.ErrInvalid), errors.Is(err, archive.ErrRefused):
		return exitRefused
	case errors.Is(err, archive.ErrDisposed): // also ErrNotFound
		return exitDisposed
	case errors.Is(err, archive.ErrNotFound):
		return exitNotFound
	case errors.Is(err, archive.ErrCorrupt), errors.Is(err, audit.ErrTampered):
		return exitIntegrity
	case errors.Is(err, archive.ErrConflict):
		return exitConflict
	case errors.Is(err, archive.ErrUnavailable):
		return exitUnavailable
	case errors.Is(err, archive.ErrForbidden):
		return exitRefused
	case errors.Is(err, auth.ErrInvalid):
		return exitRefused
	case errors.Is(err, auth.ErrNotFound):
		return exitNotFound
	case errors.Is(err, auth.ErrExists):
		return exitConflict
	}
	return exitFailure
}

// newFlagSet makes a command's flag set with the global flags, and a usage
// text that lists them.
func newFlagSet(g *globals, name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: akte %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	g.addFlags(fs)
	return fs
}

// parseArgs parses flags anywhere among the arguments ("akte ingest FILE
// --citizen X") and returns the positional arguments.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, exitError{exitOK}
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// env reads an environment variable through getenv (os.Getenv if unset).
func (g *globals) env(name string) string {
	if g.getenv == nil {
		return os.Getenv(name)
	}
	return g.getenv(name)
}

// loadConfig builds the configuration: defaults, file, environment, flags.
func (g *globals) loadConfig() (*Config, error) {
	cfg := Default()
	path := g.config
	if path == "" {
		path = g.env("AKTE_CONFIG")
	}
	if path != "" {
		f, err := os.Open(path)
		if err != nil {
			return nil, configError{fmt.Errorf("open config: %w", err)}
		}
		err = cfg.Load(f)
		f.Close()
		if err != nil {
			return nil, configError{fmt.Errorf("%s: %w", path, err)}
		}
	}
	if err := cfg.ApplyEnv(g.env); err != nil {
		return nil, configError{err}
	}
	if g.data != "" {
		cfg.Data = g.data
	}
	if err := cfg.Validate(); err != nil {
		return nil, configError{err}
	}
	return &cfg, nil
}

// openStore opens the configured backend. Only this package knows the
// backends.
func openStore(ctx context.Context, cfg *Config, log *slog.Logger) (store.Store, func() error, error) {
	switch cfg.Store.Backend {
	case "s3":
		s, err := s3store.New(ctx, cfg.s3(), log)
		if err != nil {
			return nil, nil, configError{fmt.Errorf("open s3 store: %w", err)}
		}
		return s, func() error { return nil }, nil
	default:
		s, err := filestore.Open(filepath.Join(cfg.Data, "store"), &filestore.Options{DefaultMode: cfg.Store.Mode, Logger: log})
		if err != nil {
			return nil, nil, configError{err}
		}
		if n := len(s.Recovered); n > 0 {
			log.Warn("removed leftovers of interrupted writes", "count", n)
		}
		return s, s.Close, nil
	}
}

// openArchive loads the configuration and opens the archive (see
// openArchiveConfig).
func openArchive(ctx context.Context, g *globals, stderr io.Writer, tune func(*archive.Options)) (*archive.Archive, archive.ReconcileReport, func() error, error) {
	cfg, err := g.loadConfig()
	if err != nil {
		return nil, archive.ReconcileReport{}, nil, err
	}
	return openArchiveConfig(ctx, cfg, newLogger(stderr, g.json), tune)
}

// withArchive opens the archive, runs f on it and closes it again.
func withArchive(ctx context.Context, g *globals, stderr io.Writer, f func(*archive.Archive) error) error {
	a, _, closeArchive, err := openArchive(ctx, g, stderr, nil)
	if err != nil {
		return err
	}
	err = f(a)
	return errors.Join(err, closeArchive())
}

// openArchiveConfig opens the store, the seal, the search index and the
// archive; close releases them all.
func openArchiveConfig(ctx context.Context, cfg *Config, log *slog.Logger, tune func(*archive.Options)) (_ *archive.Archive, _ archive.ReconcileReport, _ func() error, err error) {
	st, closeAll, err := openStore(ctx, cfg, log)
	if err != nil {
		return nil, archive.ReconcileReport{}, nil, err
	}
	defer func() {
		if err != nil {
			closeAll()
		}
	}()
	seal, err := loadSeal(cfg, log, time.Now())
	if err != nil {
		return nil, archive.ReconcileReport{}, nil, err
	}
	sl, trust, err := sealer(cfg, seal)
	if err != nil {
		return nil, archive.ReconcileReport{}, nil, err
	}
	sched, schedID, err := cfg.schedule()
	if err != nil {
		return nil, archive.ReconcileReport{}, nil, err
	}
	rolling, _ := retention.ParsePeriod(cfg.Retention.RollingLock) // checked by Validate
	opts := archive.Options{
		Sealer: sl, Trust: trust,
		Store: st, Dir: cfg.Data, MaxBytes: cfg.Ingest.MaxBytes,
		Schedule: sched, ScheduleID: schedID, RollingLock: rolling,
		CertificateLock: time.Duration(cfg.Retention.CertificateLockYears) * 365 * 24 * time.Hour,
		AuditSealEvery:  cfg.Audit.SealEvery, AuditSealInterval: cfg.Audit.SealInterval, Logger: log,
		OCR: ocrOptions(cfg.OCR, log),
	}
	if tune != nil {
		tune(&opts)
	}
	if opts.Search, opts.SearchRebuild, err = openSearch(cfg, log, opts.Rebuild); err != nil {
		return nil, archive.ReconcileReport{}, nil, err
	}
	closeAll = closeAfter(opts.Search.Close, closeAll)
	a, rep, err := archive.Open(ctx, opts)
	if err != nil {
		if errors.Is(err, catalog.ErrSchema) || errors.Is(err, catalog.ErrBusy) {
			err = configError{err}
		}
		return nil, rep, nil, err
	}
	return a, rep, closeAfter(closeAll, a.Close), nil
}

// cliActor is who runs a command, for the audit log.
func cliActor(g *globals) archive.Actor {
	name := g.env("USER")
	if name == "" {
		name = "unknown"
	}
	return archive.Actor{Name: "cli:" + name, Role: archive.RoleOperator}
}

// openSearch opens the search index under DATA/index; fresh reports a new
// or recreated index, to be filled from the bucket. An index that cannot be
// opened or has another schema is moved aside and rebuilt (the index is
// derived data); rebuild (akte reindex) starts a new one.
func openSearch(cfg *Config, log *slog.Logger, rebuild bool) (idx *search.Index, fresh bool, err error) {
	dir := filepath.Join(cfg.Data, "index")
	if rebuild {
		if err := os.RemoveAll(dir); err != nil {
			return nil, false, fmt.Errorf("reindex: remove the old search index: %w", err)
		}
	}
	idx, rec, err := search.OpenOrRecreate(dir, nil)
	if err != nil {
		if errors.Is(err, search.ErrLocked) {
			return nil, false, configError{fmt.Errorf("search index %s is in use by another akte process: %w", dir, err)}
		}
		return nil, false, fmt.Errorf("open search index: %w", err)
	}
	if rec != nil && rec.MovedTo != "" {
		log.Warn("the search index could not be used; moved aside, rebuilding from the store", "moved_to", rec.MovedTo, "cause", rec.Cause)
	}
	return idx, rec != nil, nil
}

// closeAfter runs second after first, joining their errors.
func closeAfter(second, first func() error) func() error {
	return func() error { return errors.Join(first(), second()) }
}

// ocrOptions turns the ocr section into the archive's OCR options; nil
// means scans are archived without text.
func ocrOptions(c OCRConfig, log *slog.Logger) *pdfa.OCROptions {
	o := &pdfa.OCROptions{Languages: c.Languages, Timeout: c.PageTimeout, Rotate: c.Rotate}
	switch c.Mode {
	case "off":
		return nil
	case "auto":
		if _, err := exec.LookPath("tesseract"); err != nil {
			log.Warn("tesseract not found: scans are archived without text (install tesseract-ocr tesseract-ocr-deu, or set ocr.mode)")
			return nil
		}
	}
	return o
}
