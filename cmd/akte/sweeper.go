package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"akte/archive"
)

// firstSweepDelay is how long after start the server sweeps first: long
// enough for a restart loop not to sweep on every start.
const firstSweepDelay = 30 * time.Second

// Log attribute keys of the sweeper.
const (
	logKeyVisited  = "visited"
	logKeyActions  = "actions"
	logKeyFailed   = "failed"
	logKeyDuration = "duration"
	logKeyErr      = "err"
)

// startSweeper sweeps a in the background, first after first, then every
// interval after the previous sweep ended; interval 0 means never. stop
// (idempotent) waits for a running sweep to finish, and cancels it once
// grace has passed.
func startSweeper(a *archive.Archive, interval, first, grace time.Duration, log *slog.Logger) (stop func()) {
	if interval <= 0 {
		log.Info("retention sweeper off (retention.sweep_interval is 0); run akte retention sweep")
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTimer(first)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
			}
			sweepOnce(ctx, a, log)
			t.Reset(interval)
		}
	}()
	return sync.OnceFunc(func() {
		close(quit)
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-done:
		case <-t.C:
			log.Warn("retention sweep still running at shutdown: cancelled; the next sweep goes on")
			cancel()
			<-done
		}
		cancel()
	})
}

// sweepOnce runs one sweep and logs its summary: a warning when records
// failed, an error when the sweep stopped.
func sweepOnce(ctx context.Context, a *archive.Archive, log *slog.Logger) {
	rep, err := a.Sweep(ctx, archive.SweepOptions{Actor: archive.System})
	attrs := []any{logKeyVisited, rep.Visited, logKeyActions, sweepCounts(rep), logKeyDuration, rep.Duration.Round(time.Millisecond)}
	switch failed := rep.Counts[archive.ActionFailed]; {
	case err != nil:
		log.Error("retention sweep stopped; the next one goes on", append(attrs, logKeyErr, err)...)
	case failed > 0:
		log.Warn("retention sweep: records failed; retried next sweep", append(attrs, logKeyFailed, failed)...)
	default:
		log.Info("retention sweep", attrs...)
	}
}
