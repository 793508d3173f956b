package signing_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"akte/archive/archivetest"
	"akte/signing"
	"akte/signing/signingtest"
)

// makePages returns a plain PDF with n text pages and, when pad > 0, one
// extra stream of pad bytes (to measure hashing cost per megabyte).
func makePages(n, pad int) []byte {
	var objs []string
	kids := ""
	for i := range n {
		kids += fmt.Sprintf("%d 0 R ", 4+2*i)
	}
	objs = append(objs, "<< /Type /Catalog /Pages 2 0 R >>",
		fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids, n),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	for i := range n {
		var c bytes.Buffer
		for l := range 40 {
			fmt.Fprintf(&c, "BT /F1 10 Tf 60 %d Td (Seite %d, Zeile %d: Antrag auf Erteilung eines Reisepasses) Tj ET\n", 780-18*l, i+1, l+1)
		}
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", 5+2*i),
			fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", c.Len(), c.String()))
	}
	if pad > 0 {
		objs = append(objs, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", pad, bytes.Repeat([]byte{'x'}, pad)))
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>] >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// BenchmarkSeal: seals per second for each key, level and document size.
// Run with -cpu 1 for the per-core rate (scripts/bench.sh does).
func BenchmarkSeal(b *testing.B) {
	ca := signingtest.NewCA(b, "bench")
	tsa := signingtest.StartTSA(b, ca, signingtest.TSAOptions{})
	docs := []struct {
		name string
		pdf  []byte
	}{
		{"1page", archivetest.MakePDFA(b, "Bench")},
		{"50pages", makePages(50, 0)},
		{"10MB", makePages(1, 10<<20)},
	}
	for _, kt := range []signingtest.KeyType{signingtest.P256, signingtest.RSA2048, signingtest.RSA3072} {
		chain, key := ca.Issue(b, signingtest.LeafOptions{Key: signingtest.CachedKey(kt)})
		for _, level := range []signing.Level{signing.LevelBB, signing.LevelBT} {
			opts := signing.Options{Seal: &signing.Seal{Signer: key, Chain: chain}}
			if level == signing.LevelBT {
				opts.TSA = &signing.TSA{URL: tsa.URL}
			}
			s, err := signing.NewSealer(opts)
			if err != nil {
				b.Fatal(err)
			}
			for _, d := range docs {
				if d.name == "10MB" && (level == signing.LevelBT || kt != signingtest.P256) {
					continue
				}
				b.Run(fmt.Sprintf("%s/%s/%s", kt, level, d.name), func(b *testing.B) {
					b.SetBytes(int64(len(d.pdf)))
					now := time.Now()
					for b.Loop() {
						if _, _, err := s.Sign(context.Background(), d.pdf, now); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "seals/s")
				})
			}
		}
	}
}

// BenchmarkVerify: verifications per second of a sealed 1-page document.
func BenchmarkVerify(b *testing.B) {
	ca := signingtest.NewCA(b, "bench")
	tsa := signingtest.StartTSA(b, ca, signingtest.TSAOptions{})
	for _, kt := range []signingtest.KeyType{signingtest.P256, signingtest.RSA3072} {
		for _, level := range []signing.Level{signing.LevelBB, signing.LevelBT} {
			chain, key := ca.Issue(b, signingtest.LeafOptions{Key: signingtest.CachedKey(kt)})
			opts := signing.Options{Seal: &signing.Seal{Signer: key, Chain: chain}}
			if level == signing.LevelBT {
				opts.TSA = &signing.TSA{URL: tsa.URL}
			}
			s, err := signing.NewSealer(opts)
			if err != nil {
				b.Fatal(err)
			}
			out, _, err := s.Sign(context.Background(), archivetest.MakePDFA(b, "Bench"), time.Now())
			if err != nil {
				b.Fatal(err)
			}
			trust := signing.Trust{Roots: ca.Pool}
			b.Run(fmt.Sprintf("%s/%s", kt, level), func(b *testing.B) {
				now := time.Now()
				for b.Loop() {
					rep, err := signing.Verify(context.Background(), out, trust, now)
					if err != nil || !rep.Valid() {
						b.Fatal(err, rep.Reasons())
					}
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "verifies/s")
			})
		}
	}
}
