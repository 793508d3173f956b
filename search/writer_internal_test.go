package search

import (
	"context"
	"errors"
	"fmt"
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
