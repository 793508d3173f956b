package archive_test

import (
	"bytes"
	"errors"
	"testing"

	"akte/archive"
	"akte/archive/archivetest"
)

// FuzzIngest: whatever a client sends is either archived (and then reads
// back byte-identical) or refused with a typed error; never a panic.
func FuzzIngest(f *testing.F) {
	pdf := archivetest.MakePDF("a", "b")
	f.Add(pdf, "C1", "tax", "Titel", "2024-01-31")
	f.Add([]byte{}, "C1", "tax", "", "")
	f.Add([]byte("%PDF-1.7\n%%EOF"), "../x", "tax", "", "")
	f.Add(pdf[:len(pdf)/2], "C1", "registration", "ä", "2024-13-01")
	f.Add([]byte("\x89PNG\r\n\x1a\n"), "C.1_-", "Tax", "\xff", "")
	a := archivetest.Open(f, archive.Options{MaxBytes: 1 << 16})
	f.Fuzz(func(t *testing.T, body []byte, citizen, class, title, date string) {
		res, err := a.Ingest(ctx, archive.IngestRequest{
			Citizen: archive.CitizenID(citizen), Class: archive.Class(class), Title: title, Date: archive.Date(date),
			Body: bytes.NewReader(body), Actor: clerk,
		})
		if err != nil {
			if !errors.Is(err, archive.ErrInvalid) && !errors.Is(err, archive.ErrRefused) && !errors.Is(err, archive.ErrConflict) {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		doc, err := a.Get(ctx, archive.GetRequest{ID: res.Record.ID, Original: true, Actor: clerk})
		if err != nil || !bytes.Equal(doc.Data, body) {
			t.Fatalf("archived input does not read back: %v", err)
		}
	})
}
