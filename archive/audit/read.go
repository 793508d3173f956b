package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"time"
)

// Filter selects entries for Read. Empty fields match everything; the
// string fields match exactly.
type Filter struct {
	Record, Citizen, Actor, Action string
	// Since (inclusive) and Until (exclusive) bound the entry's time.
	Since, Until time.Time
}

// MaxScan bounds the entries one Read examines, so that a page costs at
// most this much whatever the filter. A page that stops there holds fewer
// entries than asked for and a non-zero next cursor.
const MaxScan = 100_000

// readChunk is how much Read reads from the file at a time.
const readChunk = 64 << 10

// Read returns up to limit entries that match f and have Seq < before
// (before 0: from the head), newest first, and the cursor for the next
// page: pass it as before to continue; 0 means no older entry remains.
//
// Read sees the durable entries (those whose Append returned) at the
// moment it starts; it runs beside appends and seals without blocking them:
// it reads the file through a handle of its own, and the file only grows.
// It finds the cursor's place by binary search over the file and then reads
// backwards, a chunk at a time: its memory is bounded by the page, not by
// the log. It does not verify the chain (Verify does); a line that is not
// an entry is an error wrapping ErrTampered.
func (l *Log) Read(ctx context.Context, f Filter, before uint64, limit int) ([]Event, uint64, error) {
	if limit <= 0 {
		return nil, 0, fmt.Errorf("read audit log: limit %d must be positive: %w", limit, ErrInvalidEvent)
	}
	l.mu.Lock()
	closed, size, head := l.closed, l.size, l.head.seq
	l.mu.Unlock()
	if closed {
		return nil, 0, fmt.Errorf("read audit log: %w", ErrClosed)
	}
	if before == 0 || before > head+1 {
		before = head + 1
	}
	if before <= 1 {
		return nil, 0, nil
	}
	file, err := os.Open(l.path)
	if err != nil {
		return nil, 0, fmt.Errorf("read audit log: %w", err)
	}
	defer file.Close()
	end := size
	if before <= head {
		if end, err = seekSeq(file, size, before); err != nil {
			return nil, 0, fmt.Errorf("read audit log %s: %w", l.path, err)
		}
	}
	m := newMatcher(f)
	var (
		out     []Event
		next    uint64
		scanned int
	)
	err = backward(file, end, func(off int64, line []byte) error {
		seq, ok := quickSeq(line)
		if !ok {
			return fmt.Errorf("line at offset %d is not an audit entry; run `akte audit verify`: %w", off, ErrTampered)
		}
		if len(out) == limit || scanned == MaxScan {
			next = seq + 1 // entries below the last one looked at remain
			return errStop
		}
		scanned++
		if scanned%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if !m.prefilter(line) {
			return nil
		}
		ev, err := decodeLine(line)
		if err != nil {
			return fmt.Errorf("entry %d: %v; run `akte audit verify`: %w", seq, err, ErrTampered)
		}
		if m.match(&ev) {
			out = append(out, ev)
		}
		return nil
	})
	if err != nil && err != errStop {
		return nil, 0, fmt.Errorf("read audit log %s: %w", l.path, err)
	}
	return out, next, nil
}

// matcher tests entries against a Filter, first on the raw line: the
// canonical encoding fixes how each member is written, so a line lacking
// `"record":"X"` cannot be about record X and is skipped undecoded.
type matcher struct {
	f     Filter
	needs [][]byte
}

func newMatcher(f Filter) *matcher {
	m := &matcher{f: f}
	for _, c := range []struct{ name, v string }{{"record", f.Record}, {"citizen", f.Citizen}, {"actor", f.Actor}, {"action", f.Action}} {
		if c.v == "" {
			continue
		}
		v, _ := json.Marshal(c.v)
		m.needs = append(m.needs, append([]byte(`,"`+c.name+`":`), v...))
	}
	return m
}

func (m *matcher) prefilter(line []byte) bool {
	for _, n := range m.needs {
		if !bytes.Contains(line, n) {
			return false
		}
	}
	return true
}

func (m *matcher) match(e *Event) bool {
	f := m.f
	switch {
	case f.Record != "" && e.Record != f.Record,
		f.Citizen != "" && e.Citizen != f.Citizen,
		f.Actor != "" && e.Actor != f.Actor,
		f.Action != "" && e.Action != f.Action,
		!f.Since.IsZero() && e.Time.Before(f.Since),
		!f.Until.IsZero() && !e.Time.Before(f.Until):
		return false
	}
	return true
}

// decodeLine decodes a stored line as it stands (no canonical or hash
// check: that is Verify's).
func decodeLine(line []byte) (Event, error) {
	var w wireEvent
	if err := json.Unmarshal(line, &w); err != nil {
		return Event{}, fmt.Errorf("not an audit entry: %v", err)
	}
	t, err := time.Parse(time.RFC3339Nano, w.Time)
	if err != nil {
		return Event{}, fmt.Errorf("not an audit entry: time: %v", err)
	}
	ev := Event{Seq: w.Seq, Time: t.UTC(), Actor: w.Actor, Role: w.Role, Action: w.Action, Record: w.Record,
		Citizen: w.Citizen, Purpose: w.Purpose, Detail: w.Detail, Prev: w.Prev, Hash: w.Hash}
	if len(ev.Detail) == 0 {
		ev.Detail = nil
	}
	return ev, nil
}

// seekSeq returns the offset of the line holding entry seq in the first
// size bytes of f (or of the first entry above it), by binary search: seqs
// rise with the offset.
func seekSeq(f io.ReaderAt, size int64, seq uint64) (int64, error) {
	var ferr error
	i := sort.Search(int(size), func(i int) bool {
		if ferr != nil {
			return true
		}
		start, line, err := lineFrom(f, size, int64(i))
		if err != nil {
			ferr = err
			return true
		}
		if line == nil {
			return true // no line starts at or after i
		}
		s, ok := quickSeq(line)
		if !ok {
			ferr = fmt.Errorf("line at offset %d is not an audit entry; run `akte audit verify`: %w", start, ErrTampered)
			return true
		}
		return s >= seq
	})
	if ferr != nil {
		return 0, ferr
	}
	start, _, err := lineFrom(f, size, int64(i))
	if err != nil {
		return 0, err
	}
	return start, nil
}

// lineFrom returns the first line that starts at or after off (before
// size), without its newline; nil when there is none.
func lineFrom(f io.ReaderAt, size, off int64) (int64, []byte, error) {
	start := off
	buf := make([]byte, 0, 4096)
	if off > 0 {
		// The line starts after the first newline at or after off-1.
		pos := off - 1
		for {
			n := min(int64(4096), size-pos)
			if n <= 0 {
				return size, nil, nil
			}
			b := buf[:n]
			if _, err := f.ReadAt(b, pos); err != nil {
				return 0, nil, err
			}
			if j := bytes.IndexByte(b, '\n'); j >= 0 {
				start = pos + int64(j) + 1
				break
			}
			if pos += n; pos-(off-1) > maxLine+1 {
				return 0, nil, fmt.Errorf("no line end within %d bytes of offset %d; run `akte audit verify`: %w", maxLine, off, ErrTampered)
			}
		}
	}
	if start >= size {
		return size, nil, nil
	}
	n := min(int64(maxLine+1), size-start)
	b := make([]byte, n)
	if _, err := f.ReadAt(b, start); err != nil {
		return 0, nil, err
	}
	if j := bytes.IndexByte(b, '\n'); j >= 0 {
		return start, b[:j], nil
	}
	return start, b, nil // the last line or an overlong one: quickSeq decides
}

// backward calls fn for each complete line of f that ends at or before end
// (end is a line start or the file's durable size), last line first, with
// its offset. line is only valid during the call; fn's errStop ends the
// walk.
func backward(f io.ReaderAt, end int64, fn func(off int64, line []byte) error) error {
	var (
		base = end
		buf  []byte // file bytes [base, end'), the unvisited tail of which ends with '\n'
	)
	for {
		if len(buf) == 0 && base == 0 {
			return nil
		}
		j := bytes.LastIndexByte(buf[:max(len(buf)-1, 0)], '\n')
		if j < 0 && base > 0 {
			if len(buf) > maxLine+1 {
				return fmt.Errorf("line ending at offset %d is too long for an audit entry; run `akte audit verify`: %w", base+int64(len(buf)), ErrTampered)
			}
			n := min(int64(readChunk), base)
			more := make([]byte, n, int(n)+len(buf))
			if _, err := f.ReadAt(more, base-n); err != nil {
				return err
			}
			buf = append(more, buf...)
			base -= n
			continue
		}
		if len(buf) == 0 {
			return nil
		}
		line := buf[j+1 : len(buf)-1]
		if err := fn(base+int64(j+1), line); err != nil {
			return err
		}
		buf = buf[:j+1]
	}
}
