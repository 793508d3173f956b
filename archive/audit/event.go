package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"time"
	"unicode/utf8"
)

// GenesisPrev is the Prev of entry 1: 64 zeros.
const GenesisPrev = "0000000000000000000000000000000000000000000000000000000000000000"

// Limits on an event, checked by Append. They keep entries small and make
// it hard to smuggle document content into the log.
const (
	MaxFieldLen    = 256  // Actor, Role, Action, and each Detail value
	MaxPurposeLen  = 1024 // Purpose
	MaxIDLen       = 64   // Record, Citizen, and each Detail key
	MaxDetail      = 16   // entries in Detail
	maxLine        = 16 << 10
	minYear        = 1
	maxYear        = 9999
	hashMemberHead = `,"hash":"`
)

// Error kinds.
var (
	// ErrTampered: the log or a sealed segment does not hash or chain as
	// written. Never repaired automatically; run `akte audit verify`.
	ErrTampered = errors.New("audit log tampered")
	// ErrInvalidEvent: Append refused an event (missing or oversized field,
	// invalid UTF-8, a malformed ID, or Seq/Prev/Hash set by the caller).
	ErrInvalidEvent = errors.New("invalid audit event")
	// ErrClosed: the Log has been closed.
	ErrClosed = errors.New("audit log closed")
)

// Event is one audit entry. Callers fill Actor, Role, Action and, as
// applicable, Record, Citizen, Purpose, Detail and Time; Append assigns Seq,
// Prev and Hash (and Time, if zero).
//
// Record and Citizen are opaque IDs (1–64 characters of [A-Za-z0-9._-]).
// Detail is for small machine-readable facts such as a version number or a
// reason code. It must never hold document content, titles, file names,
// personal names or any other personal data: the audit log outlives the
// records it describes, and sealed segments are write-once.
type Event struct {
	Seq     uint64            `json:"seq"`               // 1, 2, 3… without gaps
	Time    time.Time         `json:"time"`              // UTC
	Actor   string            `json:"actor"`             // user or token name
	Role    string            `json:"role"`              // clerk, intake, records-officer, auditor, admin
	Action  string            `json:"action"`            // e.g. "record.read"
	Record  string            `json:"record,omitempty"`  // record ID, optional
	Citizen string            `json:"citizen,omitempty"` // opaque citizen ID, optional
	Purpose string            `json:"purpose,omitempty"` // why (required by policy for reads)
	Detail  map[string]string `json:"detail,omitempty"`  // small, no document content, no personal data
	Prev    string            `json:"prev"`              // hex SHA-256 of the previous entry (GenesisPrev for entry 1)
	Hash    string            `json:"hash"`              // hex SHA-256 of this entry's canonical encoding
}

// wireEvent fixes the canonical encoding: member order is the field order
// here, Detail is always an object, Hash is left out when empty.
type wireEvent struct {
	Seq     uint64            `json:"seq"`
	Time    string            `json:"time"`
	Actor   string            `json:"actor"`
	Role    string            `json:"role"`
	Action  string            `json:"action"`
	Record  string            `json:"record"`
	Citizen string            `json:"citizen"`
	Purpose string            `json:"purpose"`
	Detail  map[string]string `json:"detail"`
	Prev    string            `json:"prev"`
	Hash    string            `json:"hash,omitempty"`
}

// canonical returns the canonical encoding of e (everything but Hash). See
// the package documentation for its definition.
func canonical(e *Event) ([]byte, error) {
	d := e.Detail
	if d == nil {
		d = map[string]string{}
	}
	w := wireEvent{
		Seq: e.Seq, Time: e.Time.UTC().Format(time.RFC3339Nano),
		Actor: e.Actor, Role: e.Role, Action: e.Action,
		Record: e.Record, Citizen: e.Citizen, Purpose: e.Purpose,
		Detail: d, Prev: e.Prev,
	}
	return json.Marshal(w)
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// encode returns the stored line of e (with its trailing newline) and the
// hash of e's canonical encoding. e.Hash is ignored.
func encode(e *Event) (line []byte, hash string, err error) {
	c, err := canonical(e)
	if err != nil {
		return nil, "", err
	}
	hash = sum(c)
	line = make([]byte, 0, len(c)+len(hashMemberHead)+len(hash)+3)
	line = append(line, c[:len(c)-1]...)
	line = append(line, hashMemberHead...)
	line = append(line, hash...)
	line = append(line, "\"}\n"...)
	return line, hash, nil
}

// entry is one parsed line: the event as stored, the hash its content
// actually has, and whether the line is byte-for-byte canonical.
type entry struct {
	ev        Event
	sum       string
	canonical bool
}

// parseLine parses one stored line (without its newline).
func parseLine(line []byte) (entry, error) {
	if len(line) > maxLine {
		return entry{}, fmt.Errorf("line longer than %d bytes", maxLine)
	}
	var w wireEvent
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return entry{}, fmt.Errorf("not an audit entry: %v", err)
	}
	if dec.More() {
		return entry{}, errors.New("not an audit entry: trailing data")
	}
	t, err := time.Parse(time.RFC3339Nano, w.Time)
	if err != nil {
		return entry{}, fmt.Errorf("not an audit entry: time: %v", err)
	}
	ev := Event{
		Seq: w.Seq, Time: t.UTC(), Actor: w.Actor, Role: w.Role, Action: w.Action,
		Record: w.Record, Citizen: w.Citizen, Purpose: w.Purpose, Detail: w.Detail,
		Prev: w.Prev, Hash: w.Hash,
	}
	if len(ev.Detail) == 0 {
		ev.Detail = nil
	}
	c, err := canonical(&ev)
	if err != nil {
		return entry{}, fmt.Errorf("not an audit entry: %v", err)
	}
	// Canonical iff the line is exactly the canonical encoding with the
	// hash member inserted before the closing brace.
	want := make([]byte, 0, len(line))
	want = append(want, c[:len(c)-1]...)
	want = append(want, hashMemberHead...)
	want = append(want, ev.Hash...)
	want = append(want, `"}`...)
	s := sum(c)
	canon := bytes.Equal(line, want)
	return entry{ev: ev, sum: s, canonical: canon}, nil
}

// quickSeq reads the seq of a canonical line without a full parse.
func quickSeq(line []byte) (uint64, bool) {
	const head = `{"seq":`
	if !bytes.HasPrefix(line, []byte(head)) {
		return 0, false
	}
	var n uint64
	i := len(head)
	for ; i < len(line) && line[i] >= '0' && line[i] <= '9'; i++ {
		d := uint64(line[i] - '0')
		if n > (^uint64(0)-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	if i == len(head) || i >= len(line) || line[i] != ',' {
		return 0, false
	}
	return n, true
}

func validID(s string) bool {
	if s == "" || len(s) > MaxIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// prepare checks a caller's event and returns it with Detail copied.
func prepare(e Event) (Event, error) {
	bad := func(format string, args ...any) (Event, error) {
		return Event{}, fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrInvalidEvent)
	}
	if e.Seq != 0 || e.Prev != "" || e.Hash != "" {
		return bad("seq, prev and hash are assigned by the log")
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"actor", e.Actor, MaxFieldLen}, {"role", e.Role, MaxFieldLen}, {"action", e.Action, MaxFieldLen}} {
		if f.v == "" {
			return bad("%s is required", f.name)
		}
		if len(f.v) > f.max || !utf8.ValidString(f.v) {
			return bad("%s: longer than %d bytes or not UTF-8", f.name, f.max)
		}
	}
	if len(e.Purpose) > MaxPurposeLen || !utf8.ValidString(e.Purpose) {
		return bad("purpose: longer than %d bytes or not UTF-8", MaxPurposeLen)
	}
	if e.Record != "" && !validID(e.Record) {
		return bad("record: not an opaque ID")
	}
	if e.Citizen != "" && !validID(e.Citizen) {
		return bad("citizen: not an opaque ID")
	}
	if len(e.Detail) > MaxDetail {
		return bad("detail: more than %d entries", MaxDetail)
	}
	for k, v := range e.Detail {
		if !validID(k) {
			return bad("detail key %q: not of [A-Za-z0-9._-], 1-%d bytes", k, MaxIDLen)
		}
		if len(v) > MaxFieldLen || !utf8.ValidString(v) {
			return bad("detail %s: longer than %d bytes or not UTF-8", k, MaxFieldLen)
		}
	}
	if !e.Time.IsZero() {
		if y := e.Time.UTC().Year(); y < minYear || y > maxYear {
			return bad("time: year %d out of range", y)
		}
		e.Time = e.Time.UTC()
	}
	if len(e.Detail) == 0 {
		e.Detail = nil
	} else {
		e.Detail = maps.Clone(e.Detail)
	}
	return e, nil
}
