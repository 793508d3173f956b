package pdfa

// The direct finaliser: what ConvertPDF tries before Ghostscript. When every
// violation Check found in an input is about metadata, the output intent,
// catalog-level actions or the trailer, the finaliser fixes them with an
// incremental update (ISO 32000-1 7.5.6) appended to the unchanged input:
//
//   - a new XMP metadata stream claiming PDF/A-2b, mirroring the document
//     information dictionary (and, where Info is silent, the old XMP);
//   - an sRGB output intent (GTS_PDFA1) replacing the OutputIntents array;
//   - a new version of the catalog, under its own object number, with
//     those two and without a forbidden OpenAction, the catalog's AA and
//     Names/JavaScript;
//   - a new version of the Info dictionary only when one of its dates
//     cannot be mirrored in XMP (the date is dropped);
//   - a cross-reference section of the input's kind (a classic table after
//     a table, a stream after a stream) whose trailer keeps the first
//     element of the input's ID and adds a second.
//
// The input is a byte-for-byte prefix of the result, so the earlier
// revision (old metadata, a signature's byte range) stays recoverable. An
// incremental update cannot change the file header: a missing binary
// comment (6.1.2) is left to Ghostscript, as is everything else (fonts,
// transparency, filters, annotations).

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"akte/pdfa/internal/pdfw"
)

// errNotFinalisable: the file cannot be fixed by an incremental update.
var errNotFinalisable = errors.New("cannot be fixed by an incremental update")

// fixes are the changes the finaliser makes; planFixes derives them from
// the violations of a Check report.
type fixes struct {
	metadata     bool // write new XMP metadata (6.6)
	outputIntent bool // replace OutputIntents with sRGB (6.2.3, device colour)
	openAction   bool // drop the catalog's OpenAction (6.5.1)
	catalogAA    bool // drop the catalog's AA (6.5.2)
	javaScript   bool // drop Names/JavaScript (6.5.1)
	trailerID    bool // the trailer lacks a valid ID (6.1.3)
}

// noIntentFixes are colour findings that an sRGB output intent removes.
var noIntentFixes = []string{
	"DeviceRGB is used without a matching PDF/A output intent",
	"DeviceGray is used without a matching PDF/A output intent",
	"the page uses transparency but defines no blending colour space and the file has no PDF/A output intent",
}

// planFixes returns the changes that remove every violation of rep, or
// false when one of them is beyond the finaliser. It matches the clause,
// object and message the checker writes; TestConvertPDFFinalises pins one
// input per case.
func planFixes(rep *Report) (fixes, bool) {
	var f fixes
	for _, v := range rep.Violations {
		switch {
		case strings.HasPrefix(string(v.Clause), "6.6.") && (v.Object == "catalog" || v.Object == "catalog metadata"):
			f.metadata = true
		case v.Clause == "6.2.3" || hasAnyPrefix(v.Message, noIntentFixes):
			f.outputIntent = true
		case v.Clause == "6.5.1" && v.Object == "open action":
			f.openAction = true
		case v.Clause == "6.5.1" && v.Object == "catalog":
			f.javaScript = true
		case v.Clause == "6.5.2" && v.Object == "catalog":
			f.catalogAA = true
		case v.Clause == "6.1.3" && (v.Message == "the file trailer has no ID" ||
			v.Message == "the trailer ID is not an array of two strings"):
			f.trailerID = true // every update's trailer has an ID
		case v.Clause == "6.1.3" && v.Message == "data follows the last end-of-file marker":
			// The update ends with the last %%EOF.
		default:
			return fixes{}, false
		}
	}
	return f, len(rep.Violations) > 0
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// finalise returns data with an incremental update appended that applies
// f. It reads data with the checker's parser in a recover-guarded
// goroutine, under the deadline of o and at most the in-process memory
// budget; it never modifies data. The caller checks the result.
func finalise(ctx context.Context, data []byte, f fixes, o CheckOptions) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	type result struct {
		out []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{nil, fmt.Errorf("finalise pdf: %w: %v", ErrCheckerFailed, p)}
			}
		}()
		b := &budget{ctx: ctx, maxMem: min(o.MaxMemory, fastPathMaxMemory)}
		d, err := openDocument(data, b)
		if err != nil {
			done <- result{nil, err}
			return
		}
		out, err := d.finalise(f)
		done <- result{out, err}
	}()
	select {
	case r := <-done:
		return r.out, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("finalise pdf: %w", ErrTimeout)
	}
}

// finalise writes the update for f; see the comment at the top of the file.
func (d *document) finalise(f fixes) ([]byte, error) {
	prev, ok := lastXRefOffset(d.data)
	if !ok || d.rebuilt {
		return nil, fmt.Errorf("finalise pdf: %w: the cross-reference table is damaged", errNotFinalisable)
	}
	if f.trailerID && d.isLinearized() {
		// Check reads the ID of a linearized file's first-page trailer,
		// which only a rewrite can change.
		return nil, fmt.Errorf("finalise pdf: %w: a linearized file's first trailer has no valid ID", errNotFinalisable)
	}
	cat := d.dict(d.trailer["Root"])
	if cat == nil {
		return nil, fmt.Errorf("finalise pdf: %w: no document catalog", errNotFinalisable)
	}
	u := newUpdate(d.data, d.objectCount())
	root := u.reuse(d.trailer["Root"])
	info := d.trailer["Info"]

	newCat := maps.Clone(cat)
	if f.metadata {
		m, newInfo := d.metadataFromInfo(cat)
		if newInfo != nil {
			ref := u.reuse(info)
			u.object(ref, appendObj(nil, newInfo))
			info = ref
		}
		ref := u.alloc()
		u.stream(ref, "/Type /Metadata /Subtype /XML", pdfw.XMP(m))
		newCat["Metadata"] = ref
	}
	if f.outputIntent {
		icc, oi := u.alloc(), u.alloc()
		u.stream(icc, "/N 3 /Filter /FlateDecode", pdfw.SRGBProfileDeflated())
		u.object(oi, []byte(pdfw.SRGBOutputIntent(refString(icc))))
		newCat["OutputIntents"] = pdfArray{oi}
	}
	if f.openAction {
		delete(newCat, "OpenAction")
	}
	if f.catalogAA {
		delete(newCat, "AA")
	}
	if names := d.dict(cat["Names"]); f.javaScript && names != nil {
		kept := maps.Clone(names)
		delete(kept, "JavaScript")
		delete(newCat, "Names")
		if len(kept) > 0 {
			newCat["Names"] = kept
		}
	}
	u.object(root, appendObj(nil, newCat))
	tr := trailerInfo{prev: prev, root: root, info: info, id0: d.firstID()}
	if d.b.err != nil {
		return nil, d.b.err
	}
	if d.rebuilt { // an object was found only by scanning
		return nil, fmt.Errorf("finalise pdf: %w: the cross-reference table is damaged", errNotFinalisable)
	}
	if d.lastSectionIsTable(prev) {
		return u.finishTable(tr), nil
	}
	return u.finishStream(tr), nil
}

// objectCount is the first object number free for the update: beyond the
// trailer's Size and every object the cross-reference sections list.
func (d *document) objectCount() int {
	n := 1
	if s, ok := d.trailer["Size"].(int64); ok && s > 0 && s <= maxIndirectObjs {
		n = int(s)
	}
	for num := range d.xref {
		n = max(n, num+1)
	}
	return n
}

// lastXRefOffset reads the offset after the last startxref, as readXRef
// does.
func lastXRefOffset(data []byte) (int, bool) {
	tail := data[len(data)-min(len(data), 2048):]
	i := bytes.LastIndex(tail, []byte("startxref"))
	if i < 0 {
		return 0, false
	}
	l := lexer{b: tail, pos: i + len("startxref")}
	t := l.next()
	if t.kind != tokInt || t.i <= 0 || int(t.i) >= len(data) {
		return 0, false
	}
	return int(t.i), true
}

func (d *document) lastSectionIsTable(off int) bool {
	l := lexer{b: d.data, pos: off}
	l.skipWS()
	return bytes.HasPrefix(d.data[l.pos:], []byte("xref"))
}

// firstID is the first element of the input's trailer ID, or, when it has
// none, a hash of the input (ISO 32000-1 14.4: the first element is
// permanent, the second changes with each revision).
func (d *document) firstID() []byte {
	if id := d.arr(d.trailer["ID"]); len(id) > 0 {
		if s, ok := d.res(id[0]).(pdfString); ok && len(s.b) > 0 {
			return s.b
		}
	}
	h := sha256.Sum256(d.data)
	return h[:16]
}

const (
	nsDC  = "http://purl.org/dc/elements/1.1/"
	nsXMP = "http://ns.adobe.com/xap/1.0/"
	nsPDF = "http://ns.adobe.com/pdf/1.3/"
)

// metadataFromInfo returns the metadata for the new XMP packet: each Info
// entry that checkInfoConsistency compares, else its counterpart in the old
// XMP packet. An Info date that cannot be mirrored is dropped; the Info
// dictionary to write then is returned, otherwise nil.
func (d *document) metadataFromInfo(cat pdfDict) (pdfw.Metadata, pdfDict) {
	m := pdfw.Metadata{Part: 2}
	info := d.dict(d.trailer["Info"])
	old := d.oldXMP(cat)
	texts := []struct {
		key, xmp string
		dst      *string
	}{
		{"Title", nsDC + "title", &m.Title},
		{"Author", nsDC + "creator", &m.Author},
		{"Subject", nsDC + "description", &m.Subject},
		{"Keywords", nsPDF + "Keywords", &m.Keywords},
		{"Creator", nsXMP + "CreatorTool", &m.Creator},
		{"Producer", nsPDF + "Producer", &m.Producer},
	}
	for _, t := range texts {
		if s, ok := d.res(info[t.key]).(pdfString); ok {
			*t.dst = strings.TrimSpace(textString(s.b))
		} else {
			*t.dst = strings.TrimSpace(old[t.xmp])
		}
	}
	var drop []string
	dates := []struct {
		key, xmp string
		dst      *time.Time
	}{
		{"CreationDate", nsXMP + "CreateDate", &m.Created},
		{"ModDate", nsXMP + "ModifyDate", &m.Modified},
	}
	for _, t := range dates {
		if s, ok := d.res(info[t.key]).(pdfString); ok {
			if tm, ok := parsePDFDate(textString(s.b)); ok {
				*t.dst = tm
			} else {
				drop = append(drop, t.key)
			}
		} else if tm, ok := parseXMPDate(old[t.xmp]); ok {
			*t.dst = tm
		}
	}
	if len(drop) == 0 {
		return m, nil
	}
	newInfo := maps.Clone(info)
	for _, k := range drop {
		delete(newInfo, k)
	}
	return m, newInfo
}

// oldXMP returns the simple values (or x-default/first items) of the
// catalog's XMP packet by namespace+name; nil when there is none.
func (d *document) oldXMP(cat pdfDict) map[string]string {
	s, ok := d.res(cat["Metadata"]).(*pdfStream)
	if !ok {
		return nil
	}
	data, err := d.decodeStream(s)
	if err != nil {
		return nil
	}
	root, err := parseXML(xmpToUTF8(data))
	if err != nil {
		return nil
	}
	rdf := findRDF(root, 0)
	if rdf == nil {
		return nil
	}
	out := map[string]string{}
	for _, p := range rdfProperties(rdf) {
		out[p.ns+p.local] = firstText(p.val)
	}
	return out
}
