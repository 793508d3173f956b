package archive_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"akte/archive"
	"akte/archive/archivetest"
	"akte/archive/store"
	"akte/retention"
	"akte/search"
)

var (
	officer = archive.Actor{Name: "test-officer", Role: archive.RoleRecordsOfficer}
	start   = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ingestClass(t testing.TB, a *archive.Archive, citizen string, class archive.Class, title string, facts map[string]archive.Date) *archive.Record {
	t.Helper()
	res, err := a.Ingest(ctx, archive.IngestRequest{Actor: clerk, Citizen: archive.CitizenID(citizen), Class: class,
		Title: title, Facts: facts, Body: bytes.NewReader(archivetest.MakePDF(title, citizen+" "+string(class)))})
	if err != nil {
		t.Fatalf("ingest %s for %s: %v", class, citizen, err)
	}
	return res.Record
}

func lockOf(t *testing.T, st store.Store, rec *archive.Record) store.ObjectInfo {
	t.Helper()
	ref, _ := rec.Manifest.File(archive.FileArchive)
	info, err := st.Stat(ctx, ref.Key, ref.VersionID)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

func sweep(t *testing.T, a *archive.Archive) archive.SweepReport {
	t.Helper()
	rep, err := a.Sweep(ctx, archive.SweepOptions{})
	if err != nil {
		t.Fatalf("sweep: %v", err)
	}
	for _, it := range rep.Items {
		if it.Error != "" {
			t.Errorf("sweep: %s: %s", it.Record, it.Error)
		}
	}
	return rep
}

func swept(rep archive.SweepReport, id archive.RecordID) []string {
	for _, it := range rep.Items {
		if it.Record == id {
			return it.Actions
		}
	}
	return nil
}

// TestTaxRecordLifecycle: AO §147 — locked until the earliest date, refused
// deletion before, disposed of by the first sweep on that date, with a
// certificate that names no person; a second sweep does nothing.
func TestTaxRecordLifecycle(t *testing.T) {
	clock := archivetest.NewClock(start)
	a, st := archivetest.OpenDir(t, t.TempDir(), archive.Options{Now: clock.Now})
	rec := ingestClass(t, a, "B-4711", "tax", "Grundsteuerbescheid Erika Mustermann", nil)
	other := ingestClass(t, a, "B-4712", "correspondence", "Brief", nil)
	due := day("2037-01-01") // 10 years after the end of 2026
	if got := lockOf(t, st, rec).Retention.Until; !got.Equal(due) {
		t.Fatalf("lock %v, want the earliest lawful date %v", got, due)
	}
	ref, _ := rec.Manifest.File(archive.FileOriginal)
	if err := st.Delete(ctx, ref.Key, ref.VersionID); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("delete of a locked original: %v, want ErrLocked", err)
	}

	clock.Set(due.Add(-time.Hour))
	if acts := swept(sweep(t, a), rec.ID); len(acts) != 0 {
		t.Fatalf("a day early the sweep did %v", acts)
	}
	clock.Set(due)
	dry, err := a.Sweep(ctx, archive.SweepOptions{DryRun: true})
	if err != nil || !slices.Contains(swept(dry, rec.ID), archive.ActionDispose) {
		t.Fatalf("dry run: %+v, %v", dry, err)
	}
	if _, err := a.Record(ctx, rec.ID); err != nil {
		t.Fatalf("the dry run disposed: %v", err)
	}
	rep := sweep(t, a)
	if acts := swept(rep, rec.ID); !slices.Equal(acts, []string{archive.ActionDispose}) {
		t.Fatalf("on the due date the sweep did %v (report %+v)", acts, rep)
	}
	if _, err := a.Record(ctx, rec.ID); !errors.Is(err, archive.ErrDisposed) || !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("record after disposal: %v", err)
	}
	for info, err := range st.List(ctx, "records/"+string(rec.ID)+"/", "") {
		t.Errorf("object left after disposal: %v %v", info.Key, err)
	}
	if _, err := a.Record(ctx, other.ID); err != nil {
		t.Errorf("the other citizen's record: %v", err)
	}
	cert, err := a.Certificate(ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cert.Outcome != "destroyed" || cert.Class != "tax" || !cert.Earliest.Equal(due) || len(cert.Versions) != 1 ||
		len(cert.Versions[0].Files) != 3 || cert.Objects != 4 || !slices.Contains(cert.Basis, "AO §147(1) Nr. 4, (3), (4)") {
		t.Errorf("certificate: %+v", cert)
	}
	raw, _, err := store.ReadAll(ctx, st, archive.CertificateKey(rec.ID), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, pii := range []string{"B-4711", "Mustermann", "Grundsteuer"} {
		if bytes.Contains(raw, []byte(pii)) {
			t.Errorf("certificate names %q:\n%s", pii, raw)
		}
	}
	if info, _ := st.Stat(ctx, archive.CertificateKey(rec.ID), ""); !info.Retention.Active(due) {
		t.Error("certificate is not locked")
	}
	if again := sweep(t, a); len(again.Items) != 0 {
		t.Errorf("second sweep did %+v", again.Items)
	}
	if n, _ := a.Count(ctx); n != 1 {
		t.Errorf("count %d after disposal, want 1", n)
	}
}

// TestHoldBlocksDisposal: a legal hold keeps a due record and sets the
// store's legal hold; releasing it lets the next sweep dispose of it.
func TestHoldBlocksDisposal(t *testing.T) {
	clock := archivetest.NewClock(start)
	a, st := archivetest.OpenDir(t, t.TempDir(), archive.Options{Now: clock.Now})
	rec := ingestClass(t, a, "B-1", "tax", "Bescheid", nil)
	if _, err := a.SetHold(ctx, officer, rec.ID, ""); !errors.Is(err, archive.ErrInvalid) {
		t.Errorf("hold without reason: %v", err)
	}
	if _, err := a.SetHold(ctx, officer, rec.ID, "VG Musterstadt 3 K 12/26"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SetHold(ctx, officer, rec.ID, "again"); !errors.Is(err, archive.ErrConflict) {
		t.Errorf("second hold: %v", err)
	}
	if !lockOf(t, st, rec).LegalHold {
		t.Error("no legal hold on the archive copy")
	}
	clock.Set(day("2040-01-01"))
	if acts := swept(sweep(t, a), rec.ID); len(acts) != 0 {
		t.Errorf("sweep of a held record: %v", acts)
	}
	if _, err := a.Record(ctx, rec.ID); err != nil {
		t.Fatalf("held record: %v", err)
	}
	ref, _ := rec.Manifest.File(archive.FileArchive)
	if err := st.Delete(ctx, ref.Key, ref.VersionID); !errors.Is(err, store.ErrLocked) {
		t.Errorf("delete under legal hold: %v", err)
	}
	rs, err := a.Retention(ctx, rec.ID)
	if err != nil || rs.Hold == nil || rs.Hold.Reason != "VG Musterstadt 3 K 12/26" || rs.Phase != retention.PhaseDue {
		t.Fatalf("retention status: %+v, %v", rs, err)
	}
	if _, err := a.ClearHold(ctx, officer, rec.ID, "Verfahren abgeschlossen"); err != nil {
		t.Fatal(err)
	}
	if lockOf(t, st, rec).LegalHold {
		t.Error("legal hold still set after release")
	}
	if acts := swept(sweep(t, a), rec.ID); !slices.Equal(acts, []string{archive.ActionDispose}) {
		t.Errorf("sweep after release: %v", acts)
	}
}

// TestCitizenEventTouchesOnlyThatCitizen: BMG §13(2) — after a move the
// registration is restricted from the end of the fifth year after the year
// of the move (records officers only), the other citizen's stays as it was.
func TestCitizenEventTouchesOnlyThatCitizen(t *testing.T) {
	clock := archivetest.NewClock(start)
	a, st := archivetest.OpenDir(t, t.TempDir(), archive.Options{Now: clock.Now})
	mine := ingestClass(t, a, "P-1", "registration", "Anmeldung", nil)
	theirs := ingestClass(t, a, "P-2", "registration", "Anmeldung", nil)
	if _, _, err := a.RecordEvent(ctx, officer, archive.CitizenEvent{Citizen: "P-1", Type: "married"}); !errors.Is(err, archive.ErrInvalid) {
		t.Errorf("unknown event: %v", err)
	}
	if _, _, err := a.RecordEvent(ctx, officer, archive.CitizenEvent{Citizen: "P-1", Type: archive.EventMovedAway, Date: "2027-01-01"}); !errors.Is(err, archive.ErrInvalid) {
		t.Errorf("event in the future: %v", err)
	}
	ev, n, err := a.RecordEvent(ctx, officer, archive.CitizenEvent{Citizen: "P-1", Type: archive.EventMovedAway, Date: "2026-11-21"})
	if err != nil || n != 1 {
		t.Fatalf("event: %d records, %v", n, err)
	}
	if _, err := st.Stat(ctx, "citizens/P-1/events/"+ev.ID+".json", ""); err != nil {
		t.Errorf("event not stored: %v", err)
	}
	rs, err := a.Retention(ctx, mine.ID)
	if err != nil || !rs.Restricted.Equal(day("2032-01-01")) {
		t.Fatalf("after the move: %+v, %v", rs, err)
	}
	if rs2, _ := a.Retention(ctx, theirs.ID); !rs2.Restricted.IsZero() {
		t.Errorf("the other citizen's record changed: %+v", rs2)
	}
	// The lock follows at the next sweep: at least until the restriction
	// ends, never past the latest date.
	sweep(t, a)
	lock := lockOf(t, st, mine).Retention.Until
	if rs, _ = a.Retention(ctx, mine.ID); lock.Before(rs.Earliest) && !rs.Earliest.IsZero() || (!rs.Latest.IsZero() && lock.After(rs.Latest)) {
		t.Errorf("lock %v, earliest %v, latest %v", lock, rs.Earliest, rs.Latest)
	}
	clock.Set(day("2032-01-01"))
	if acts := swept(sweep(t, a), mine.ID); !slices.Contains(acts, archive.ActionRestrict) {
		t.Errorf("sweep on the restriction date: %v", acts)
	}
	if _, err := a.Get(ctx, archive.GetRequest{ID: mine.ID, Actor: clerk}); !errors.Is(err, archive.ErrForbidden) {
		t.Errorf("clerk reads a restricted record: %v", err)
	}
	if _, err := a.Get(ctx, archive.GetRequest{ID: mine.ID, Actor: officer, Purpose: "Auskunft"}); err != nil {
		t.Errorf("records officer reads a restricted record: %v", err)
	}
	if _, err := a.Get(ctx, archive.GetRequest{ID: theirs.ID, Actor: clerk}); err != nil {
		t.Errorf("clerk reads the other citizen's active record: %v", err)
	}
}

// TestReviewNeedsApproval: correspondence waits for a records officer once
// due; the approver is named on the certificate.
func TestReviewNeedsApproval(t *testing.T) {
	clock := archivetest.NewClock(start)
	a, _ := archivetest.OpenDir(t, t.TempDir(), archive.Options{Now: clock.Now})
	rec := ingestClass(t, a, "C-1", "correspondence", "Widerspruch", nil)
	if _, _, err := a.RecordEvent(ctx, officer, archive.CitizenEvent{Citizen: "C-1", Type: archive.EventCaseClosed, Date: "2026-11-21"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Approve(ctx, officer, rec.ID, ""); !errors.Is(err, archive.ErrConflict) {
		t.Errorf("approval before due: %v", err)
	}
	clock.Set(day("2037-01-01"))
	if acts := swept(sweep(t, a), rec.ID); !slices.Equal(acts, []string{archive.ActionAwait}) {
		t.Errorf("due review: %v", acts)
	}
	if again := sweep(t, a); len(again.Items) != 0 {
		t.Errorf("a waiting record is swept again: %+v", again.Items)
	}
	plan, err := a.Plan(ctx, archive.PlanRequest{})
	if err != nil || len(plan.Items) != 1 || plan.Items[0].Awaiting != "approval" {
		t.Fatalf("plan: %+v, %v", plan, err)
	}
	if _, err := a.Approve(ctx, officer, rec.ID, "geprüft"); err != nil {
		t.Fatal(err)
	}
	if plan, _ := a.Plan(ctx, archive.PlanRequest{}); len(plan.Items) != 1 || plan.Items[0].Awaiting != "" {
		t.Errorf("plan after approval: %+v", plan.Items)
	}
	if acts := swept(sweep(t, a), rec.ID); !slices.Equal(acts, []string{archive.ActionDispose}) {
		t.Errorf("approved review: %v", acts)
	}
	cert, err := a.Certificate(ctx, rec.ID)
	if err != nil || cert.Approver == nil || cert.Approver.By != officer.Name {
		t.Errorf("certificate approver: %+v, %v", cert, err)
	}
}

// TestRetentionSurvivesRebuild: events, facts and holds are in the bucket;
// a catalog rebuilt from it gives the same dates and the hold.
func TestRetentionSurvivesRebuild(t *testing.T) {
	clock := archivetest.NewClock(start)
	dir := t.TempDir()
	a, st := archivetest.OpenDir(t, dir, archive.Options{Now: clock.Now})
	pass := ingestClass(t, a, "D-1", "passport-application", "Reisepass", nil)
	held := ingestClass(t, a, "D-1", "tax", "Bescheid", nil)
	if _, err := a.SetFacts(ctx, officer, pass.ID, map[string]archive.Date{"valid_until": "2030-05-01"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.RecordEvent(ctx, officer, archive.CitizenEvent{Citizen: "D-1", Type: archive.EventNewDocument, Detail: "passport", Date: "2026-11-20"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SetHold(ctx, officer, held.ID, "Prüfung Rechnungshof"); err != nil {
		t.Fatal(err)
	}
	before := map[archive.RecordID]*archive.RetentionStatus{}
	for _, id := range []archive.RecordID{pass.ID, held.ID} {
		if before[id], _ = a.Retention(ctx, id); before[id] == nil {
			t.Fatal("no status")
		}
	}
	if err := errors.Join(a.Close(), st.Close()); err != nil {
		t.Fatal(err)
	}
	b, _ := archivetest.OpenDir(t, dir, archive.Options{Now: clock.Now, Rebuild: true})
	for id, want := range before {
		got, err := b.Retention(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		if string(g) != string(w) {
			t.Errorf("%s after rebuild:\n got %s\nwant %s", id, g, w)
		}
	}
	evs, err := b.Events(ctx, "D-1")
	if err != nil || len(evs) != 1 || evs[0].Detail != "passport" {
		t.Errorf("events after rebuild: %+v, %v", evs, err)
	}
}

func TestPlanOrder(t *testing.T) {
	clock := archivetest.NewClock(start)
	a, _ := archivetest.OpenDir(t, t.TempDir(), archive.Options{Now: clock.Now})
	for i := range 5 {
		clock.Set(start.AddDate(-i, 0, 0))
		ingestClass(t, a, fmt.Sprintf("E-%d", i), "tax", "Bescheid", nil)
	}
	clock.Set(start)
	plan, err := a.Plan(ctx, archive.PlanRequest{Until: day("2034-12-31")})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range plan.Items {
		got = append(got, it.Earliest.Format(time.DateOnly))
	}
	if want := "2033-01-01 2034-01-01"; strings.Join(got, " ") != want {
		t.Errorf("plan until 2034: %v, want %s", got, want)
	}
}

// TestOldDocumentDueAtOnce: a tax file dated 2015 archived in 2026 is past
// AO §147 already: not locked, disposed of by the first sweep.
func TestOldDocumentDueAtOnce(t *testing.T) {
	clock := archivetest.NewClock(start)
	a, st := archivetest.OpenDir(t, t.TempDir(), archive.Options{Now: clock.Now})
	res, err := a.Ingest(ctx, archive.IngestRequest{Actor: clerk, Citizen: "F-1", Class: "tax", Date: "2015-03-01",
		Title: "Gewerbesteuer 2015", Body: bytes.NewReader(archivetest.MakePDF("Gewerbesteuer", "2015"))})
	if err != nil {
		t.Fatal(err)
	}
	if info := lockOf(t, st, res.Record); info.Retention.Active(start) {
		t.Errorf("a record due at ingest is locked until %v", info.Retention.Until)
	}
	if acts := swept(sweep(t, a), res.Record.ID); !slices.Equal(acts, []string{archive.ActionDispose}) {
		t.Errorf("first sweep: %v", acts)
	}
}

// TestRestrictedAndDisposedInSearch: once restricted, a record leaves the
// clerks' search and stays in the records officers'; once disposed of, it
// is in nobody's.
func TestRestrictedAndDisposedInSearch(t *testing.T) {
	clock := archivetest.NewClock(start)
	dir := t.TempDir()
	idx, _ := openIndex(t, filepath.Join(dir, "index"))
	t.Cleanup(func() { idx.Close() })
	a, _ := archivetest.OpenDir(t, dir, archive.Options{Now: clock.Now, Search: idx})
	reg := ingestClass(t, a, "H-1", "registration", "Anmeldung Hauptwohnung", nil)
	tax := ingestClass(t, a, "H-1", "tax", "Hundesteuer Bescheid", nil)
	if _, _, err := a.RecordEvent(ctx, officer, archive.CitizenEvent{Citizen: "H-1", Type: archive.EventMovedAway, Date: "2026-11-21"}); err != nil {
		t.Fatal(err)
	}
	find := func(role search.Role) []string {
		t.Helper()
		if err := a.FlushSearch(ctx); err != nil {
			t.Fatal(err)
		}
		res, err := a.Search(ctx, archive.SearchRequest{Query: "bürger:H-1", Role: role, Size: 10})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		slices.Sort(ids)
		return ids
	}
	both := []string{string(reg.ID), string(tax.ID)}
	slices.Sort(both)
	if got := find(search.Clerk); !slices.Equal(got, both) {
		t.Fatalf("clerk before restriction: %v", got)
	}
	clock.Set(day("2037-01-01")) // registration restricted since 2032, tax due
	sweep(t, a)
	if got := find(search.Clerk); len(got) != 0 {
		t.Errorf("clerk finds %v after restriction and disposal", got)
	}
	if got := find(search.RecordsOfficer); !slices.Equal(got, []string{string(reg.ID)}) {
		t.Errorf("records officer finds %v, want only the restricted registration", got)
	}
}
