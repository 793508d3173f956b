package archive_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"akte/archive"
	"akte/archive/archivetest"
	"akte/archive/store/filestore"
	"akte/pdfa"
	"akte/search"
)

func openIndex(t *testing.T, dir string) (*search.Index, bool) {
	t.Helper()
	idx, rec, err := search.OpenOrRecreate(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	return idx, rec != nil
}

func formFor(t *testing.T, family, given string) []byte {
	t.Helper()
	var sub pdfa.Submission
	if err := json.Unmarshal(archivetest.FormSubmission(family), &sub); err != nil {
		t.Fatal(err)
	}
	sub.Values["given_names"] = given
	b, _ := json.Marshal(sub)
	return b
}

func hitIDs(t *testing.T, a *archive.Archive, q string) []string {
	t.Helper()
	res, err := a.Search(context.Background(), archive.SearchRequest{Query: q, Role: search.Clerk, Size: 100})
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	slices.Sort(ids)
	return ids
}

// Ingest feeds the index (form names give name precision); a fresh index
// rebuilt from the bucket answers every query the same.
func TestSearchIngestAndRebuild(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	idx, fresh := openIndex(t, filepath.Join(dir, "index"))
	if !fresh {
		t.Fatal("a new index directory must report that it needs filling")
	}
	a, st := archivetest.OpenDir(t, filepath.Join(dir, "state"), archive.Options{Converter: archive.PDFA{}, Search: idx})
	defer st.Close()
	ids := map[string]string{}
	for _, p := range []struct{ family, given string }{{"Müller", "Erika"}, {"Müll", "Hans"}, {"Schäfer", "Juergen"}} {
		res, err := a.Ingest(ctx, archive.IngestRequest{Citizen: archive.CitizenID("C-" + p.given), Class: "registration",
			Source: "portal", MediaType: archive.MediaForm, Body: bytes.NewReader(formFor(t, p.family, p.given)), Actor: archive.System})
		if err != nil {
			t.Fatal(err)
		}
		ids[p.family] = string(res.Record.Manifest.Record)
	}
	if err := a.FlushSearch(ctx); err != nil {
		t.Fatal(err)
	}
	queries := []string{"Müller", "Mueller", "Müll", "Schaefer", "Anmeldung", "Lindenstraße", "bürger:C-Hans", "Erika -Müll"}
	before := map[string][]string{}
	for _, q := range queries {
		if before[q] = hitIDs(t, a, q); len(before[q]) == 0 {
			t.Errorf("%q finds nothing", q)
		}
	}
	if got := before["Müller"]; !slices.Equal(got, []string{ids["Müller"]}) {
		t.Errorf("Müller found %v, want only Erika Müller's record", got)
	}
	if got := before["Mueller"]; !slices.Equal(got, []string{ids["Müller"]}) {
		t.Errorf("Mueller found %v", got)
	}
	if len(before["Anmeldung"]) != 3 {
		t.Errorf("Anmeldung found %d records, want 3", len(before["Anmeldung"]))
	}
	a.Close()
	idx.Close()
	st.Close()

	// Throw the index away; the archive refills it from the bucket.
	idx2, fresh := openIndex(t, filepath.Join(dir, "index2"))
	if !fresh {
		t.Fatal("fresh index not reported")
	}
	a2, st2 := archivetest.OpenDir(t, filepath.Join(dir, "state"), archive.Options{Converter: archive.PDFA{}, Search: idx2, SearchRebuild: true})
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := a2.Search(ctx, archive.SearchRequest{Query: "Anmeldung", Role: search.Clerk})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Rebuilding {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("rebuild did not finish")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := a2.FlushSearch(ctx); err != nil {
		t.Fatal(err)
	}
	for _, q := range queries {
		if got := hitIDs(t, a2, q); !slices.Equal(got, before[q]) {
			t.Errorf("%q after rebuild: %v, before %v", q, got, before[q])
		}
	}
	if _, err := a2.Search(ctx, archive.SearchRequest{Query: `"unterminated`, Role: search.Clerk}); err == nil {
		t.Error("a bad query was accepted")
	}
	a2.Close()
	idx2.Close()
	st2.Close()

	// akte reindex: the catalog and a new index from the bucket alone, the index filled
	// while the catalog is, each record indexed once.
	idx3, _ := openIndex(t, filepath.Join(dir, "index3"))
	defer idx3.Close()
	st3, err := filestore.Open(filepath.Join(dir, "state", "store"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st3.Close()
	a3, rep, err := archive.Open(ctx, archive.Options{Store: st3, Dir: filepath.Join(dir, "state"), Converter: archive.PDFA{},
		Search: idx3, SearchRebuild: true, Rebuild: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a3.Close()
	if rep.Added != 3 || rep.Reindexed != 3 {
		t.Fatalf("reindex: %d records added to the catalog, %d indexed; want 3 and 3", rep.Added, rep.Reindexed)
	}
	if err := a3.FlushSearch(ctx); err != nil {
		t.Fatal(err)
	}
	for _, q := range queries {
		if got := hitIDs(t, a3, q); !slices.Equal(got, before[q]) {
			t.Errorf("%q after reindex: %v, before %v", q, got, before[q])
		}
	}
}

// A damaged text keeps its record out of the index, not the others: akte reindex goes on,
// and so does every later open.
func TestReindexSkipsDamagedText(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	a, st := archivetest.OpenDir(t, dir, archive.Options{Converter: archive.PDFA{}})
	var damaged archive.RecordID
	for _, p := range []struct{ family, given string }{{"Müller", "Erika"}, {"Schäfer", "Juergen"}} {
		res, err := a.Ingest(ctx, archive.IngestRequest{Citizen: archive.CitizenID("C-" + p.given), Class: "registration",
			Source: "portal", MediaType: archive.MediaForm, Body: bytes.NewReader(formFor(t, p.family, p.given)), Actor: archive.System})
		if err != nil {
			t.Fatal(err)
		}
		damaged = res.Record.ID
	}
	a.Close()
	st.Close()
	text := filepath.Join(dir, "store", "objects", "records", string(damaged), "v1", "text.txt")
	if err := os.Chmod(text, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(text, []byte("Schäfer überschrieben"), 0o644); err != nil {
		t.Fatal(err)
	}
	for i, opts := range []archive.Options{{Rebuild: true, SearchRebuild: true}, {}} {
		idx, _ := openIndex(t, filepath.Join(dir, "index"))
		st, err := filestore.Open(filepath.Join(dir, "store"), nil)
		if err != nil {
			t.Fatal(err)
		}
		opts.Store, opts.Dir, opts.Converter, opts.Search = st, dir, archive.PDFA{}, idx
		a, rep, err := archive.Open(ctx, opts)
		if err != nil {
			t.Fatalf("open %d with a damaged text: %v", i, err)
		}
		if err := a.FlushSearch(ctx); err != nil {
			t.Fatal(err)
		}
		if opts.Rebuild && (rep.Added != 2 || rep.Reindexed != 1) {
			t.Errorf("reindex: %d added, %d indexed; want 2 and 1", rep.Added, rep.Reindexed)
		}
		if got := hitIDs(t, a, "Anmeldung"); len(got) != 1 || got[0] == string(damaged) {
			t.Errorf("open %d: Anmeldung finds %v; want the undamaged record only", i, got)
		}
		a.Close()
		idx.Close()
		st.Close()
	}
}
