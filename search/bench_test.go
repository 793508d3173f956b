package search_test

import (
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"akte/search"
)

// A small deterministic generator of German municipal letters, for size and speed figures.
// (The 1M-document corpus generator of issue 5 is a later increment.)
var (
	benchNames = []string{"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner",
		"Becker", "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
		"Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann",
		"Lange", "Schmitt", "Werner", "Krause", "Meier", "Lehmann", "Weiß", "Groß", "Jäger"}
	benchFirst = []string{"Anna", "Jonas", "Lea", "Lukas", "Marie", "Paul", "Sophie", "Felix",
		"Emma", "Jürgen", "Gisela", "Özlem", "Hans", "Ursula", "Mehmet", "Renée"}
	benchWords = strings.Fields(`Antrag Bescheid Reisepass Personalausweis Anmeldung Abmeldung
		Wohnung Meldebescheinigung Geburtsurkunde Eheschließung Steuer Gebühr Grundsteuer
		Hundesteuer Widerspruch Frist Unterlagen Nachweis Stadtverwaltung Bürgeramt Einwohnermeldeamt
		Standesamt Sachbearbeitung Zustellung Anschrift Straße Hausnummer Postleitzahl Ausländerbehörde
		Aufenthaltstitel Verlängerung Bearbeitung Termin Vorsprache Unterschrift Vollmacht Kopie
		beantragt erteilt abgelehnt bewilligt eingegangen geprüft festgesetzt zugestellt verlängert
		der die das und mit für auf bei von zum zur wird wurde werden ist sind hat haben nicht bitte
		Ihr Ihre Ihnen wir uns gemäß innerhalb bis spätestens sowie oder auch noch bereits`)
	benchClasses = []string{"registration", "deregistration", "passport-application", "id-card-application",
		"birth-certificate-request", "civil-register", "tax", "correspondence", "scan-unclassified"}
	benchSources = []string{"portal", "counter", "scan", "import", "api"}
)

// benchDoc returns document n of about size bytes of text.
func benchDoc(n, size int) search.Doc {
	r := rand.New(rand.NewPCG(uint64(n), 42))
	name := benchFirst[r.IntN(len(benchFirst))] + " " + benchNames[r.IntN(len(benchNames))]
	var b strings.Builder
	b.WriteString("Sehr geehrte(r) " + name + ",\n\n")
	for b.Len() < size {
		for range 8 + r.IntN(10) {
			b.WriteString(benchWords[r.IntN(len(benchWords))])
			b.WriteByte(' ')
		}
		if r.IntN(4) == 0 {
			b.WriteString(benchNames[r.IntN(len(benchNames))] + " ")
		}
		b.WriteString(".\n")
	}
	return search.Doc{
		ID:      id(n),
		Citizen: fmt.Sprintf("B%04d", n/3), // three documents per citizen
		Class:   benchClasses[r.IntN(len(benchClasses))],
		Source:  benchSources[r.IntN(len(benchSources))],
		Status:  search.StatusActive,
		Title:   benchWords[r.IntN(20)] + " " + name,
		Text:    b.String(),
		Date:    day(2015+r.IntN(11), time.Month(1+r.IntN(12)), 1+r.IntN(28)),
		Created: created,
		Names:   []string{name},
	}
}

// BenchmarkIndex1000 indexes 1,000 documents of 3 KB and reports the rate and the size on disk
// after Close (which leaves the segments persisted and merged as Bleve left them).
func BenchmarkIndex1000(b *testing.B) {
	const n, size = 1000, 3000
	docs := make([]search.Doc, n)
	textBytes := 0
	for i := range docs {
		docs[i] = benchDoc(i, size)
		textBytes += len(docs[i].Text)
	}
	ctx := context.Background()
	var dirBytes int64
	for b.Loop() {
		dir := b.TempDir() + "/index"
		ix, err := search.Open(dir, nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, d := range docs {
			if err := ix.Put(ctx, d); err != nil {
				b.Fatal(err)
			}
		}
		if err := ix.Flush(ctx); err != nil {
			b.Fatal(err)
		}
		if err := ix.Close(); err != nil {
			b.Fatal(err)
		}
		dirBytes = duBytes(b, dir)
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "docs/s")
	b.ReportMetric(float64(dirBytes)/float64(n), "disk-bytes/doc")
	b.ReportMetric(float64(dirBytes)/float64(textBytes), "disk/text")
}

// BenchmarkSearch runs typical clerk queries over 1,000 documents of 3 KB.
func BenchmarkSearch(b *testing.B) {
	ix, _ := open(b, nil)
	for i := range 1000 {
		if err := ix.Put(context.Background(), benchDoc(i, 3000)); err != nil {
			b.Fatal(err)
		}
	}
	if err := ix.Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
	for _, req := range []search.Request{
		{Query: "bürger:B0123"},
		{Query: "Müller"},
		{Query: "Reisepässe Anträge"},
		{Query: `"Antrag auf Reisepass"`},
		{Query: "Bescheid klasse:tax von:2020-01-01"},
		{Query: "Bescheid Widerspruch", Facets: true, Highlight: true},
	} {
		req.Role = search.Clerk
		b.Run(req.Query, func(b *testing.B) {
			for b.Loop() {
				if _, err := ix.Search(context.Background(), req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func duBytes(tb testing.TB, dir string) int64 {
	var total int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			total += info.Size()
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return total
}
