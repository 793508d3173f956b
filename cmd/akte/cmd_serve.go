package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"akte/web"
)

// shutdownGrace is how long requests, and then a running sweep, may take
// to finish once the server is told to stop; then they are cancelled.
const shutdownGrace = 30 * time.Second

type serveOptions struct {
	listen string
}

func cmdServe(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	var o serveOptions
	fs := newFlagSet(g, "serve", "serve [--listen HOST:PORT]", stderr)
	fs.StringVar(&o.listen, "listen", "", "address to listen on (default 127.0.0.1:8080; env AKTE_LISTEN)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usageError{"serve takes no arguments"}
	}
	return runServe(ctx, g, o, stdout, stderr)
}

// runServe serves until ctx is cancelled (SIGINT/SIGTERM), then drains.
func runServe(ctx context.Context, g *globals, o serveOptions, stdout, stderr io.Writer) error {
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	if o.listen == "" {
		o.listen = cfg.Listen
	}
	log := newServerLogger(stderr, g.json)
	a, rep, closeArchive, err := openArchiveConfig(ctx, cfg, log, nil)
	if err != nil {
		return err
	}
	defer closeArchive()
	if sched, _, err := cfg.schedule(); err == nil && sched.Example {
		log.Warn("the retention schedule is the shipped EXAMPLE: adapt it (akte retention schedule) and set retention.schedule")
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return configError{fmt.Errorf("listen on %s: %w", o.listen, err)}
	}
	users, err := openAuth(cfg)
	if err != nil {
		return err
	}
	defer users.Close()
	if empty, err := users.Empty(ctx); err == nil && empty {
		log.Warn("no users or API tokens exist: the API refuses every request; stop the server and run 'akte users add NAME --role ROLE' or 'akte users token add NAME --role ROLE'")
	}
	api := web.New(a, &web.Options{MaxBytes: cfg.Ingest.MaxBytes, Logger: log, Auth: users})
	srv := &http.Server{Handler: api, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	fmt.Fprintf(stdout, "akte: serving %s on http://%s (store: %s, %d records added by reconciliation, %d orphaned objects)\n",
		cfg.Data, ln.Addr(), cfg.Store.Backend, rep.Added, len(rep.Orphans))
	stopSweeper := startSweeper(a, cfg.Retention.SweepInterval, min(firstSweepDelay, cfg.Retention.SweepInterval), shutdownGrace, log)
	defer stopSweeper() // before the archive closes
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	api.SetReady(false)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	stopSweeper()
	fmt.Fprintln(stdout, "akte: stopped")
	return nil
}
