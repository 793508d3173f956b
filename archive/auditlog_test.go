package archive_test

import (
	"errors"
	"testing"
	"time"

	"akte/archive"
	"akte/archive/archivetest"
)

func TestAuditLogReadsAndIsAudited(t *testing.T) {
	a := archivetest.Open(t, archive.Options{})
	auditor := archive.Actor{Name: "test-auditor", Role: "auditor"}
	r1 := ingest(t, a, "P-1", archivetest.MakePDF("A", "eins"))
	r2 := ingest(t, a, "P-2", archivetest.MakePDF("B", "zwei"))
	for range 3 {
		if _, err := a.Get(ctx, archive.GetRequest{Actor: clerk, ID: r1.ID, Purpose: "Az. 1/26"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Get(ctx, archive.GetRequest{Actor: clerk, ID: r2.ID, Original: true, Purpose: "Az. 2/26"}); err != nil {
		t.Fatal(err)
	}
	head := a.AuditHead()

	page, err := a.AuditLog(ctx, archive.AuditQuery{Record: r1.ID, Action: "read", By: auditor})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Entries) != 3 || page.Next != 0 {
		t.Fatalf("reads of %s: %d entries (next %d), want 3", r1.ID, len(page.Entries), page.Next)
	}
	for _, e := range page.Entries {
		if e.Actor != clerk.Name || e.Role != clerk.Role || e.Record != string(r1.ID) || e.Purpose != "Az. 1/26" || e.Citizen != "P-1" {
			t.Fatalf("entry %+v", e)
		}
	}
	// The read itself is the newest entry.
	if got := a.AuditHead(); got != head+1 {
		t.Fatalf("head %d after reading the log, want %d", got, head+1)
	}
	page, err = a.AuditLog(ctx, archive.AuditQuery{Action: archive.ActionAuditRead, Limit: 1, By: auditor})
	if err != nil {
		t.Fatal(err)
	}
	if e := page.Entries[0]; e.Actor != auditor.Name || e.Role != "auditor" || e.Record != string(r1.ID) ||
		e.Detail["action"] != "read" || e.Detail["entries"] != "3" {
		t.Fatalf("audit of the read: %+v", e)
	}
	// Paging: one entry per page, newest first, down to entry 1.
	var seqs []uint64
	q := archive.AuditQuery{Limit: 1, By: auditor}
	for {
		page, err := a.AuditLog(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Entries {
			seqs = append(seqs, e.Seq)
		}
		if page.Next == 0 {
			break
		}
		q.Before = page.Next
	}
	if len(seqs) != int(head+2) || seqs[len(seqs)-1] != 1 {
		t.Fatalf("paged %d entries ending at %v, want %d ending at 1", len(seqs), seqs[len(seqs)-1], head+2)
	}

	for _, bad := range []archive.AuditQuery{
		{},                            // no reader
		{By: auditor, Record: "../x"}, // malformed record
		{By: auditor, Citizen: "P 1"}, // malformed citizen
		{By: auditor, Limit: 501},     // too many
		{By: auditor, Since: tm(2), Until: tm(1)},
	} {
		if _, err := a.AuditLog(ctx, bad); !errors.Is(err, archive.ErrInvalid) {
			t.Errorf("query %+v: %v, want ErrInvalid", bad, err)
		}
	}
	rep, err := a.VerifyAudit(ctx)
	if err != nil || !rep.OK() || rep.Head != a.AuditHead() {
		t.Fatalf("verify: %+v, %v", rep, err)
	}
}

func tm(hour int) time.Time { return time.Date(2026, 1, 1, hour, 0, 0, 0, time.UTC) }
