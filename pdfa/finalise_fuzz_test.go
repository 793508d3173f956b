package pdfa

import (
	"bytes"
	"context"
	"testing"
	"time"
)

// FuzzFinalise applies every fix to arbitrary files without the recover
// guard, so a panic is a fuzz failure. Whatever it appends, the input
// stays a prefix and the checker's reader finds the new catalog.
func FuzzFinalise(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Add(testPDFXRefStream([]string{finCatalog, finPages, finPage, finInfo}, finTrailerX))
	f.Add(testPDF([]string{finCatalog, finPages, finPage, "<< /Title (x) /CreationDate (D:2024) >>"}, finTrailerX))
	all := fixes{metadata: true, outputIntent: true, openAction: true, catalogAA: true, javaScript: true}
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		d, err := openDocument(data, &budget{ctx: ctx, maxMem: 64 << 20})
		if err != nil {
			return
		}
		out, err := d.finalise(all)
		if err != nil {
			return
		}
		if !bytes.HasPrefix(out, data) {
			t.Fatal("the input is not a prefix of the result")
		}
		d2, err := openDocument(out, &budget{ctx: context.Background(), maxMem: 64 << 20})
		if err != nil {
			t.Fatalf("the result cannot be opened: %v", err)
		}
		if _, ok := d2.res(d2.dict(d2.trailer["Root"])["Metadata"]).(*pdfStream); !ok || d2.rebuilt {
			t.Fatalf("the result's catalog has no metadata stream (xref rebuilt: %v)", d2.rebuilt)
		}
	})
}
