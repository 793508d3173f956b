package archive

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ManifestSchema is the version of the manifest format written now. Readers
// accept every version up to it.
const ManifestSchema = 1

// File names inside a version's key prefix.
const (
	FileOriginal = "original"
	FileArchive  = "archive.pdf"
	FileText     = "text.txt"
	FileManifest = "manifest.json"
)

// Manifest is the commit record of one record version, stored as
// records/<id>/v<n>/manifest.json. It carries everything needed to rebuild
// the catalog and the search index from the bucket alone.
type Manifest struct {
	Schema  int             `json:"schema"`
	Record  RecordID        `json:"record"`
	Version int             `json:"version"`
	Citizen CitizenID       `json:"citizen"`
	Class   Class           `json:"class"`
	Title   string          `json:"title,omitempty"`
	Source  Source          `json:"source"`
	Date    Date            `json:"document_date,omitempty"`
	Facts   map[string]Date `json:"facts,omitempty"`
	Created time.Time       `json:"created"`
	// IdempotencyKey is the client's retry key, if it sent one.
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	// MediaType of the original as detected at ingest.
	MediaType string `json:"media_type"`
	// Files are the version's objects other than the manifest.
	Files []FileRef `json:"files"`
	// Stages record what produced the archive copy ("pdfa": "passthrough").
	Stages map[string]string `json:"stages,omitempty"`
	// Pages of the archive copy; 0 when not counted (forms).
	Pages int `json:"pages,omitempty"`
	// Names are persons named in the document (from a form), for search.
	Names []string `json:"names,omitempty"`
	// Seal describes the authority's seal on the archive copy; nil when the
	// copy was not sealed.
	Seal *SealInfo `json:"seal,omitempty"`
	// RetainUntil is the lock set on every object of this version at ingest.
	RetainUntil time.Time `json:"retain_until,omitzero"`
}

// SealInfo records the seal made at ingest.
type SealInfo struct {
	Level     string    `json:"level"` // PAdES baseline level: B-B or B-T
	Signer    string    `json:"signer"`
	SignedAt  time.Time `json:"signed_at"`
	Timestamp time.Time `json:"timestamp,omitzero"` // the TSA's time (B-T)
}

// FileRef names one stored object of a version and its fixity.
type FileRef struct {
	Name      string `json:"name"`
	Key       string `json:"key"`
	VersionID string `json:"version_id,omitempty"`
	Size      int64  `json:"size"`
	SHA256    string `json:"sha256"`
}

// File returns the named file of the manifest.
func (m *Manifest) File(name string) (FileRef, bool) {
	for _, f := range m.Files {
		if f.Name == name {
			return f, true
		}
	}
	return FileRef{}, false
}

// versionPrefix is records/<id>/v<n>/.
func versionPrefix(id RecordID, v int) string {
	return fmt.Sprintf("records/%s/v%d/", id, v)
}

// ManifestKey is the key of a version's manifest.
func ManifestKey(id RecordID, v int) string { return versionPrefix(id, v) + FileManifest }

// parseKey splits records/<id>/v<n>/<name>; ok is false for other keys.
func parseKey(key string) (id RecordID, v int, name string, ok bool) {
	parts := strings.Split(key, "/")
	if len(parts) != 4 || parts[0] != "records" || !strings.HasPrefix(parts[2], "v") {
		return "", 0, "", false
	}
	n, err := strconv.Atoi(parts[2][1:])
	if err != nil || n < 1 {
		return "", 0, "", false
	}
	return RecordID(parts[1]), n, parts[3], true
}

// decodeManifest parses and checks a manifest read from key.
func decodeManifest(key string, b []byte) (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("manifest %s: %v: %w", key, err, ErrCorrupt)
	}
	if m.Schema < 1 || m.Schema > ManifestSchema {
		return nil, fmt.Errorf("manifest %s: schema %d, this akte reads up to %d (upgrade akte): %w", key, m.Schema, ManifestSchema, ErrCorrupt)
	}
	id, v, _, ok := parseKey(key)
	if !ok || id != m.Record || v != m.Version || !m.Record.Valid() || !m.Citizen.Valid() {
		return nil, fmt.Errorf("manifest %s: names record %s v%d: %w", key, m.Record, m.Version, ErrCorrupt)
	}
	return &m, nil
}
