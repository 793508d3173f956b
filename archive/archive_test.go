package archive_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/iotest"

	"akte/archive"
	"akte/archive/archivetest"
	"akte/archive/store"
)

var (
	ctx   = context.Background()
	clerk = archive.Actor{Name: "test-clerk", Role: "clerk"}
)

func ingest(t *testing.T, a *archive.Archive, citizen string, body []byte) *archive.Record {
	t.Helper()
	res, err := a.Ingest(ctx, archive.IngestRequest{Actor: clerk,
		Citizen: archive.CitizenID(citizen), Class: "passport-application", Title: "Antrag Reisepass",
		Facts: map[string]archive.Date{"valid_until": "2031-03-01"}, Body: bytes.NewReader(body),
	})
	if err != nil {
		t.Fatalf("ingest: %v", err)
	}
	return res.Record
}

func TestIngestGetRoundTrip(t *testing.T) {
	a := archivetest.Open(t, archive.Options{})
	pdf := archivetest.MakePDF("Antrag", "Reisepass fuer Erika Mustermann")
	rec := ingest(t, a, "P-000123", pdf)
	if !rec.ID.Valid() || rec.Version != 1 || rec.Citizen != "P-000123" || rec.Status != "active" {
		t.Fatalf("record %+v", rec)
	}
	for _, original := range []bool{false, true} {
		doc, err := a.Get(ctx, archive.GetRequest{Actor: clerk, ID: rec.ID, Original: original, Purpose: "test"})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(doc.Data, pdf) {
			t.Fatalf("get (original=%v) returned %d bytes, not the %d ingested", original, len(doc.Data), len(pdf))
		}
	}
	// All four objects exist, locked, and the manifest is the last word.
	for _, name := range []string{archive.FileOriginal, archive.FileArchive, archive.FileText, archive.FileManifest} {
		info, err := a.Store().Stat(ctx, fmt.Sprintf("records/%s/v1/%s", rec.ID, name), "")
		if err != nil {
			t.Fatalf("stat %s: %v", name, err)
		}
		if !info.Retention.Active(info.Created) {
			t.Fatalf("%s is not locked: %+v", name, info.Retention)
		}
	}
	rep, err := a.Verify(ctx, nil, nil)
	if err != nil || !rep.OK() || rep.Records != 1 || rep.Objects != 4 {
		t.Fatalf("verify: %+v, %v", rep, err)
	}
}

func TestVerifyNamesTheFlippedObject(t *testing.T) {
	dir := t.TempDir()
	a, _ := archivetest.OpenDir(t, dir, archive.Options{})
	var recs []*archive.Record
	for i := range 3 {
		recs = append(recs, ingest(t, a, fmt.Sprintf("C%d", i), archivetest.MakePDF("Doc", fmt.Sprint(i))))
	}
	victim := fmt.Sprintf("records/%s/v1/%s", recs[1].ID, archive.FileArchive)
	flipByte(t, filepath.Join(dir, "store", "objects", filepath.FromSlash(victim)), 40)

	rep, err := a.Verify(ctx, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 1 || rep.Problems[0].Key != victim || rep.Problems[0].Record != recs[1].ID || rep.Problems[0].Kind != "corrupt" {
		t.Fatalf("verify problems = %+v, want exactly %s corrupt", rep.Problems, victim)
	}
	// A reader never gets the corrupt bytes.
	if _, err := a.Get(ctx, archive.GetRequest{Actor: clerk, ID: recs[1].ID}); !errors.Is(err, archive.ErrCorrupt) {
		t.Fatalf("get corrupt: %v", err)
	}
	// The original of the same record is still fine.
	if _, err := a.Get(ctx, archive.GetRequest{Actor: clerk, ID: recs[1].ID, Original: true}); err != nil {
		t.Fatalf("get intact original: %v", err)
	}
}

func flipByte(t *testing.T, path string, off int64) {
	t.Helper()
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, off); err != nil {
		t.Fatal(err)
	}
	b[0] ^= 0x01
	if _, err := f.WriteAt(b, off); err != nil {
		t.Fatal(err)
	}
}

func TestRetriesNeverDuplicate(t *testing.T) {
	a := archivetest.Open(t, archive.Options{})
	pdf := archivetest.MakePDF("Anmeldung", "x")
	first := ingest(t, a, "C1", pdf)
	// Same citizen, class and content, no key: the same record.
	res, err := a.Ingest(ctx, archive.IngestRequest{Actor: clerk, Citizen: "C1", Class: "passport-application", Body: bytes.NewReader(pdf)})
	if err != nil || !res.Existing || res.Record.ID != first.ID {
		t.Fatalf("content retry: %+v, %v", res, err)
	}
	// Another citizen with the same file is a different record.
	other := ingest(t, a, "C2", pdf)
	if other.ID == first.ID {
		t.Fatal("same content for another citizen returned the first citizen's record")
	}
	// Concurrent retries with one idempotency key: exactly one record.
	body := archivetest.MakePDF("Abmeldung", "y")
	var wg sync.WaitGroup
	ids := make([]archive.RecordID, 8)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := a.Ingest(ctx, archive.IngestRequest{Actor: clerk, Citizen: "C3", Class: "deregistration", IdempotencyKey: "portal-4711", Body: bytes.NewReader(body)})
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = res.Record.ID
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("concurrent retries made different records: %v", ids)
		}
	}
	// The key reused for other content is a conflict.
	_, err = a.Ingest(ctx, archive.IngestRequest{Actor: clerk, Citizen: "C3", Class: "deregistration", IdempotencyKey: "portal-4711", Body: bytes.NewReader(pdf)})
	if !errors.Is(err, archive.ErrConflict) {
		t.Fatalf("key reuse: %v", err)
	}
	if n := countObjects(t, a.Store()); n != 3*4 {
		t.Fatalf("%d objects stored, want 12 (3 records)", n)
	}
}

func countObjects(t *testing.T, st store.Store) int {
	n := 0
	for _, err := range st.List(ctx, "records/", "") {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}

func TestBadInputRefusedNothingStored(t *testing.T) {
	a := archivetest.Open(t, archive.Options{MaxBytes: 4096})
	pdf := archivetest.MakePDF("ok", "ok")
	big := append(archivetest.MakePDF("big", strings.Repeat("x", 5000)), '\n')
	truncated := pdf[:len(pdf)-20]
	encrypted := bytes.Replace(pdf, []byte("/Root 1 0 R"), []byte("/Root 1 0 R /Encrypt 9 0 R"), 1)
	cases := []struct {
		name  string
		req   archive.IngestRequest
		kind  error
		field string
	}{
		{"empty file", archive.IngestRequest{Actor: clerk, Citizen: "C1", Class: "tax", Body: bytes.NewReader(nil)}, archive.ErrRefused, "document"},
		{"not a pdf", archive.IngestRequest{Actor: clerk, Citizen: "C1", Class: "tax", Body: strings.NewReader("hello, I am plain text")}, archive.ErrRefused, "document"},
		{"oversized", archive.IngestRequest{Actor: clerk, Citizen: "C1", Class: "tax", Body: bytes.NewReader(big)}, archive.ErrRefused, "document"},
		{"truncated pdf", archive.IngestRequest{Actor: clerk, Citizen: "C1", Class: "tax", Body: bytes.NewReader(truncated)}, archive.ErrRefused, "document"},
		{"encrypted pdf", archive.IngestRequest{Actor: clerk, Citizen: "C1", Class: "tax", Body: bytes.NewReader(encrypted)}, archive.ErrRefused, "document"},
		{"unreadable body", archive.IngestRequest{Actor: clerk, Citizen: "C1", Class: "tax", Body: iotest.ErrReader(io.ErrUnexpectedEOF)}, archive.ErrRefused, "document"},
		{"unknown class", archive.IngestRequest{Actor: clerk, Citizen: "C1", Class: "gossip", Body: bytes.NewReader(pdf)}, archive.ErrInvalid, "class"},
		{"malformed class", archive.IngestRequest{Actor: clerk, Citizen: "C1", Class: "Tax!", Body: bytes.NewReader(pdf)}, archive.ErrInvalid, "class"},
		{"citizen with space", archive.IngestRequest{Actor: clerk, Citizen: "Erika Mustermann", Class: "tax", Body: bytes.NewReader(pdf)}, archive.ErrInvalid, "citizen"},
		{"citizen too long", archive.IngestRequest{Actor: clerk, Citizen: archive.CitizenID(strings.Repeat("9", 65)), Class: "tax", Body: bytes.NewReader(pdf)}, archive.ErrInvalid, "citizen"},
		{"citizen path", archive.IngestRequest{Actor: clerk, Citizen: "../etc", Class: "tax", Body: bytes.NewReader(pdf)}, archive.ErrInvalid, "citizen"},
		{"empty citizen", archive.IngestRequest{Actor: clerk, Class: "tax", Body: bytes.NewReader(pdf)}, archive.ErrInvalid, "citizen"},
		{"bad date", archive.IngestRequest{Actor: clerk, Citizen: "C1", Class: "tax", Date: "2024-02-30", Body: bytes.NewReader(pdf)}, archive.ErrInvalid, "date"},
		{"bad fact", archive.IngestRequest{Actor: clerk, Citizen: "C1", Class: "tax", Facts: map[string]archive.Date{"valid_until": "soon"}, Body: bytes.NewReader(pdf)}, archive.ErrInvalid, "fact"},
		{"bad source", archive.IngestRequest{Actor: clerk, Citizen: "C1", Class: "tax", Source: "fax", Body: bytes.NewReader(pdf)}, archive.ErrInvalid, "source"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := a.Ingest(ctx, tc.req)
			var fe *archive.FieldError
			if !errors.Is(err, tc.kind) || !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("got %v, want kind %v on field %s", err, tc.kind, tc.field)
			}
		})
	}
	if n := countObjects(t, a.Store()); n != 0 {
		t.Fatalf("refused input stored %d objects", n)
	}
}

// A crash after the manifest but before the catalog commit: the next Open
// finds the manifest and adds the record; files without a manifest are
// orphans, reported and never shown.
func TestReconcileAfterLostCatalog(t *testing.T) {
	dir := t.TempDir()
	a, st := archivetest.OpenDir(t, dir, archive.Options{})
	rec := ingest(t, a, "C1", archivetest.MakePDF("a", "b"))
	a.Close()
	// An interrupted ingest: its original only.
	orphan := "records/01ARZ3NDEKTSV4RRFFQ69G5FAV/v1/original"
	if _, err := st.Put(ctx, orphan, strings.NewReader("%PDF-"), 5, store.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	// Lose the catalog entirely.
	if err := os.Remove(filepath.Join(dir, "catalog.db")); err != nil {
		t.Fatal(err)
	}
	a, rep, err := archive.Open(ctx, archive.Options{Store: st, Dir: dir, Converter: archive.PassThrough{}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if rep.Added != 1 || len(rep.Orphans) != 1 || rep.Orphans[0] != orphan {
		t.Fatalf("reconcile report %+v", rep)
	}
	got, err := a.Record(ctx, rec.ID)
	if err != nil || got.Manifest.Facts["valid_until"] != "2031-03-01" {
		t.Fatalf("reconciled record: %+v, %v", got, err)
	}
	// The retry of the original request finds it.
	res, err := a.Ingest(ctx, archive.IngestRequest{Actor: clerk, Citizen: "C1", Class: "passport-application", Body: bytes.NewReader(archivetest.MakePDF("a", "b"))})
	if err != nil || !res.Existing || res.Record.ID != rec.ID {
		t.Fatalf("retry after reconcile: %+v, %v", res, err)
	}
	// Reconciling again changes nothing.
	rep, err = a.Reconcile(ctx)
	if err != nil || rep.Added != 0 {
		t.Fatalf("second reconcile %+v, %v", rep, err)
	}
}

// A rebuild takes each record's newest readable version, whatever the
// key order of its versions (v10 sorts before v2) and however many
// workers read the manifests; an unreadable newest manifest is reported
// and the one before it taken.
func TestReconcileTakesNewestReadableVersion(t *testing.T) {
	dir := t.TempDir()
	a, st := archivetest.OpenDir(t, dir, archive.Options{})
	var ids []archive.RecordID
	for i := range 20 {
		ids = append(ids, ingest(t, a, fmt.Sprintf("C%d", i), archivetest.MakePDF("a", fmt.Sprint(i))).ID)
	}
	a.Close()
	b, _, err := store.ReadAll(ctx, st, "records/"+string(ids[3])+"/v1/manifest.json", "")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for v := 2; v <= 11; v++ {
		m["version"] = v
		body, _ := json.Marshal(m)
		if v == 11 {
			body = []byte("{not a manifest")
		}
		key := fmt.Sprintf("records/%s/v%d/manifest.json", ids[3], v)
		if _, err := st.Put(ctx, key, bytes.NewReader(body), int64(len(body)), store.PutOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	a, rep, err := archive.Open(ctx, archive.Options{Store: st, Dir: dir, Converter: archive.PassThrough{}, Rebuild: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	broken := fmt.Sprintf("records/%s/v11/manifest.json", ids[3])
	if rep.Added != 20 || rep.Manifests != 30 || len(rep.Broken) != 1 || rep.Broken[0] != broken || len(rep.Orphans) != 0 {
		t.Fatalf("reconcile report %+v", rep)
	}
	for i, id := range ids {
		got, err := a.Record(ctx, id)
		want := 1
		if i == 3 {
			want = 10
		}
		if err != nil || got.Version != want {
			t.Fatalf("record %d after the rebuild: %+v, %v; want version %d", i, got, err, want)
		}
	}
}

// An archive closed clean opens without listing the bucket; one whose
// ingest failed between the store and the catalog reconciles at the next
// open and reports what the failure left.
func TestCleanCloseSkipsReconcile(t *testing.T) {
	dir := t.TempDir()
	failManifests := &failingPuts{suffix: "/manifest.json"}
	a, st := archivetest.OpenWrapped(t, dir, func(s store.Store) store.Store { failManifests.Store = s; return failManifests }, archive.Options{})
	ingest(t, a, "C1", archivetest.MakePDF("a", "b"))
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	// Behind the archive's back: not seen, as nothing was listed.
	orphan := "records/01ARZ3NDEKTSV4RRFFQ69G5FAV/v1/original"
	if _, err := st.Put(ctx, orphan, strings.NewReader("%PDF-"), 5, store.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	reopen := func() (*archive.Archive, archive.ReconcileReport) {
		t.Helper()
		a, rep, err := archive.Open(ctx, archive.Options{Store: failManifests, Dir: dir, Converter: archive.PassThrough{}})
		if err != nil {
			t.Fatal(err)
		}
		return a, rep
	}
	a, rep := reopen()
	if !rep.Skipped || len(rep.Orphans) != 0 {
		t.Fatalf("open after a clean close: %+v", rep)
	}
	failManifests.on.Store(true)
	if _, err := a.Ingest(ctx, archive.IngestRequest{Actor: clerk, Citizen: "C2", Class: "passport-application",
		Body: bytes.NewReader(archivetest.MakePDF("c", "d"))}); err == nil {
		t.Fatal("ingest succeeded although its manifest could not be stored")
	}
	failManifests.on.Store(false)
	a.Close()
	a, rep = reopen()
	if rep.Skipped || len(rep.Orphans) < 2 || !slices.Contains(rep.Orphans, orphan) {
		t.Fatalf("open after a failed ingest: %+v; want a reconciliation that finds its files and the orphan", rep)
	}
	a.Close()
	a, rep = reopen()
	defer a.Close()
	if !rep.Skipped {
		t.Fatalf("open after the reconciled session's clean close: %+v", rep)
	}
}

// failingPuts fails the puts of keys ending in suffix while on.
type failingPuts struct {
	store.Store
	suffix string
	on     atomic.Bool
}

func (f *failingPuts) Put(ctx context.Context, key string, r io.Reader, size int64, opts store.PutOptions) (store.ObjectInfo, error) {
	if f.on.Load() && strings.HasSuffix(key, f.suffix) {
		return store.ObjectInfo{}, fmt.Errorf("put %s: injected failure", key)
	}
	return f.Store.Put(ctx, key, r, size, opts)
}

// lostReply stores the object, then reports ErrExists, as an S3 client
// does when the reply to a PUT is lost and its retry meets If-None-Match.
type lostReply struct{ store.Store }

func (l lostReply) Put(ctx context.Context, key string, r io.Reader, size int64, opts store.PutOptions) (store.ObjectInfo, error) {
	if _, err := l.Store.Put(ctx, key, r, size, opts); err != nil {
		return store.ObjectInfo{}, err
	}
	return store.ObjectInfo{}, fmt.Errorf("put %s: %w", key, store.ErrExists)
}

func TestIngestSurvivesLostPutReply(t *testing.T) {
	a, _ := archivetest.OpenWrapped(t, t.TempDir(), func(s store.Store) store.Store { return lostReply{s} }, archive.Options{})
	pdf := archivetest.MakePDF("a", "b")
	rec := ingest(t, a, "C1", pdf)
	if rep, err := a.Verify(ctx, nil, nil); err != nil || !rep.OK() || rep.Objects != 4 {
		t.Fatalf("verify: %+v %v", rep, err)
	}
	if doc, err := a.Get(ctx, archive.GetRequest{ID: rec.ID, Original: true, Actor: clerk}); err != nil || !bytes.Equal(doc.Data, pdf) {
		t.Fatalf("get after lost reply: %v", err)
	}
}

// squatter finds a different object already at every key it is asked to
// put: that is never adopted.
type squatter struct{ store.Store }

func (q squatter) Put(ctx context.Context, key string, r io.Reader, size int64, opts store.PutOptions) (store.ObjectInfo, error) {
	other := []byte("someone else's bytes")
	if _, err := q.Store.Put(ctx, key, bytes.NewReader(other), int64(len(other)), store.PutOptions{}); err != nil {
		return store.ObjectInfo{}, err
	}
	return store.ObjectInfo{}, fmt.Errorf("put %s: %w", key, store.ErrExists)
}

func TestIngestNeverAdoptsForeignObject(t *testing.T) {
	a, _ := archivetest.OpenWrapped(t, t.TempDir(), func(s store.Store) store.Store { return squatter{s} }, archive.Options{})
	_, err := a.Ingest(ctx, archive.IngestRequest{Citizen: "C1", Class: "tax", Body: bytes.NewReader(archivetest.MakePDF("a", "b")), Actor: clerk})
	if !errors.Is(err, store.ErrExists) {
		t.Fatalf("ingest over foreign objects: got %v, want ErrExists", err)
	}
	if n, _ := a.Count(ctx); n != 0 {
		t.Fatalf("%d records visible after a failed ingest", n)
	}
}
