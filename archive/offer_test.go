package archive_test

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"akte/archive"
	"akte/archive/archivetest"
	"akte/retention"
)

const offerSchedule = `
classes:
  building-file:
    title: Bauakte
    disposition: offer
    earliest:
      - {basis: "Testregel: ein Jahr", start: created, after: P1Y}
`

// TestOfferToStateArchive: due offer records go on an offer list with a
// transfer package (archive PDFs checked against their hashes); the
// archive's appraisal decides: "A" is transferred, "V" destroyed, a record
// not appraised keeps waiting; IDs not on offer are reported.
func TestOfferToStateArchive(t *testing.T) {
	sched, err := retention.Parse([]byte(offerSchedule))
	if err != nil {
		t.Fatal(err)
	}
	clock := archivetest.NewClock(start)
	a, _ := archivetest.OpenDir(t, t.TempDir(), archive.Options{Now: clock.Now, Schedule: sched})
	var recs []*archive.Record
	for i := range 3 {
		recs = append(recs, ingestClass(t, a, fmt.Sprintf("G-%d", i), "building-file", fmt.Sprintf("Bauakte Flurstück %d", i), nil))
	}
	out := t.TempDir()
	if res, err := a.Offer(ctx, archive.OfferRequest{Dir: out, Actor: officer}); err != nil || res.ID != "" {
		t.Fatalf("offer before due: %+v, %v", res, err)
	}
	clock.Set(day("2027-11-22"))
	rep := sweep(t, a)
	if rep.Counts[archive.ActionOffer] != 3 {
		t.Fatalf("sweep of due offer records: %+v", rep)
	}
	if again := sweep(t, a); len(again.Items) != 0 {
		t.Errorf("second sweep: %+v", again.Items)
	}
	res, err := a.Offer(ctx, archive.OfferRequest{Dir: out, Actor: officer})
	if err != nil || len(res.Records) != 3 {
		t.Fatalf("offer: %+v, %v", res, err)
	}
	list, err := os.ReadFile(res.List)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if !strings.Contains(string(list), "<ID>"+string(r.ID)+"</ID>") || !strings.Contains(string(list), r.Title) {
			t.Errorf("offer list lacks %s", r.ID)
		}
	}
	zr, err := zip.OpenReader(res.Package)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, r := range recs {
		ref, _ := r.Manifest.File(archive.FileArchive)
		f, err := zr.Open(string(r.ID) + "/archive.pdf")
		if err != nil {
			t.Fatalf("package lacks %s: %v", r.ID, err)
		}
		data, _ := io.ReadAll(f)
		f.Close()
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != ref.SHA256 {
			t.Errorf("%s: packaged PDF differs from the archived one", r.ID)
		}
	}
	if again, _ := a.Offer(ctx, archive.OfferRequest{Dir: out, Actor: officer}); len(again.Records) != 0 {
		t.Errorf("records offered twice: %v", again.Records)
	}

	appraisal := fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<x:Aussonderung.Bewertungsverzeichnis.0502 xmlns:x="urn:xoev-de:xdomea:schema:3.0.0">
  <x:Kopf><x:ProzessID>%s</x:ProzessID></x:Kopf>
  <x:BewertetesObjekt><x:ID>%s</x:ID><x:Aussonderungsart>A</x:Aussonderungsart></x:BewertetesObjekt>
  <x:BewertetesObjekt><x:ID>%s</x:ID><x:Aussonderungsart>V</x:Aussonderungsart></x:BewertetesObjekt>
  <x:BewertetesObjekt><x:ID>01ARZ3NDEKTSV4RRFFQ69G5FAV</x:ID><x:Aussonderungsart>V</x:Aussonderungsart></x:BewertetesObjekt>
</x:Aussonderung.Bewertungsverzeichnis.0502>`, res.ID, recs[0].ID, recs[1].ID)
	ar, err := a.ImportAppraisal(ctx, officer, strings.NewReader(appraisal))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ar.Archive, []archive.RecordID{recs[0].ID}) || !slices.Equal(ar.Destroy, []archive.RecordID{recs[1].ID}) || len(ar.Unknown) != 1 {
		t.Fatalf("appraisal: %+v", ar)
	}
	rep = sweep(t, a)
	if acts := swept(rep, recs[0].ID); !slices.Equal(acts, []string{archive.ActionTransfer}) {
		t.Errorf("archived record: %v", acts)
	}
	if acts := swept(rep, recs[1].ID); !slices.Equal(acts, []string{archive.ActionDispose}) {
		t.Errorf("declined record: %v", acts)
	}
	if acts := swept(rep, recs[2].ID); len(acts) != 0 {
		t.Errorf("record not yet appraised: %v", acts)
	}
	for i, want := range []string{"transferred", "destroyed"} {
		c, err := a.Certificate(ctx, recs[i].ID)
		if err != nil || c.Outcome != want || c.OfferID != res.ID {
			t.Errorf("certificate %d: %+v, %v", i, c, err)
		}
	}
	plan, err := a.Plan(ctx, archive.PlanRequest{})
	if err != nil || len(plan.Items) != 1 || plan.Items[0].Awaiting != "appraisal" {
		t.Errorf("plan: %+v, %v", plan.Items, err)
	}
}

func TestParseAppraisalRefuses(t *testing.T) {
	for name, in := range map[string]string{
		"not xml":      "A,01ARZ3NDEKTSV4RRFFQ69G5FAV",
		"no process":   `<a><BewertetesObjekt><ID>01ARZ3NDEKTSV4RRFFQ69G5FAV</ID><Aussonderungsart>A</Aussonderungsart></BewertetesObjekt></a>`,
		"bad decision": `<a><Kopf><ProzessID>p</ProzessID></Kopf><BewertetesObjekt><ID>01ARZ3NDEKTSV4RRFFQ69G5FAV</ID><Aussonderungsart>B</Aussonderungsart></BewertetesObjekt></a>`,
		"bad id":       `<a><Kopf><ProzessID>p</ProzessID></Kopf><BewertetesObjekt><ID>../x</ID><Aussonderungsart>A</Aussonderungsart></BewertetesObjekt></a>`,
		"twice":        `<a><Kopf><ProzessID>p</ProzessID></Kopf><BewertetesObjekt><ID>01ARZ3NDEKTSV4RRFFQ69G5FAV</ID><Aussonderungsart>A</Aussonderungsart></BewertetesObjekt><BewertetesObjekt><ID>01ARZ3NDEKTSV4RRFFQ69G5FAV</ID><Aussonderungsart>V</Aussonderungsart></BewertetesObjekt></a>`,
		"too large":    "<a>" + strings.Repeat(" ", archive.MaxAppraisalBytes) + "</a>",
		"entity":       `<!DOCTYPE a [<!ENTITY x "y">]><a><Kopf><ProzessID>&x;</ProzessID></Kopf></a>`,
		"unclosed":     `<a><Kopf>`,
	} {
		if _, _, err := archive.ParseAppraisal(strings.NewReader(in)); !errors.Is(err, archive.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
}

// FuzzParseAppraisal: any input is parsed or refused with ErrInvalid; a
// parsed appraisal names only valid record IDs and known decisions.
func FuzzParseAppraisal(f *testing.F) {
	f.Add(`<a><Kopf><ProzessID>p</ProzessID></Kopf><BewertetesObjekt><ID>01ARZ3NDEKTSV4RRFFQ69G5FAV</ID><Aussonderungsart>A</Aussonderungsart></BewertetesObjekt></a>`)
	f.Add(`<?xml version="1.0"?><x:y xmlns:x="u"><x:Kopf><x:ProzessID>1</x:ProzessID></x:Kopf></x:y>`)
	f.Fuzz(func(t *testing.T, in string) {
		offer, ds, err := archive.ParseAppraisal(strings.NewReader(in))
		if err != nil {
			if !errors.Is(err, archive.ErrInvalid) {
				t.Fatalf("error %v is not ErrInvalid", err)
			}
			return
		}
		if offer == "" {
			t.Fatal("parsed without an offer ID")
		}
		for id, d := range ds {
			if !id.Valid() || (d != archive.OfferArchive && d != archive.OfferDestroy) {
				t.Fatalf("parsed %q → %q", id, d)
			}
		}
	})
}
