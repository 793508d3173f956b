package archive_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"akte/archive"
	"akte/archive/archivetest"
	"akte/pdfa"
	"akte/signing"
	"akte/signing/signingtest"
)

func testSealer(t *testing.T, ca *signingtest.CA, tsa *signing.TSA) *signing.Sealer {
	t.Helper()
	chain, key := ca.Issue(t, signingtest.LeafOptions{CommonName: "Stadt Musterstadt"})
	s, err := signing.NewSealer(signing.Options{Seal: &signing.Seal{Signer: key, Chain: chain}, TSA: tsa, Reason: "Archivierung"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Every archive copy is sealed after PDF/A conversion: B-T with a TSA, the
// seal verifies on retrieval and in Verify, and the copy stays PDF/A-2b.
func TestIngestSeals(t *testing.T) {
	ca := signingtest.NewCA(t, "archive")
	tsa := signingtest.StartTSA(t, ca, signingtest.TSAOptions{})
	a := archivetest.Open(t, archive.Options{Converter: archive.PDFA{}, Sealer: testSealer(t, ca, &signing.TSA{URL: tsa.URL}),
		Trust: signing.Trust{Roots: ca.Pool}})
	ctx := context.Background()
	for _, body := range [][]byte{archivetest.FormSubmission("Krüger"), archivetest.MakePDFA(t, "Lang")} {
		media := ""
		if body[0] == '{' {
			media = archive.MediaForm
		}
		res, err := a.Ingest(ctx, archive.IngestRequest{Citizen: "C-1", Class: "registration", Source: "portal",
			Body: bytes.NewReader(body), MediaType: media, Actor: archive.System})
		if err != nil {
			t.Fatal(err)
		}
		m := res.Record.Manifest
		if m.Seal == nil || m.Seal.Level != "B-T" || m.Seal.Timestamp.IsZero() || !strings.Contains(m.Seal.Signer, "Stadt Musterstadt") {
			t.Fatalf("manifest seal %+v", m.Seal)
		}
		doc, err := a.Get(ctx, archive.GetRequest{ID: m.Record, Actor: archive.System, Purpose: "test", VerifySeal: true})
		if err != nil {
			t.Fatal(err)
		}
		if doc.Seal == nil || !doc.Seal.Valid || doc.Seal.Level != "B-T" {
			t.Fatalf("seal verdict %v", doc.Seal)
		}
		rep, err := pdfa.Check(ctx, doc.Data, nil)
		if err != nil || !rep.OK() {
			t.Fatalf("sealed copy is not PDF/A-2b: %v %v", err, rep.Violations)
		}
	}
	rep, err := a.Verify(ctx, nil, nil)
	if err != nil || !rep.OK() || rep.Seals != 2 {
		t.Fatalf("verify: %v seals=%d problems=%v", err, rep.Seals, rep.Problems)
	}
}

// A TSA that does not answer: ErrUnavailable, nothing archived.
func TestIngestTSAUnavailable(t *testing.T) {
	ca := signingtest.NewCA(t, "archive")
	a := archivetest.Open(t, archive.Options{Converter: archive.PDFA{},
		Sealer: testSealer(t, ca, &signing.TSA{URL: "http://127.0.0.1:1/tsa", Timeout: 200 * time.Millisecond, Retries: -1})})
	_, err := a.Ingest(context.Background(), archive.IngestRequest{Citizen: "C-1", Class: "registration", Source: "portal",
		Body: bytes.NewReader(archivetest.MakePDFA(t, "Roth")), Actor: archive.System})
	if !errors.Is(err, archive.ErrUnavailable) {
		t.Fatalf("got %v, want ErrUnavailable", err)
	}
	if n, _ := a.Count(context.Background()); n != 0 {
		t.Fatalf("%d records after a failed seal", n)
	}
}

// A signed input is archived with its original byte-exact and the verdict
// on the original's signature in the manifest.
func TestSignedOriginalVerdict(t *testing.T) {
	ours := signingtest.NewCA(t, "ours")
	foreign := signingtest.NewCA(t, "foreign")
	a := archivetest.Open(t, archive.Options{Converter: archive.PDFA{}, Sealer: testSealer(t, ours, nil),
		Trust: signing.Trust{Roots: ours.Pool}})
	ctx := context.Background()
	for _, tc := range []struct {
		ca   *signingtest.CA
		want string
	}{{ours, "valid: "}, {foreign, "invalid: "}} {
		signed, _, err := testSealer(t, tc.ca, nil).Sign(ctx, archivetest.MakePDFA(t, "Signiert"), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		res, err := a.Ingest(ctx, archive.IngestRequest{Citizen: "C-2", Class: "registration", Source: "api",
			Body: bytes.NewReader(signed), Actor: archive.System})
		if err != nil {
			t.Fatal(err)
		}
		st := res.Record.Manifest.Stages
		if st["original_signed"] != "true" || !strings.HasPrefix(st["original_signature"], tc.want) {
			t.Errorf("stages %v, want original_signature %q…", st, tc.want)
		}
		orig, err := a.Get(ctx, archive.GetRequest{ID: res.Record.Manifest.Record, Original: true, Actor: archive.System, Purpose: "test"})
		if err != nil || !bytes.Equal(orig.Data, signed) {
			t.Fatalf("the signed original was not kept byte-exact: %v", err)
		}
	}
}
