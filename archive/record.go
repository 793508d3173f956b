package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"akte/archive/catalog"
	"akte/archive/store"
	"akte/search"
)

// Record is one document about one citizen, as the catalog knows it: the
// latest version's manifest and the record's state.
type Record struct {
	ID       RecordID  `json:"id"`
	Citizen  CitizenID `json:"citizen"`
	Class    Class     `json:"class"`
	Title    string    `json:"title,omitempty"`
	Version  int       `json:"version"`
	Status   string    `json:"status"`
	Manifest *Manifest `json:"manifest"`
}

func newRecord(m *Manifest, status string) *Record {
	return &Record{ID: m.Record, Citizen: m.Citizen, Class: m.Class, Title: m.Title, Version: m.Version, Status: status, Manifest: m}
}

// entry returns the catalog entry of a record that exists: a malformed ID
// is ErrInvalid, an unknown one ErrNotFound, a disposed one ErrDisposed.
func (a *Archive) entry(ctx context.Context, id RecordID) (catalog.Entry, error) {
	if !id.Valid() {
		return catalog.Entry{}, fmt.Errorf("record %q: %w", clip(string(id)), invalid("record", "not a record ID"))
	}
	e, err := a.cat.Get(ctx, string(id))
	if errors.Is(err, catalog.ErrNotFound) {
		return e, fmt.Errorf("record %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return e, fmt.Errorf("record %s: %w", id, err)
	}
	if e.Status == catalog.StatusDisposed {
		var t tombstone
		_ = json.Unmarshal(e.Manifest, &t)
		return e, fmt.Errorf("record %s: %w on %s (certificate %s): %w", id, ErrDisposed,
			t.Disposed.Format(time.DateOnly), CertificateKey(id), ErrNotFound)
	}
	return e, nil
}

// Record returns a record from the catalog (no store access, no audit).
func (a *Archive) Record(ctx context.Context, id RecordID) (*Record, error) {
	e, err := a.entry(ctx, id)
	if err != nil {
		return nil, err
	}
	m, err := a.manifests.decode(id, e.Manifest)
	if err != nil {
		return nil, fmt.Errorf("record %s: catalog copy of manifest: %v: %w", id, err, ErrCorrupt)
	}
	return newRecord(m, e.Status), nil
}

// Count returns the number of records in the catalog.
func (a *Archive) Count(ctx context.Context) (int, error) { return a.cat.Count(ctx) }

// GetRequest asks for one file of a record's latest version.
type GetRequest struct {
	ID RecordID
	// Original returns the original as received instead of the archive PDF.
	Original bool
	// Purpose is why the reader opens the document (audited).
	Purpose string
	Actor   Actor
	// VerifySeal also checks the archive copy's seal (Document.Seal).
	VerifySeal bool
}

// Document is a verified file ready to send to a reader.
type Document struct {
	Record *Record
	File   FileRef
	Data   []byte
	// Seal is the verdict on the archive copy's seal when asked for and
	// the record is sealed.
	Seal *SealVerdict
}

// Get reads the archive copy (or the original) of a record's latest version
// by version ID, checks its SHA-256 against the manifest, writes one audit
// entry and returns the bytes. A mismatch returns ErrCorrupt and no bytes.
func (a *Archive) Get(ctx context.Context, req GetRequest) (*Document, error) {
	if !req.Actor.valid() {
		return nil, fmt.Errorf("get: %w", invalid("actor", "who is reading must be named (audit)"))
	}
	rec, err := a.Record(ctx, req.ID)
	if err != nil {
		return nil, fmt.Errorf("get: %w", err)
	}
	if !MayRead(req.Actor.Role, rec.Status) {
		return nil, fmt.Errorf("get %s: %w: the record is in its restricted phase (records officers only)", req.ID, ErrForbidden)
	}
	name := FileArchive
	if req.Original {
		name = FileOriginal
	}
	ref, ok := rec.Manifest.File(name)
	if !ok {
		return nil, fmt.Errorf("get %s: manifest lists no %s: %w", req.ID, name, ErrCorrupt)
	}
	data, err := a.readVerified(ctx, ref)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", req.ID, err)
	}
	action := "read"
	if req.Original {
		action = "read-original"
	}
	if err := a.record(ctx, req.Actor, action, rec.Manifest, req.Purpose); err != nil {
		return nil, fmt.Errorf("get %s: audit: %w", req.ID, err)
	}
	doc := &Document{Record: rec, File: ref, Data: data}
	if req.VerifySeal && rec.Manifest.Seal != nil {
		pdf := data
		if req.Original {
			aref, ok := rec.Manifest.File(FileArchive)
			if !ok {
				return nil, fmt.Errorf("get %s: manifest lists no %s: %w", req.ID, FileArchive, ErrCorrupt)
			}
			if pdf, err = a.readVerified(ctx, aref); err != nil {
				return nil, fmt.Errorf("get %s: %w", req.ID, err)
			}
		}
		doc.Seal = a.verifySeal(ctx, pdf)
	}
	return doc, nil
}

// readPrealloc is the largest buffer readVerified allocates up front.
const readPrealloc = 64 << 20

// readVerified reads one object version and checks size and SHA-256.
func (a *Archive) readVerified(ctx context.Context, ref FileRef) ([]byte, error) {
	rc, _, err := a.store.Get(ctx, ref.Key, ref.VersionID)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("%s is missing from the store: %w (%w)", ref.Key, ErrCorrupt, err)
		}
		return nil, err
	}
	defer rc.Close()
	// One buffer of the size the manifest states, with room for the read
	// that sees the end (or a byte more than stated), instead of growing
	// one step by step. A stated size past readPrealloc grows as needed.
	var buf bytes.Buffer
	buf.Grow(int(min(max(ref.Size, 0), readPrealloc)) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(rc, ref.Size+1)); err != nil {
		return nil, fmt.Errorf("read %s: %w", ref.Key, err)
	}
	data := buf.Bytes()
	sum := sha256.Sum256(data)
	if got := hex.EncodeToString(sum[:]); got != ref.SHA256 || int64(len(data)) != ref.Size {
		return nil, fmt.Errorf("%s: sha256 %s (%d bytes), manifest says %s (%d bytes): %w",
			ref.Key, got, len(data), ref.SHA256, ref.Size, ErrCorrupt)
	}
	return data, nil
}

// RoleRecordsOfficer may read records in their restricted phase.
const RoleRecordsOfficer = "records-officer"

// RoleOperator is the administrator at the machine's command line, who
// has the data directory anyway; reads are audited all the same.
const RoleOperator = "operator"

// MayRead reports whether a role may open a record of the given status:
// restricted records only records officers (and the operator and Akte
// itself).
func MayRead(role, status string) bool {
	return status != search.StatusRestricted || role == RoleRecordsOfficer || role == RoleOperator || role == System.Role
}
