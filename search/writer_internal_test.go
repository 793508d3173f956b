package search

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"testing"
	"time"
)

// TestWriteErrorSurfaces breaks the Bleve index under the writer: the failed documents are
// named in a *WriteError, once, by the next call.
func TestWriteErrorSurfaces(t *testing.T) {
	ix, err := Open(t.TempDir()+"/index", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	mk := func(n int) Doc {
		return Doc{ID: fmt.Sprintf("01J%023d", n), Citizen: "C1", Class: "tax", Source: "scan",
			Status: StatusActive, Text: "Bescheid", Created: time.Now()}
	}
	ix.b.Close() // every commit fails from now on
	for n := range 3 {
		if err := ix.Put(ctx, mk(n)); err != nil {
			t.Fatal(err)
		}
	}
	err = ix.Flush(ctx)
	var we *WriteError
	if !errors.As(err, &we) || !slices.Equal(we.IDs, []string{mk(0).ID, mk(1).ID, mk(2).ID}) || we.Err == nil {
		t.Fatalf("flush: %v, want a *WriteError naming the three documents", err)
	}
	if err := ix.Flush(ctx); err != nil {
		t.Errorf("reported twice: %v", err)
	}
	// Without Flush, the next Put reports it and is not queued itself.
	if err := ix.Delete(ctx, mk(0).ID); err != nil {
		t.Fatal(err)
	}
	for pending := false; !pending; time.Sleep(time.Millisecond) {
		ix.errMu.Lock()
		pending = ix.werr != nil
		ix.errMu.Unlock()
	}
	err = ix.Put(ctx, mk(9))
	if !errors.As(err, &we) || !slices.Equal(we.IDs, []string{mk(0).ID}) {
		t.Errorf("put: %v, want a *WriteError naming the deleted document", err)
	}
	if err := ix.Flush(ctx); err != nil {
		t.Errorf("the put that reported the error was queued: %v", err)
	}
	// Stop the writer by hand: closing the Bleve index twice would panic.
	close(ix.quit)
	close(ix.stop)
	<-ix.done
}

func TestWriteErrorBounded(t *testing.T) {
	var we WriteError
	ids := make([]string, 6000)
	we.add(ids, errors.New("first"))
	we.add(ids, errors.New("second"))
	if len(we.IDs) != maxReportedIDs || we.Omitted != 2000 || we.Err.Error() != "first" {
		t.Errorf("%d IDs, %d omitted, %v", len(we.IDs), we.Omitted, we.Err)
	}
}

// TestUseGCPercent: akte runs with GCPercent and a soft memory limit of memoryPart of the
// machine's memory unless GOGC and GOMEMLIMIT say otherwise, and puts both back after.
func TestUseGCPercent(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	total := memTotal()
	if total < 1<<20 {
		t.Fatalf("memTotal read %d bytes from /proc/meminfo", total)
	}
	gc, limit := debug.SetGCPercent(-1), debug.SetMemoryLimit(-1)
	debug.SetGCPercent(gc)
	restore := UseGCPercent()
	if got := debug.SetGCPercent(-1); got != GCPercent {
		t.Errorf("GC percent %d, want %d", got, GCPercent)
	}
	debug.SetGCPercent(GCPercent)
	if got, want := debug.SetMemoryLimit(-1), int64(float64(total)*memoryPart); got != want {
		t.Errorf("memory limit %d, want %d", got, want)
	}
	restore()
	if got := debug.SetGCPercent(-1); got != gc {
		t.Errorf("GC percent %d after restore, was %d", got, gc)
	}
	debug.SetGCPercent(gc)
	if got := debug.SetMemoryLimit(-1); got != limit {
		t.Errorf("memory limit %d after restore, was %d", got, limit)
	}

	t.Setenv("GOGC", "150")
	t.Setenv("GOMEMLIMIT", "1GiB")
	restore = UseGCPercent()
	if got := debug.SetGCPercent(-1); got != gc {
		t.Errorf("GC percent %d with GOGC set, want it left at %d", got, gc)
	}
	debug.SetGCPercent(gc)
	if got := debug.SetMemoryLimit(-1); got != limit {
		t.Errorf("memory limit %d with GOMEMLIMIT set, want it left at %d", got, limit)
	}
	restore()
}
