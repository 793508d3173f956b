package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"akte/web"
)

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
	defer ln.Close() // on an early return; Shutdown closes it otherwise
	users, err := openAuth(cfg)
	if err != nil {
		return err
	}
	defer users.Close()
	if empty, err := users.Empty(ctx); err == nil && empty {
		log.Warn("no users or API tokens exist: the API refuses every request; stop the server and run 'akte users add NAME --role ROLE' or 'akte users token add NAME --role ROLE'")
	}
	api := web.New(a, &web.Options{MaxBytes: cfg.Ingest.MaxBytes, Logger: log, Auth: users, TLS: cfg.tls(),
		RateLimit: cfg.Server.RateLimit, RateBurst: cfg.Server.RateBurst, ImportDir: filepath.Join(cfg.Data, "imports", "api")})
	defer func() { // before the archive closes: import jobs stop, their remaining files pending
		ctx, cancel := context.WithTimeout(context.Background(), cfg.Server.ShutdownGrace)
		defer cancel()
		if err := api.Close(ctx); err != nil {
			log.Error("import jobs did not stop", "err", err)
		}
	}()
	sc := cfg.Server
	srv := &http.Server{Handler: api, ReadHeaderTimeout: sc.ReadHeaderTimeout, ReadTimeout: sc.ReadTimeout,
		WriteTimeout: sc.WriteTimeout, IdleTimeout: sc.IdleTimeout, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	scheme := "http"
	if cfg.tls() {
		scheme = "https"
		// Load the pair now, so that a bad file fails the start, not the first request.
		cert, err := tls.LoadX509KeyPair(sc.TLSCert, sc.TLSKey)
		if err != nil {
			return configError{fmt.Errorf("config server.tls_cert, server.tls_key: %w", err)}
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	fmt.Fprintf(stdout, "akte: serving %s on %s://%s (store: %s, %d records added by reconciliation, %d orphaned objects)\n",
		cfg.Data, scheme, ln.Addr(), cfg.Store.Backend, rep.Added, len(rep.Orphans))
	go func() { // facet values decoded and the frequent words' impact lists built before the first clerk asks (about 20 s per million records)
		if err := a.WarmSearch(ctx); err != nil && ctx.Err() == nil {
			log.Warn("search index not warmed; the first faceted searches are slower", "err", err)
		}
	}()
	stopSweeper := startSweeper(a, cfg.Retention.SweepInterval, min(firstSweepDelay, cfg.Retention.SweepInterval), sc.ShutdownGrace, log)
	defer stopSweeper() // before the archive closes
	errc := make(chan error, 1)
	go func() {
		if cfg.tls() {
			errc <- srv.ServeTLS(ln, "", "")
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Shut down: /readyz answers 503 for the drain time while requests are
	// still served; then the listener closes and requests in flight —
	// ingests above all — finish and are acknowledged (for up to the grace
	// time); then the sweeper stops, and the deferred closes run: the auth
	// store, the archive (audit log, catalog), the store.
	api.SetReady(false)
	log.Info("shutting down: not ready, finishing requests in flight", "drain", sc.ShutdownDrain, "grace", sc.ShutdownGrace)
	time.Sleep(sc.ShutdownDrain)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), sc.ShutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		srv.Close()
		return fmt.Errorf("shut down: requests still running after %v: %w", sc.ShutdownGrace, err)
	}
	stopSweeper()
	fmt.Fprintln(stdout, "akte: stopped")
	return nil
}

// tls reports whether the server speaks HTTPS.
func (c *Config) tls() bool { return c.Server.TLSCert != "" }
