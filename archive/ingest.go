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
	"sync"
	"unicode/utf8"

	"golang.org/x/sync/errgroup"

	"akte/archive/catalog"
	"akte/archive/store"
	"akte/search"
)

// IngestRequest is one document to archive for one citizen.
type IngestRequest struct {
	Citizen CitizenID
	Class   Class
	Title   string
	Source  Source
	Date    Date            // document date; optional
	Facts   map[string]Date // named dates such as valid_until; optional
	// IdempotencyKey lets a client retry safely; optional. Without it, a
	// retry is recognised by citizen, class and the original's SHA-256.
	IdempotencyKey string
	// Body is the original document. At most Options.MaxBytes are read.
	Body io.Reader
	// MediaType of Body; empty means detect it (PDF, JPEG, PNG, TIFF).
	// MediaForm marks a form submission.
	MediaType string
	// Actor is recorded in the audit log.
	Actor Actor
}

// IngestResult is the archived record and whether it already existed (an
// idempotent retry).
type IngestResult struct {
	Record   *Record `json:"record"`
	Existing bool    `json:"existing"`
}

const maxTitle = 500

func (a *Archive) validate(req *IngestRequest) error {
	if !req.Citizen.Valid() {
		return invalidCitizen(req.Citizen)
	}
	if !req.Class.Valid() || !a.classes[req.Class] {
		return invalid("class", "unknown class %q (known: %v)", clip(string(req.Class)), a.Classes())
	}
	if req.Source == "" {
		req.Source = SourceAPI
	}
	if !req.Source.Valid() {
		return invalid("source", "unknown source %q (portal, counter, scan, import, api)", clip(string(req.Source)))
	}
	if len(req.Title) > maxTitle || !utf8.ValidString(req.Title) {
		return invalid("title", "title must be valid UTF-8 of at most %d bytes", maxTitle)
	}
	if req.Date != "" && !req.Date.Valid() {
		return invalid("date", "document date %q: want YYYY-MM-DD", clip(string(req.Date)))
	}
	for name, d := range req.Facts {
		if !ValidFactName(name) {
			return invalid("fact", "fact name %q: want lower-case letters, digits and _", clip(name))
		}
		if !d.Valid() {
			return invalid("fact", "fact %s=%q: want YYYY-MM-DD", name, clip(string(d)))
		}
	}
	if len(req.IdempotencyKey) > 200 || !utf8.ValidString(req.IdempotencyKey) {
		return invalid("idempotency_key", "idempotency key must be UTF-8 of at most 200 bytes")
	}
	if !req.Actor.valid() {
		return invalid("actor", "who is ingesting must be named (audit)")
	}
	if req.Body == nil {
		return refused("no document")
	}
	return nil
}

func invalidCitizen(c CitizenID) error {
	return invalid("citizen", "citizen ID %q must be 1–64 characters of A–Z a–z 0–9 . _ -", clip(string(c)))
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// readBody reads the whole original within the size limit.
func (a *Archive) readBody(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, a.opts.MaxBytes+1))
	if err != nil {
		// The cause stays visible to callers (a transport's size limit).
		return nil, fmt.Errorf("%w: %w", &FieldError{Kind: ErrRefused, Field: "document", Reason: "cannot read"}, err)
	}
	if len(data) == 0 {
		return nil, refused("empty file")
	}
	if int64(len(data)) > a.opts.MaxBytes {
		return nil, &FieldError{Kind: ErrTooLarge, Field: "document", Reason: fmt.Sprintf("larger than the limit of %d bytes", a.opts.MaxBytes)}
	}
	return data, nil
}

// contentKey identifies "the same document for the same citizen and class".
func contentKey(c CitizenID, cl Class, sha string) string {
	h := sha256.Sum256([]byte(string(c) + "\x00" + string(cl) + "\x00" + sha))
	return hex.EncodeToString(h[:])
}

// Ingest archives one document following the ingest protocol: check, convert,
// put the files locked, put the manifest (the commit point), commit the
// catalog, index, audit, and only then return. A retry with the same
// idempotency key, or the same citizen, class and content, returns the
// existing record with Existing set, never a duplicate.
func (a *Archive) Ingest(ctx context.Context, req IngestRequest) (IngestResult, error) {
	if err := a.validate(&req); err != nil {
		return IngestResult{}, fmt.Errorf("ingest: %w", err)
	}
	data, err := a.readBody(req.Body)
	if err != nil {
		return IngestResult{}, fmt.Errorf("ingest: %w", err)
	}
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	ck := contentKey(req.Citizen, req.Class, sha)

	// Identical requests in flight at once are serialised so that the second
	// finds the first's record.
	unlock := a.lockInflight(ck)
	defer unlock()
	if res, ok, err := a.existing(ctx, req.IdempotencyKey, ck, sha); ok || err != nil {
		if err == nil {
			// The first attempt may have died before its audit entry.
			err = a.record(ctx, req.Actor, "ingest-retry", res.Record.Manifest, "")
		}
		return res, err
	}

	mediaType := req.MediaType
	if mediaType == "" {
		mediaType = Sniff(data)
	}
	if mediaType == "" {
		return IngestResult{}, fmt.Errorf("ingest: %w", refused("not a PDF or a supported image (unrecognised content)"))
	}
	done := a.stage("convert")
	out, err := a.opts.Converter.Convert(ctx, ConvertInput{Data: data, MediaType: mediaType, Title: req.Title})
	done()
	if err != nil {
		return IngestResult{}, fmt.Errorf("ingest: %w", err)
	}

	if out.Signed {
		if out.Stages == nil {
			out.Stages = map[string]string{}
		}
		out.Stages["original_signature"] = a.originalSignature(ctx, data)
	}
	now := a.opts.Now().UTC()
	var seal *SealInfo
	if a.opts.Sealer != nil {
		done = a.stage("seal")
		out.PDF, seal, err = a.seal(ctx, out.PDF, now)
		done()
		if err != nil {
			return IngestResult{}, fmt.Errorf("ingest: %w", err)
		}
	}
	evs, err := a.events(ctx, req.Citizen)
	if err != nil {
		return IngestResult{}, fmt.Errorf("ingest: %w", err)
	}
	lock, err := a.initialLock(req.Class, req.Date, req.Facts, evs, now)
	if err != nil {
		return IngestResult{}, fmt.Errorf("ingest: %w", err)
	}
	m := &Manifest{
		Schema: ManifestSchema, Record: NewRecordID(), Version: 1,
		Citizen: req.Citizen, Class: req.Class, Title: req.Title, Source: req.Source, Date: req.Date, Facts: req.Facts,
		Created: now, IdempotencyKey: req.IdempotencyKey, MediaType: mediaType, Stages: out.Stages,
		RetainUntil: lock, Seal: seal, Names: out.Names, Pages: out.Pages,
	}
	end, err := a.beginWrite()
	if err != nil {
		return IngestResult{}, fmt.Errorf("ingest: %w", err)
	}
	committed := false
	defer func() { end(committed) }()
	done = a.stage("store")
	err = a.putFiles(ctx, m, data, out)
	done()
	if err != nil {
		return IngestResult{}, fmt.Errorf("ingest: %w", err)
	}
	done = a.stage("manifest")
	mv, err := a.putManifest(ctx, m)
	done()
	if err != nil {
		return IngestResult{}, fmt.Errorf("ingest: %w", err)
	}
	status, err := a.commit(ctx, m, mv, ck, out.Text)
	if err != nil {
		return IngestResult{}, fmt.Errorf("ingest: %w", err)
	}
	committed = true
	done = a.stage("audit")
	err = a.record(ctx, req.Actor, "ingest", m, "")
	done()
	if err != nil {
		return IngestResult{}, fmt.Errorf("ingest: audit: %w", err)
	}
	return IngestResult{Record: newRecord(m, status)}, nil
}

func (a *Archive) lockInflight(key string) func() {
	a.inflightMu.Lock()
	e, ok := a.inflight[key]
	if !ok {
		e = &inflight{}
		a.inflight[key] = e
	}
	e.waiters++
	a.inflightMu.Unlock()
	e.mu.Lock()
	return func() {
		e.mu.Unlock()
		a.inflightMu.Lock()
		if e.waiters--; e.waiters == 0 {
			delete(a.inflight, key)
		}
		a.inflightMu.Unlock()
	}
}

type inflight struct {
	mu      sync.Mutex
	waiters int
}

// existing finds the record a retry refers to.
func (a *Archive) existing(ctx context.Context, idemKey, ck, sha string) (IngestResult, bool, error) {
	var id string
	if idemKey != "" {
		got, ok, err := a.cat.LookupIdempotencyKey(ctx, idemKey)
		if err != nil {
			return IngestResult{}, false, fmt.Errorf("ingest: %w", err)
		}
		if ok {
			id = got
		}
	}
	if id == "" {
		got, ok, err := a.cat.LookupContent(ctx, ck)
		if err != nil {
			return IngestResult{}, false, fmt.Errorf("ingest: %w", err)
		}
		if !ok {
			return IngestResult{}, false, nil
		}
		id = got
	}
	rec, err := a.Record(ctx, RecordID(id))
	if err != nil {
		return IngestResult{}, false, fmt.Errorf("ingest: %w", err)
	}
	if orig, _ := rec.Manifest.File(FileOriginal); orig.SHA256 != sha {
		return IngestResult{}, false, fmt.Errorf("ingest: key %q was used for record %s with other content: %w", idemKey, id, ErrConflict)
	}
	return IngestResult{Record: rec, Existing: true}, true, nil
}

// putFiles stores the original, archive copy and text concurrently, each
// locked until the manifest's RetainUntil, and records them in m.Files.
func (a *Archive) putFiles(ctx context.Context, m *Manifest, original []byte, out ConvertOutput) error {
	files := []struct {
		name, ctype string
		data        []byte
	}{
		{FileOriginal, m.MediaType, original},
		{FileArchive, "application/pdf", out.PDF},
		{FileText, "text/plain; charset=utf-8", []byte(out.Text)},
	}
	refs := make([]FileRef, len(files))
	g, gctx := errgroup.WithContext(ctx)
	for i, f := range files {
		g.Go(func() error {
			ref, err := a.putObject(gctx, versionPrefix(m.Record, m.Version)+f.name, f.data, m, f.ctype)
			ref.Name = f.name
			refs[i] = ref
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	m.Files = refs
	return nil
}

func (a *Archive) putObject(ctx context.Context, key string, data []byte, m *Manifest, ctype string) (FileRef, error) {
	sum := sha256.Sum256(data)
	info, err := a.store.Put(ctx, key, bytes.NewReader(data), int64(len(data)), store.PutOptions{
		Retention: store.Retention{Until: m.RetainUntil}, SHA256: sum[:], ContentType: ctype,
	})
	if errors.Is(err, store.ErrExists) {
		// Keys name a fresh record ID, so an object already there with our
		// content is our own put whose reply was lost and retried (S3
		// clients retry; the retry meets If-None-Match). Use it.
		if st, serr := a.store.Stat(ctx, key, ""); serr == nil && st.SHA256 == hex.EncodeToString(sum[:]) {
			info, err = st, nil
		}
	}
	if err != nil {
		return FileRef{}, err
	}
	return FileRef{Key: key, VersionID: info.VersionID, Size: info.Size, SHA256: hex.EncodeToString(sum[:])}, nil
}

// putManifest writes the commit point and returns its version ID.
func (a *Archive) putManifest(ctx context.Context, m *Manifest) (string, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return "", err
	}
	ref, err := a.putObject(ctx, ManifestKey(m.Record, m.Version), b, m, "application/json")
	return ref.VersionID, err
}

// commit writes the catalog entry for a stored version, with its retention
// state evaluated against the citizen's events, and indexes it. It returns
// the record's status.
func (a *Archive) commit(ctx context.Context, m *Manifest, manifestVersion, ck, text string) (string, error) {
	e, err := entryFor(m, manifestVersion, ck)
	if err != nil {
		return "", err
	}
	e.Indexed = a.idx == nil
	done := a.stage("catalog")
	// Under the citizen's lock, so that an event recorded meanwhile is
	// either seen here or finds this record in the catalog.
	unlock := a.citizenLock(m.Citizen)
	evs, err := a.events(ctx, m.Citizen)
	if err == nil {
		_, err = a.apply(&e, newState(m), evs, a.opts.Now().UTC())
	}
	if err == nil {
		err = a.cat.Put(ctx, e)
	}
	unlock()
	done()
	if err != nil {
		if errors.Is(err, catalog.ErrConflict) {
			return "", fmt.Errorf("catalog: %v: %w", err, ErrConflict)
		}
		return "", fmt.Errorf("catalog: %w", err)
	}
	if a.idx == nil {
		return e.Status, nil
	}
	done = a.stage("index")
	err = a.idx.put(ctx, m, e.Status, text)
	done()
	if err != nil {
		// The catalog remembers the version as unindexed; Open retries.
		a.log.Warn("index failed; will retry on next open", "record", m.Record, "err", err)
	}
	return e.Status, nil
}

func entryFor(m *Manifest, manifestVersion, ck string) (catalog.Entry, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return catalog.Entry{}, err
	}
	if ck == "" {
		if orig, ok := m.File(FileOriginal); ok {
			ck = contentKey(m.Citizen, m.Class, orig.SHA256)
		}
	}
	e := catalog.Entry{
		ID: string(m.Record), Citizen: string(m.Citizen), Class: string(m.Class), Status: search.StatusActive,
		Version: m.Version, ManifestKey: ManifestKey(m.Record, m.Version), ManifestVersion: manifestVersion,
		Manifest: b, ContentKey: ck,
	}
	if m.IdempotencyKey != "" {
		e.IdempotencyKeys = []string{m.IdempotencyKey}
	}
	return e, nil
}
