package signing_test

import (
	"context"
	"testing"
	"time"

	"akte/archive/archivetest"
	"akte/signing"
	"akte/signing/signingtest"
)

// FuzzVerify: any bytes give a report or a typed error within the
// deadline, never a panic or a hang.
func FuzzVerify(f *testing.F) {
	ca := signingtest.NewCA(f, "fuzz")
	chain, key := ca.Issue(f, signingtest.LeafOptions{})
	s, err := signing.NewSealer(signing.Options{Seal: &signing.Seal{Signer: key, Chain: chain}})
	if err != nil {
		f.Fatal(err)
	}
	in := archivetest.MakePDFA(f, "Fuzz")
	out, _, err := s.Sign(context.Background(), in, time.Now())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(out)
	f.Add(out[:len(out)/2])
	f.Add(out[len(out)-3000:])
	f.Add(archivetest.MakePDF("a", "b"))
	f.Add([]byte("%PDF-1.7\ntrailer<</Root 1 0 R/Size 2>>\nstartxref\n0\n%%EOF"))
	trust := signing.Trust{Roots: ca.Pool}
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		start := time.Now()
		rep, err := signing.Verify(ctx, data, trust, time.Now())
		if err == nil && rep == nil {
			t.Fatal("nil report without error")
		}
		// Sealing must refuse or succeed, never panic.
		s.Sign(ctx, data, time.Now())
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("took %v", d)
		}
	})
}
