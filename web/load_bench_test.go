package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"akte/archive"
	"akte/archive/archivetest"
	"akte/archive/store/filestore"
	"akte/search"
	"akte/signing"
	"akte/web"
	"akte/web/auth"
)

var (
	loadTime    = flag.Duration("loadtime", 60*time.Second, "BenchmarkServerLoad: how long the load runs")
	loadRecords = flag.Int("loadrecords", 2000, "BenchmarkServerLoad: records archived before the load")
	loadClients = flag.Int("loadclients", 50, "BenchmarkServerLoad: concurrent clients searching and opening documents")
	loadIngest  = flag.Bool("loadingest", true, "BenchmarkServerLoad: run the ingest client beside the readers")
	loadThink   = flag.Duration("loadthink", 0, "BenchmarkServerLoad: mean pause of a client between two requests (0: none, full speed)")
)

// loadWords make the documents' text and the clerks' queries.
var loadWords = strings.Fields(`Antrag Reisepass Personalausweis Meldebescheinigung Anmeldung Abmeldung
	Geburtsurkunde Sterbeurkunde Eheschliessung Grundsteuer Hundesteuer Gewerbeanmeldung Wohnung Umzug
	Bescheid Widerspruch Gebuehr Zahlung Mahnung Frist Verlaengerung Kinderreisepass Fuehrungszeugnis
	Beglaubigung Nachweis Lindenstrasse Bahnhofstrasse Marktplatz Musterstadt Schulweg Hauptwohnung
	Nebenwohnung Familienname Vorname Staatsangehoerigkeit Unterschrift Sachbearbeitung Buergerbuero`)

func loadText(rng *rand.Rand, i int) string {
	w := make([]string, 10)
	for j := range w {
		w[j] = loadWords[rng.IntN(len(loadWords))]
	}
	return fmt.Sprintf("Vorgang %d: %s", i, strings.Join(w, " "))
}

// BenchmarkServerLoad: the server on loopback (a real TCP listener) over
// the embedded default — filestore, PDF/A conversion, a development seal,
// the search index — pre-filled with -loadrecords records; then for
// -loadtime, -loadclients clients (clerks and records officers, a token
// per role) each search and open two of the hits, in a loop without pause,
// while one intake client archives new PDFs one after the other. Reports
// errors (any non-2xx answer), p50/p99/max per route and the ingest rate.
// The rate limit is off: it is per principal, and the clients share their
// role's token.
//
//	go test -run '^$' -bench ServerLoad -benchtime 1x ./web/ -loadtime 60s
func BenchmarkServerLoad(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	idx, _, err := search.OpenOrRecreate(filepath.Join(dir, "index"), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { idx.Close() })
	certPEM, keyPEM, err := signing.NewDevelopmentSeal("Stadt Musterstadt", time.Now())
	if err != nil {
		b.Fatal(err)
	}
	seal, err := signing.LoadPEM(certPEM, keyPEM)
	if err != nil {
		b.Fatal(err)
	}
	sealer, err := signing.NewSealer(signing.Options{Seal: seal})
	if err != nil {
		b.Fatal(err)
	}
	opts := archive.Options{Search: idx, Sealer: sealer, Logger: slog.New(slog.DiscardHandler)}

	// Pre-fill, two at a time (the machine's cores), without the PDF/A
	// conversion (about 6 documents/s here; it is measured by the ingest
	// client below): sealed PDFs, indexed, as fast as the archive takes them.
	st, err := filestore.Open(filepath.Join(dir, "store"), nil)
	if err != nil {
		b.Fatal(err)
	}
	fill := opts
	fill.Store, fill.Dir, fill.Converter = st, dir, archive.PassThrough{}
	a, _, err := archive.Open(ctx, fill)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	var ids []archive.RecordID
	var mu sync.Mutex
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for {
				i := int(next.Add(1))
				if i > *loadRecords {
					return
				}
				res, err := a.Ingest(ctx, archive.IngestRequest{Actor: archive.System, Citizen: archive.CitizenID(fmt.Sprintf("P-%05d", i%500)),
					Class: "tax", Title: "Bescheid", Body: bytes.NewReader(archivetest.MakePDF("Bescheid", loadText(rng, i)))})
				if err != nil {
					b.Error(err)
					return
				}
				mu.Lock()
				ids = append(ids, res.Record.ID)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if b.Failed() {
		return
	}
	if err := a.FlushSearch(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("pre-filled %d records in %v (%.1f/s)", len(ids), time.Since(start).Round(time.Millisecond), float64(len(ids))/time.Since(start).Seconds())
	if err := errors.Join(a.Close(), st.Close()); err != nil {
		b.Fatal(err)
	}
	// The embedded default: every new document converted to PDF/A-2b.
	opts.Converter = archive.PDFA{}
	a, _ = archivetest.OpenDir(b, dir, opts)

	f := newAuthB(b)
	h := web.New(a, &web.Options{Auth: f.store, Logger: slog.New(slog.DiscardHandler)})
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	tr := &http.Transport{MaxIdleConns: 200, MaxIdleConnsPerHost: 200}
	b.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: tr}

	b.ResetTimer()
	for range b.N {
		runLoad(b, client, srv.URL, f.tokens, ids)
	}
}

// newAuthB is newAuth for a benchmark.
func newAuthB(b *testing.B) *authFixture {
	b.Helper()
	path := filepath.Join(b.TempDir(), "auth.db")
	st, err := auth.Open(path, &auth.Options{Argon2: fastArgon})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	f := &authFixture{store: st, path: path, tokens: map[auth.Role]string{}}
	for _, r := range auth.Roles {
		if _, f.tokens[r], err = st.NewToken(context.Background(), "load-"+string(r), r, time.Time{}); err != nil {
			b.Fatal(err)
		}
	}
	return f
}

// timings are one client's latencies per route and its errors.
type timings struct {
	lat    map[string][]time.Duration
	errors map[string]int
	first  string // the first error, for the report
}

func (t *timings) do(client *http.Client, route string, req *http.Request, want int, out any) bool {
	start := time.Now()
	resp, err := client.Do(req)
	var body []byte
	if err == nil {
		body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	t.lat[route] = append(t.lat[route], time.Since(start))
	if err == nil && resp.StatusCode != want {
		err = fmt.Errorf("%d %.200s", resp.StatusCode, body)
	}
	if err == nil && out != nil {
		err = json.Unmarshal(body, out)
	}
	if err != nil {
		t.errors[route]++
		if t.first == "" {
			t.first = route + ": " + err.Error()
		}
		return false
	}
	return true
}

func runLoad(b *testing.B, client *http.Client, base string, tokens map[auth.Role]string, ids []archive.RecordID) {
	deadline := time.Now().Add(*loadTime)
	results := make([]*timings, *loadClients+1)
	var wg sync.WaitGroup
	for c := range *loadClients {
		role := auth.Clerk
		if c%5 == 4 {
			role = auth.RecordsOfficer
		}
		t := &timings{lat: map[string][]time.Duration{}, errors: map[string]int{}}
		results[c] = t
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(c), 2))
			think := func() {
				if *loadThink > 0 {
					time.Sleep(time.Duration(rng.ExpFloat64() * float64(*loadThink)))
				}
			}
			for n := 0; time.Now().Before(deadline); n++ {
				think()
				q := loadWords[rng.IntN(len(loadWords))]
				if n%3 == 0 {
					q += " " + loadWords[rng.IntN(len(loadWords))]
				}
				req, _ := http.NewRequest("GET", base+"/api/v1/search?facets=true&highlight=true&size=20&q="+url.QueryEscape(q), nil)
				req.Header.Set("Authorization", "Bearer "+tokens[role])
				var res struct {
					Hits []struct {
						ID string `json:"id"`
					} `json:"hits"`
				}
				t.do(client, "search", req, 200, &res)
				for range 2 {
					id := string(ids[rng.IntN(len(ids))])
					if len(res.Hits) > 0 {
						id = res.Hits[rng.IntN(len(res.Hits))].ID
					}
					req, _ := http.NewRequest("GET", base+"/api/v1/records/"+id+"/document?purpose=Az.+"+fmt.Sprint(n), nil)
					req.Header.Set("Authorization", "Bearer "+tokens[role])
					think()
					t.do(client, "document", req, 200, nil)
				}
			}
		})
	}
	ingest := &timings{lat: map[string][]time.Duration{}, errors: map[string]int{}}
	results[*loadClients] = ingest
	wg.Go(func() {
		rng := rand.New(rand.NewPCG(99, 3))
		for i := 0; *loadIngest && time.Now().Before(deadline); i++ {
			body := archivetest.MakePDF("Bescheid", loadText(rng, 1_000_000+i))
			req, _ := http.NewRequest("POST", base+"/api/v1/records?class=tax&title=Bescheid&citizen="+fmt.Sprintf("P-%05d", i%500), bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+tokens[auth.Intake])
			req.Header.Set("Content-Type", "application/pdf")
			ingest.do(client, "ingest", req, 201, nil)
		}
	})
	wg.Wait()
	elapsed := *loadTime

	all := &timings{lat: map[string][]time.Duration{}, errors: map[string]int{}}
	for _, t := range results {
		for r, l := range t.lat {
			all.lat[r] = append(all.lat[r], l...)
		}
		for r, n := range t.errors {
			all.errors[r] += n
		}
		if all.first == "" {
			all.first = t.first
		}
	}
	errs := 0
	var report strings.Builder
	fmt.Fprintf(&report, "%d clients (pause %v) + 1 ingest client for %v:\n%-9s %9s %8s %9s %9s %9s %9s\n", *loadClients, *loadThink,
		elapsed, "route", "requests", "errors", "req/s", "p50", "p99", "max")
	for _, r := range []string{"search", "document", "ingest"} {
		l := all.lat[r]
		slices.Sort(l)
		errs += all.errors[r]
		if len(l) == 0 {
			continue
		}
		p := func(q float64) time.Duration { return l[min(len(l)-1, int(q*float64(len(l))))] }
		fmt.Fprintf(&report, "%-9s %9d %8d %9.1f %9v %9v %9v\n", r, len(l), all.errors[r], float64(len(l))/elapsed.Seconds(),
			p(0.50).Round(time.Microsecond), p(0.99).Round(time.Microsecond), l[len(l)-1].Round(time.Microsecond))
		b.ReportMetric(float64(p(0.50).Microseconds())/1000, r+"-p50-ms")
		b.ReportMetric(float64(p(0.99).Microseconds())/1000, r+"-p99-ms")
	}
	b.ReportMetric(float64(len(all.lat["ingest"]))/elapsed.Seconds(), "ingests/s")
	b.ReportMetric(float64(errs), "errors")
	b.Log(report.String())
	if errs > 0 {
		b.Errorf("%d errors; the first: %s", errs, all.first)
	}
}
