package archive_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"iter"
	"log/slog"
	"slices"
	"testing"
	"time"

	"akte/archive"
	"akte/archive/archivetest"
	"akte/archive/store"
	"akte/archive/store/s3store"
	"akte/archive/store/s3store/s3test"
	"akte/retention"
)

// shifted lets the archive live delta ahead of the real clock against a
// real store: lock dates go to the store delta earlier and come back delta
// later, so a lock the archive sets "until 2037-01-01 00:00" is enforced by
// MinIO's own clock a few seconds from now. Nothing else is changed; the
// store's Object Lock decides.
type shifted struct {
	store.Store
	delta time.Duration
}

func (s shifted) back(info store.ObjectInfo) store.ObjectInfo {
	if !info.Retention.Until.IsZero() {
		info.Retention.Until = info.Retention.Until.Add(s.delta)
	}
	return info
}

func (s shifted) Put(ctx context.Context, key string, r io.Reader, size int64, opts store.PutOptions) (store.ObjectInfo, error) {
	if !opts.Retention.Until.IsZero() {
		opts.Retention.Until = opts.Retention.Until.Add(-s.delta)
	}
	info, err := s.Store.Put(ctx, key, r, size, opts)
	return s.back(info), err
}

func (s shifted) SetRetention(ctx context.Context, key, versionID string, r store.Retention) error {
	r.Until = r.Until.Add(-s.delta)
	return s.Store.SetRetention(ctx, key, versionID, r)
}

func (s shifted) Stat(ctx context.Context, key, versionID string) (store.ObjectInfo, error) {
	info, err := s.Store.Stat(ctx, key, versionID)
	return s.back(info), err
}

func (s shifted) Get(ctx context.Context, key, versionID string) (io.ReadCloser, store.ObjectInfo, error) {
	rc, info, err := s.Store.Get(ctx, key, versionID)
	return rc, s.back(info), err
}

func (s shifted) List(ctx context.Context, prefix, after string) iter.Seq2[store.ObjectInfo, error] {
	return func(yield func(store.ObjectInfo, error) bool) {
		for info, err := range s.Store.List(ctx, prefix, after) {
			if !yield(s.back(info), err) {
				return
			}
		}
	}
}

const receiptSchedule = `
classes:
  receipt:
    title: Quittung
    disposition: destroy
    earliest:
      - {basis: "Testregel: ein Tag", start: created, after: P1D}
`

// TestDisposalOnMinIO: end to end against a real MinIO bucket with Object
// Lock. The archive's calendar runs a few seconds before midnight, so a
// record whose earliest disposal date is the coming midnight is locked for
// seconds of real time: MinIO refuses its deletion, the sweep leaves it;
// once the lock ends the sweep disposes of it, every object version is
// gone from the bucket, and the certificate is there, locked, naming no
// person. A held record stays (MinIO's legal hold refuses deletion) until
// released.
func TestDisposalOnMinIO(t *testing.T) {
	raw, err := s3store.New(ctx, s3test.Start(t), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	sched, err := retention.Parse([]byte(receiptSchedule))
	if err != nil {
		t.Fatal(err)
	}
	midnight := time.Date(2037, 1, 1, 0, 0, 0, 0, time.UTC)
	const margin = 12 * time.Second // for the two ingests and the hold
	delta := time.Until(midnight.Add(-margin))
	now := func() time.Time { return time.Now().Add(delta) }
	a, _, err := archive.Open(ctx, archive.Options{Store: shifted{raw, delta}, Dir: t.TempDir(), Now: now,
		Schedule: sched, Converter: archive.PassThrough{}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ingestReceipt := func(citizen, title string) *archive.Record {
		res, err := a.Ingest(ctx, archive.IngestRequest{Actor: clerk, Citizen: archive.CitizenID(citizen), Class: "receipt",
			Title: title, Body: bytes.NewReader(archivetest.MakePDF(title, citizen))})
		if err != nil {
			t.Fatal(err)
		}
		return res.Record
	}
	rec := ingestReceipt("M-100", "Quittung Erika Mustermann")
	held := ingestReceipt("M-101", "Quittung Max Mustermann")
	if _, err := a.SetHold(ctx, officer, held.ID, "Prüfung"); err != nil {
		t.Fatal(err)
	}
	if now().After(midnight.Add(-time.Second)) {
		t.Fatalf("two ingests and a hold took longer than %v: the locks ended before they could be tested", margin)
	}
	orig, _ := rec.Manifest.File(archive.FileOriginal)
	info, err := raw.Stat(ctx, orig.Key, orig.VersionID)
	if err != nil {
		t.Fatal(err)
	}
	if wantReal := midnight.Add(-delta); info.Retention.Until.Sub(wantReal).Abs() > time.Second {
		t.Fatalf("MinIO lock %v, want %v (the record's earliest date)", info.Retention.Until, wantReal)
	}
	if err := raw.Delete(ctx, orig.Key, orig.VersionID); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("MinIO deleted a locked original: %v", err)
	}
	if rep := sweep(t, a); len(swept(rep, rec.ID)) != 0 {
		t.Fatalf("sweep before the earliest date: %+v", rep.Items)
	}

	time.Sleep(time.Until(midnight.Add(-delta).Add(1500 * time.Millisecond)))
	rep := sweep(t, a)
	if acts := swept(rep, rec.ID); !slices.Equal(acts, []string{archive.ActionDispose}) {
		t.Fatalf("sweep after the lock ended: %v (%+v)", acts, rep.Items)
	}
	if len(swept(rep, held.ID)) != 0 {
		t.Errorf("held record swept: %v", swept(rep, held.ID))
	}
	for info, err := range raw.List(ctx, "records/"+string(rec.ID)+"/", "") {
		t.Errorf("left in the bucket: %s %v", info.Key, err)
	}
	if _, _, err := raw.Get(ctx, orig.Key, orig.VersionID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("original version still readable: %v", err)
	}
	cert, _, err := store.ReadAll(ctx, raw, archive.CertificateKey(rec.ID), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, pii := range []string{"M-100", "Mustermann", "Erika", "Quittung Erika"} {
		if bytes.Contains(cert, []byte(pii)) {
			t.Errorf("certificate names %q:\n%s", pii, cert)
		}
	}
	if !bytes.Contains(cert, []byte(orig.SHA256)) || !bytes.Contains(cert, []byte(string(rec.ID))) {
		t.Errorf("certificate lacks the record ID or the original's hash:\n%s", cert)
	}
	if ci, err := raw.Stat(ctx, archive.CertificateKey(rec.ID), ""); err != nil || !ci.Retention.Active(time.Now()) {
		t.Errorf("certificate not locked in MinIO: %+v, %v", ci, err)
	}

	horig, _ := held.Manifest.File(archive.FileOriginal)
	if err := raw.Delete(ctx, horig.Key, horig.VersionID); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("MinIO deleted an original under legal hold: %v", err)
	}
	if _, err := a.ClearHold(ctx, officer, held.ID, "Prüfung beendet"); err != nil {
		t.Fatal(err)
	}
	if acts := swept(sweep(t, a), held.ID); !slices.Equal(acts, []string{archive.ActionDispose}) {
		t.Errorf("sweep after release: %v", acts)
	}
	if again := sweep(t, a); len(again.Items) != 0 {
		t.Errorf("second sweep did %+v", again.Items)
	}
}
