package filestore

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"akte/archive/store"
)

// TestListLeavesCacheAlone: a listing touches every object once; it reads cached metadata but
// does not add to the cache, which keeps what reads use.
func TestListLeavesCacheAlone(t *testing.T) {
	s, err := Open(t.TempDir(), &Options{MetaCache: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	for i := range 5 {
		if _, err := s.Put(ctx, fmt.Sprintf("records/R%d/v1/a.pdf", i), strings.NewReader("x"), 1, store.PutOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	cached := func() int {
		s.cache.mu.Lock()
		defer s.cache.mu.Unlock()
		return len(s.cache.m)
	}
	list := func() int {
		n := 0
		for _, err := range s.List(ctx, "records/", "") {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		return n
	}
	if _, err := s.Stat(ctx, "records/R2/v1/a.pdf", ""); err != nil {
		t.Fatal(err)
	}
	before := cached()
	if n := list(); n != 5 {
		t.Fatalf("listed %d objects, want 5", n)
	}
	if after := cached(); after != before || before != 1 {
		t.Errorf("cached entries: %d before the listing, %d after; want 1 and 1", before, after)
	}
}
