package archive

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"akte/archive/catalog"
	"akte/internal/fsutil"
	"akte/retention"
)

// Offers to the state archive follow the xdomea Aussonderung in spirit:
// an offer list (0501, Anbietungsverzeichnis) with the records' metadata
// goes out together with a transfer package (the archive PDFs, their text
// and manifests); the archive answers with its appraisal (0502,
// Bewertungsverzeichnis): per record "A" (archivwürdig: it takes the
// record) or "V" (vernichten). The XML is xdomea-style — element names
// after xdomea 3, not validated against its schema; adapt to your state
// archive's profile.

// OfferRequest asks for an offer of every due record whose disposition is
// offer and that is not offered yet.
type OfferRequest struct {
	// Dir receives offer-<id>.xml and transfer-<id>.zip. It must exist.
	Dir   string
	Actor Actor
}

// OfferResult names what was written. With no record to offer nothing is
// written and ID is empty.
type OfferResult struct {
	ID      string     `json:"id"`
	List    string     `json:"list"`
	Package string     `json:"package"`
	Records []RecordID `json:"records"`
	Created time.Time  `json:"created"`
}

type offerList struct {
	XMLName xml.Name      `xml:"urn:xoev-de:xdomea:schema:3.0.0 Aussonderung.Anbietungsverzeichnis.0501"`
	Kopf    offerHead     `xml:"Kopf"`
	Objekte []offerRecord `xml:"Schriftgutobjekt"`
}

type offerHead struct {
	ProzessID      string `xml:"ProzessID"`
	Nachrichtentyp string `xml:"Nachrichtentyp"`
	Erstellt       string `xml:"Erstellungszeitpunkt"`
	Absender       string `xml:"Absender>Behoerdenkennung>Kennung"`
}

type offerRecord struct {
	ID           string `xml:"Dokument>Identifikation>ID"`
	Betreff      string `xml:"Dokument>AllgemeineMetadaten>Betreff"`
	Kennzeichen  string `xml:"Dokument>AllgemeineMetadaten>Kennzeichen"`
	Datum        string `xml:"Dokument>AllgemeineMetadaten>Datum,omitempty"`
	Erfasst      string `xml:"Dokument>AllgemeineMetadaten>Erfassungsdatum"`
	Aussonderung string `xml:"Dokument>Archivische_Vorbewertung>Aussonderungsart"`
	Frist        string `xml:"Dokument>Aufbewahrungsdauer>Ende"`
	Rechtsgrund  string `xml:"Dokument>Aufbewahrungsdauer>Rechtsgrundlage"`
	Datei        string `xml:"Dokument>Version>Format>Primaerdokument>Dateiname"`
	Pruefsumme   string `xml:"Dokument>Version>Format>Primaerdokument>Pruefsumme"`
}

// Offer writes an offer list and a transfer package for the state archive
// and marks each record offered; they wait for ImportAppraisal. The files
// are written completely before any record is marked, so a failed offer
// leaves the records pending for the next one.
func (a *Archive) Offer(ctx context.Context, req OfferRequest) (OfferResult, error) {
	if !req.Actor.valid() {
		return OfferResult{}, fmt.Errorf("offer: %w", invalid("actor", "who makes the offer must be named (audit)"))
	}
	if fi, err := os.Stat(req.Dir); err != nil || !fi.IsDir() {
		return OfferResult{}, fmt.Errorf("offer: %w", invalid("dir", "%q is not a directory", req.Dir))
	}
	var pending []catalog.Entry
	for e, err := range a.cat.All(ctx) {
		if err != nil {
			return OfferResult{}, fmt.Errorf("offer: %w", err)
		}
		if e.Status == catalog.StatusDisposed {
			continue
		}
		st, err := decodeState(e)
		if err != nil {
			return OfferResult{}, fmt.Errorf("offer: %w", err)
		}
		if st.Offer == OfferPending {
			pending = append(pending, e)
		}
	}
	now := a.opts.Now().UTC()
	res := OfferResult{Records: []RecordID{}, Created: now}
	if len(pending) == 0 {
		return res, nil
	}
	res.ID = string(NewRecordID())
	list := offerList{Kopf: offerHead{ProzessID: res.ID, Nachrichtentyp: "0501", Erstellt: now.Format(time.RFC3339), Absender: "akte"}}
	res.List = filepath.Join(req.Dir, "offer-"+res.ID+".xml")
	res.Package = filepath.Join(req.Dir, "transfer-"+res.ID+".zip")
	xmlData, err := a.writeTransfer(ctx, res.Package, pending, &list, &res)
	if err != nil {
		os.Remove(res.Package)
		return OfferResult{}, fmt.Errorf("offer: %w", err)
	}
	if err := fsutil.WriteNew(res.List, xmlData, 0o640); err != nil {
		return OfferResult{}, fmt.Errorf("offer: %w", err)
	}
	for _, id := range res.Records {
		if _, err := a.annotate(ctx, annotation{Record: id, Kind: "offer", By: req.Actor, Offer: res.ID}, nil); err != nil {
			return res, fmt.Errorf("offer: mark %s offered: %w", id, err)
		}
	}
	return res, nil
}

// writeTransfer writes the transfer package: per record its archive PDF,
// text and manifest, each checked against the manifest's SHA-256, plus the
// offer list; it fills list and res.Records and returns the list's XML.
func (a *Archive) writeTransfer(ctx context.Context, path string, pending []catalog.Entry, list *offerList, res *OfferResult) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	for _, e := range pending {
		var m Manifest
		if err := json.Unmarshal(e.Manifest, &m); err != nil {
			return nil, fmt.Errorf("record %s: catalog copy of manifest: %v: %w", e.ID, err, ErrCorrupt)
		}
		st, err := decodeState(e)
		if err != nil {
			return nil, err
		}
		arch, _ := m.File(FileArchive)
		for _, name := range []string{FileArchive, FileText} {
			ref, ok := m.File(name)
			if !ok {
				continue
			}
			data, err := a.readVerified(ctx, ref)
			if err != nil {
				return nil, fmt.Errorf("record %s: %w", e.ID, err)
			}
			if err := zipFile(zw, string(m.Record)+"/"+name, data); err != nil {
				return nil, err
			}
		}
		if err := zipFile(zw, string(m.Record)+"/"+FileManifest, e.Manifest); err != nil {
			return nil, err
		}
		list.Objekte = append(list.Objekte, offerRecord{ID: string(m.Record), Betreff: m.Title, Kennzeichen: string(m.Class),
			Datum: string(m.Date), Erfasst: m.Created.Format(time.DateOnly), Aussonderung: "A",
			Frist: st.Decision.Earliest.Format(time.DateOnly), Rechtsgrund: strings.Join(st.Decision.Basis, "; "),
			Datei: string(m.Record) + "/" + FileArchive, Pruefsumme: "sha256:" + arch.SHA256})
		res.Records = append(res.Records, m.Record)
	}
	xmlData, err := marshalXML(*list)
	if err != nil {
		return nil, err
	}
	if err := zipFile(zw, "offer-"+res.ID+".xml", xmlData); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	if err := f.Sync(); err != nil {
		return nil, err
	}
	return xmlData, f.Close()
}

func zipFile(zw *zip.Writer, name string, data []byte) error {
	w, err := zw.Create(name)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

func marshalXML(v any) ([]byte, error) {
	b, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(b, '\n')...), nil
}

// AppraisalResult says what an imported appraisal decided.
type AppraisalResult struct {
	Offer   string     `json:"offer"`
	Archive []RecordID `json:"archive"` // taken by the state archive: removed here after transfer
	Destroy []RecordID `json:"destroy"` // declined: destroyed
	// Unknown lists IDs of the appraisal that are not records on offer
	// here (already decided, never offered, or not ours), with the reason.
	Unknown []string `json:"unknown"`
}

// MaxAppraisalBytes bounds an appraisal file.
const MaxAppraisalBytes = 16 << 20

// appraisal is the 0502-style answer: per record an ID and a decision.
type appraisal struct {
	ProzessID string            `xml:"Kopf>ProzessID"`
	Objekte   []appraisedRecord `xml:"BewertetesObjekt"`
}

type appraisedRecord struct {
	ID           string `xml:"ID"`
	Aussonderung string `xml:"Aussonderungsart"` // A archive, V destroy
}

// ParseAppraisal reads an xdomea-style appraisal (0502): the offer's
// ProzessID and, per record, BewertetesObjekt with ID and Aussonderungsart
// A (archive) or V (destroy). Namespaces are ignored. It refuses input
// larger than MaxAppraisalBytes, unknown decisions, malformed or repeated
// IDs, with ErrInvalid naming the problem.
func ParseAppraisal(r io.Reader) (offer string, decisions map[RecordID]string, err error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxAppraisalBytes+1))
	if err != nil {
		return "", nil, fmt.Errorf("appraisal: %w", err)
	}
	if len(data) > MaxAppraisalBytes {
		return "", nil, invalid("appraisal", "larger than %d bytes", MaxAppraisalBytes)
	}
	var ap appraisal
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	if err := dec.Decode(&ap); err != nil {
		return "", nil, invalid("appraisal", "not an appraisal (xdomea 0502-style XML): %v", err)
	}
	if ap.ProzessID == "" {
		return "", nil, invalid("appraisal", "no Kopf/ProzessID naming the offer")
	}
	decisions = map[RecordID]string{}
	for i, o := range ap.Objekte {
		id := RecordID(strings.TrimSpace(o.ID))
		if !id.Valid() {
			return "", nil, invalid("appraisal", "BewertetesObjekt %d: ID %q is not a record ID", i+1, clip(string(id)))
		}
		var d string
		switch strings.TrimSpace(o.Aussonderung) {
		case "A":
			d = OfferArchive
		case "V":
			d = OfferDestroy
		default:
			return "", nil, invalid("appraisal", "record %s: Aussonderungsart %q, want A (archive) or V (destroy)", id, clip(o.Aussonderung))
		}
		if _, dup := decisions[id]; dup {
			return "", nil, invalid("appraisal", "record %s appraised twice", id)
		}
		decisions[id] = d
	}
	return strings.TrimSpace(ap.ProzessID), decisions, nil
}

// ImportAppraisal records the state archive's decisions on an offer; the
// next sweep removes the records it took (certificate outcome
// "transferred") and destroys those it declined.
func (a *Archive) ImportAppraisal(ctx context.Context, actor Actor, r io.Reader) (AppraisalResult, error) {
	offer, decisions, err := ParseAppraisal(r)
	if err != nil {
		return AppraisalResult{}, fmt.Errorf("import appraisal: %w", err)
	}
	res := AppraisalResult{Offer: offer, Archive: []RecordID{}, Destroy: []RecordID{}, Unknown: []string{}}
	ids := make([]RecordID, 0, len(decisions))
	for id := range decisions {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		d := decisions[id]
		_, err := a.annotate(ctx, annotation{Record: id, Kind: "appraisal", By: actor, Decision: d, Offer: offer},
			func(st *state, _ retention.Decision) error {
				if st.Offer != OfferOffered || st.OfferID != offer {
					return fmt.Errorf("%w: not on offer %s (state %q)", ErrConflict, offer, st.Offer)
				}
				return nil
			})
		switch {
		case errors.Is(err, ErrConflict) || errors.Is(err, ErrNotFound):
			res.Unknown = append(res.Unknown, string(id)+": "+err.Error())
		case err != nil:
			return res, fmt.Errorf("import appraisal: %s: %w", id, err)
		case d == OfferArchive:
			res.Archive = append(res.Archive, id)
		default:
			res.Destroy = append(res.Destroy, id)
		}
	}
	return res, nil
}
