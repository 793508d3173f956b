package signing_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"fmt"
	"testing"
	"time"

	"akte/archive/archivetest"
	"akte/signing"
	"akte/signing/signingtest"
)

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
		{"50pages", archivetest.MakePages(50, 0)},
		{"10MB", archivetest.MakePages(1, 10<<20)},
	}
	for _, kt := range []signingtest.KeyType{signingtest.P256, signingtest.RSA2048, signingtest.RSA3072} {
		chain, key := ca.Issue(b, signingtest.LeafOptions{Key: signingtest.CachedKey(kt)})
		// The raw signature alone, in the same run: the ceiling for seals/s.
		b.Run(fmt.Sprintf("%s/raw-signature", kt), func(b *testing.B) {
			digest := sha256.Sum256([]byte("akte"))
			for b.Loop() {
				if _, err := key.Sign(rand.Reader, digest[:], crypto.SHA256); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sigs/s")
		})
		for _, level := range []signing.Level{signing.LevelBB, signing.LevelBT} {
			s := benchSealer(b, chain, key, level, tsa.URL)
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

// benchSealer seals at level (B-T through the TSA at tsaURL).
func benchSealer(b *testing.B, chain []*x509.Certificate, key crypto.Signer, level signing.Level, tsaURL string) *signing.Sealer {
	b.Helper()
	opts := signing.Options{Seal: &signing.Seal{Signer: key, Chain: chain}}
	if level == signing.LevelBT {
		opts.TSA = &signing.TSA{URL: tsaURL}
	}
	s, err := signing.NewSealer(opts)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkVerify: verifications per second of a sealed 1-page document.
func BenchmarkVerify(b *testing.B) {
	ca := signingtest.NewCA(b, "bench")
	tsa := signingtest.StartTSA(b, ca, signingtest.TSAOptions{})
	for _, kt := range []signingtest.KeyType{signingtest.P256, signingtest.RSA3072} {
		for _, level := range []signing.Level{signing.LevelBB, signing.LevelBT} {
			chain, key := ca.Issue(b, signingtest.LeafOptions{Key: signingtest.CachedKey(kt)})
			s := benchSealer(b, chain, key, level, tsa.URL)
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
