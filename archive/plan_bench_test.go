package archive

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"akte/archive/catalog"
	"akte/archive/store/filestore"
)

var planRecords = flag.Int("planrecords", 1_000_000, "records in the catalog of BenchmarkPlan (kept under $TMPDIR for the next run)")

// BenchmarkPlan: `akte retention plan` for the coming year over a catalog
// of -planrecords records (default 1,000,000) of every class, with
// realistic manifests and retention states. The catalog is built once
// (written directly, without ingesting documents) and kept for later runs.
func BenchmarkPlan(b *testing.B) {
	ctx := context.Background()
	n := *planRecords
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("akte-bench-plan-%d", n))
	st, err := filestore.Open(filepath.Join(dir, "store"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	a, _, err := Open(ctx, Options{Store: st, Dir: dir, Now: func() time.Time { return now }, Converter: PassThrough{}})
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	have, err := a.Count(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if have < n {
		start := time.Now()
		fillCatalog(b, a, have, n, now)
		b.Logf("catalog of %d records built in %v", n, time.Since(start).Round(time.Second))
	}
	until := now.AddDate(1, 0, 0)
	var items int
	for b.Loop() {
		rep, err := a.Plan(ctx, PlanRequest{Until: until})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Records < n {
			b.Fatalf("plan looked at %d records, want %d", rep.Records, n)
		}
		items = len(rep.Items)
	}
	b.ReportMetric(float64(items), "due-items")
	b.ReportMetric(float64(n), "records")
}

// fillCatalog writes records from..n-1 straight into the catalog, each
// with the manifest and retention state ingest would have given it.
func fillCatalog(b *testing.B, a *Archive, from, n int, now time.Time) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(uint64(from), 7))
	classes := a.Classes()
	batch := make([]catalog.Entry, 0, 5000)
	for i := from; i < n; i++ {
		created := now.Add(-time.Duration(rng.Int64N(int64(25 * 365 * 24 * time.Hour)))).Truncate(time.Second)
		m := &Manifest{Schema: ManifestSchema, Record: NewRecordID(), Version: 1, Citizen: CitizenID(fmt.Sprintf("P%07d", rng.IntN(n/3+1))),
			Class: classes[rng.IntN(len(classes))], Title: "Antrag auf Ausstellung eines Reisepasses", Source: SourcePortal,
			Created: created, MediaType: "application/pdf"}
		if rng.IntN(2) == 0 {
			m.Facts = map[string]Date{"valid_until": Date(created.AddDate(10, 0, 0).Format(time.DateOnly))}
		}
		for _, name := range []string{FileOriginal, FileArchive, FileText} {
			m.Files = append(m.Files, FileRef{Name: name, Key: versionPrefix(m.Record, 1) + name, VersionID: "v1",
				Size: 20_000, SHA256: fmt.Sprintf("%064x", rng.Uint64())})
		}
		e, err := entryFor(m, "v1", "")
		if err != nil {
			b.Fatal(err)
		}
		e.Indexed = true
		if _, err := a.apply(&e, newState(m), nil, now); err != nil {
			b.Fatal(err)
		}
		batch = append(batch, e)
		if len(batch) == cap(batch) || i == n-1 {
			if err := a.cat.PutMany(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
}
