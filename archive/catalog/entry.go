package catalog

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// MaxKeyLen is the longest record ID, citizen ID, idempotency key or content
// key the catalog accepts, in bytes. (Akte's own IDs are far shorter; the
// bound keeps every bbolt key well inside bbolt's limit, so a write can be
// fully validated before it touches the file.)
const MaxKeyLen = 1024

// Entry is the catalog's view of one record: its index fields, where its
// latest manifest lives and that manifest as opaque bytes. A Put stores the
// whole Entry: it replaces the previous one, including IdempotencyKeys and
// ContentKey (keys no longer listed stop mapping to the record).
type Entry struct {
	// ID is the record ID (a ULID string, so ID order is creation order).
	// Required.
	ID string
	// Citizen is the citizen ID. Required; no NUL bytes.
	Citizen string
	// Class is the retention class. Opaque to the catalog.
	Class string
	// Status is the retention state ("active", "restricted", "disposed",
	// ...). Opaque to the catalog.
	Status string
	// Next is when retention must look at the record again (a phase
	// change, a lock to extend, a disposal that has become due); zero means
	// nothing is scheduled. Indexed in date order (DueBefore). Returned in
	// UTC; the instant round-trips exactly.
	Next time.Time
	// Version is the latest version number, 1 or more. It never decreases.
	Version int
	// ManifestKey and ManifestVersion locate the latest manifest in the store.
	ManifestKey     string
	ManifestVersion string
	// Manifest is the latest manifest JSON, opaque to the catalog.
	Manifest []byte
	// IdempotencyKeys are the client keys that map to this record. Each key
	// maps to at most one record.
	IdempotencyKeys []string
	// ContentKey identifies the content (e.g. hex SHA-256 of citizen, class
	// and original SHA-256), so a retry without an idempotency key finds the
	// record. Empty means none. Maps to at most one record.
	ContentKey string
	// Indexed is false until the search index holds the current version.
	Indexed bool
	// State is the record's retention state, opaque to the catalog.
	State []byte
}

// validate checks what the key layout relies on, so that every bbolt write
// of a validated entry succeeds.
func (e *Entry) validate() error {
	switch {
	case e.ID == "":
		return fmt.Errorf("empty record ID: %w", ErrInvalid)
	case len(e.ID) > MaxKeyLen:
		return fmt.Errorf("record ID longer than %d bytes: %w", MaxKeyLen, ErrInvalid)
	case e.Version < 1:
		return fmt.Errorf("version %d, want 1 or more: %w", e.Version, ErrInvalid)
	case len(e.ContentKey) > MaxKeyLen:
		return fmt.Errorf("content key longer than %d bytes: %w", MaxKeyLen, ErrInvalid)
	}
	if err := validCitizen(e.Citizen); err != nil {
		return err
	}
	for _, k := range e.IdempotencyKeys {
		if k == "" || len(k) > MaxKeyLen {
			return fmt.Errorf("idempotency key empty or longer than %d bytes: %w", MaxKeyLen, ErrInvalid)
		}
	}
	return nil
}

// validCitizen checks what the citizen index key relies on.
func validCitizen(citizen string) error {
	switch {
	case citizen == "":
		return fmt.Errorf("empty citizen ID: %w", ErrInvalid)
	case len(citizen) > MaxKeyLen:
		return fmt.Errorf("citizen ID longer than %d bytes: %w", MaxKeyLen, ErrInvalid)
	case strings.IndexByte(citizen, 0) >= 0:
		return fmt.Errorf("NUL byte in citizen ID: %w", ErrInvalid)
	}
	return nil
}

// Value encoding, format 2:
//
//	format byte (2) | flags byte (bit 0 indexed, bit 1 has Next)
//	uvarint Version
//	[varint unix seconds, uvarint nanoseconds]      if Next is set
//	Citizen, Class, Status, ManifestKey, ManifestVersion, ContentKey
//	uvarint count, then each idempotency key
//	State
//	Manifest (to the end of the value)
//
// Format 1 (before retention) lacks State; it is still read.
//
// Strings are uvarint length + bytes. The ID is the bbolt key, not repeated.
// A binary layout keeps the manifest as raw bytes (JSON would base64 it).
const (
	valueFormat    = 2
	valueFormatV1  = 1
	flagIndexed    = 1 << 0
	flagHasDispose = 1 << 1
)

func encodeEntry(e *Entry) []byte {
	n := 2 + 3*binary.MaxVarintLen64 + len(e.Manifest) + len(e.Citizen) + len(e.Class) + len(e.Status) +
		len(e.ManifestKey) + len(e.ManifestVersion) + len(e.ContentKey) + len(e.State) + 8*binary.MaxVarintLen32
	for _, k := range e.IdempotencyKeys {
		n += len(k) + binary.MaxVarintLen32
	}
	b := make([]byte, 0, n)
	var flags byte
	if e.Indexed {
		flags |= flagIndexed
	}
	if !e.Next.IsZero() {
		flags |= flagHasDispose
	}
	b = append(b, valueFormat, flags)
	b = binary.AppendUvarint(b, uint64(e.Version))
	if !e.Next.IsZero() {
		b = binary.AppendVarint(b, e.Next.Unix())
		b = binary.AppendUvarint(b, uint64(e.Next.Nanosecond()))
	}
	for _, s := range []string{e.Citizen, e.Class, e.Status, e.ManifestKey, e.ManifestVersion, e.ContentKey} {
		b = appendString(b, s)
	}
	b = binary.AppendUvarint(b, uint64(len(e.IdempotencyKeys)))
	for _, k := range e.IdempotencyKeys {
		b = appendString(b, k)
	}
	b = appendString(b, string(e.State))
	return append(b, e.Manifest...)
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// decodeEntry decodes a stored value. Strings are copied; Manifest aliases b,
// so callers that keep it past the transaction must clone it.
func decodeEntry(id string, b []byte) (Entry, error) {
	d := decoder{b: b}
	e := Entry{ID: id}
	format := d.byte()
	if format != valueFormat && format != valueFormatV1 && d.err == nil {
		return Entry{}, fmt.Errorf("record %q: value format %d: %w", id, format, ErrCorrupt)
	}
	flags := d.byte()
	v := d.uvarint()
	if v > math.MaxInt {
		d.fail()
	}
	e.Version = int(v)
	if flags&flagHasDispose != 0 {
		sec := d.varint()
		nsec := d.uvarint()
		if nsec >= 1e9 {
			d.fail()
		}
		e.Next = time.Unix(sec, int64(nsec)).UTC()
	}
	e.Indexed = flags&flagIndexed != 0
	e.Citizen = d.string()
	e.Class = d.string()
	e.Status = d.string()
	e.ManifestKey = d.string()
	e.ManifestVersion = d.string()
	e.ContentKey = d.string()
	if nkeys := d.uvarint(); nkeys > 0 && d.err == nil {
		if nkeys > uint64(len(d.b)) { // each key takes at least one byte
			d.fail()
		} else {
			e.IdempotencyKeys = make([]string, 0, nkeys)
			for range nkeys {
				e.IdempotencyKeys = append(e.IdempotencyKeys, d.string())
			}
		}
	}
	if format == valueFormat {
		if st := d.bytes(); len(st) > 0 {
			e.State = st
		}
	}
	if d.err != nil {
		return Entry{}, fmt.Errorf("record %q: %w", id, d.err)
	}
	if len(d.b) > 0 {
		e.Manifest = d.b
	}
	return e, nil
}

// decoder reads the value encoding; the first error sticks and turns every
// later read into a zero value.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = fmt.Errorf("truncated or malformed value: %w", ErrCorrupt)
	}
	d.b = nil
}

func (d *decoder) byte() byte {
	if d.err != nil || len(d.b) < 1 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// bytes reads a string as a copy.
func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	b := bytes.Clone(d.b[:n])
	d.b = d.b[n:]
	return b
}

func (d *decoder) string() string {
	n := d.uvarint()
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

// Index keys.

// dateKeyLen is the length of the time prefix of a by_date key.
const dateKeyLen = 12

// appendDateKey appends t as 12 bytes that sort like the instants: unix
// seconds with the sign bit flipped (big-endian), then nanoseconds.
func appendDateKey(b []byte, t time.Time) []byte {
	b = binary.BigEndian.AppendUint64(b, uint64(t.Unix())^(1<<63))
	return binary.BigEndian.AppendUint32(b, uint32(t.Nanosecond()))
}

func dateKey(t time.Time, id string) []byte {
	return append(appendDateKey(make([]byte, 0, dateKeyLen+len(id)), t), id...)
}

func citizenPrefix(citizen string) []byte {
	return append([]byte(citizen), 0)
}

func citizenKey(citizen, id string) []byte {
	return append(citizenPrefix(citizen), id...)
}

// cloneEntry returns e with its slices copied, for use after the caller may
// have reused them.
func cloneEntry(e Entry) Entry {
	e.Manifest = bytes.Clone(e.Manifest)
	e.IdempotencyKeys = slices.Clone(e.IdempotencyKeys)
	e.State = bytes.Clone(e.State)
	return e
}
