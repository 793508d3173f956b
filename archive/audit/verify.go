package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"sort"

	"akte/archive/store"
)

// Kind classifies a Problem found by Verify.
type Kind string

// Problem kinds.
const (
	// KindMalformed: a local line that is not an audit entry, or not in
	// canonical form.
	KindMalformed Kind = "malformed"
	// KindEdited: a local entry whose content does not match its hash.
	KindEdited Kind = "edited"
	// KindDeleted: entries missing from the local file below its head.
	KindDeleted Kind = "deleted"
	// KindReordered: a local entry that appears after a later one.
	KindReordered Kind = "reordered"
	// KindDuplicate: a seq that appears twice in the local file.
	KindDuplicate Kind = "duplicate"
	// KindBrokenChain: a local entry whose Prev is not the hash of the
	// entry before it.
	KindBrokenChain Kind = "broken-chain"
	// KindTruncated: the local file ends before the sealed segments do.
	KindTruncated Kind = "truncated"
	// KindTornTail: the last line lacks its newline — a write torn by a
	// crash, never acknowledged; Open cuts it off.
	KindTornTail Kind = "torn-tail"
	// KindSegmentMissing: entries below the last sealed one that no
	// segment holds (a segment was removed), or a listed segment that
	// cannot be read.
	KindSegmentMissing Kind = "segment-missing"
	// KindSegmentOverlap: two segments claim the same entries.
	KindSegmentOverlap Kind = "segment-overlap"
	// KindSegmentBroken: a segment that does not hash or chain by itself,
	// does not hold what its name says, or does not match the checksum the
	// store recorded.
	KindSegmentBroken Kind = "segment-broken"
	// KindSealedMismatch: a local entry that differs from its sealed copy.
	KindSealedMismatch Kind = "sealed-mismatch"
	// KindForeignObject: an object under SegmentPrefix that is not a
	// segment.
	KindForeignObject Kind = "foreign-object"
)

// maxProblems bounds Report.Problems; the rest are counted in Omitted.
const maxProblems = 1000

// Problem is one finding of Verify.
type Problem struct {
	Kind    Kind
	Seq     uint64 // first entry concerned; 0 when no entry can be named
	Last    uint64 // last entry of a range (== Seq for one entry)
	Segment string // segment key, when a segment is concerned
	Message string
}

func (p Problem) String() string {
	return fmt.Sprintf("%s: %s", p.Kind, p.Message)
}

// Report is the outcome of Verify.
type Report struct {
	Entries       int    // entries (complete lines that parse) in the local file
	Head          uint64 // highest seq in the local file
	Segments      int    // sealed segments in the store
	SealedEntries int    // entries in sealed segments
	SealedThrough uint64 // highest seq a segment's name covers
	Unsealed      uint64 // local entries above SealedThrough
	Problems      []Problem
	Omitted       int // problems beyond the first 1000, not listed
}

// OK reports whether Verify found nothing wrong.
func (r Report) OK() bool { return len(r.Problems) == 0 && r.Omitted == 0 }

func (r *Report) add(kind Kind, seq, last uint64, seg, format string, args ...any) {
	if len(r.Problems) >= maxProblems {
		r.Omitted++
		return
	}
	if last < seq {
		last = seq
	}
	r.Problems = append(r.Problems, Problem{Kind: kind, Seq: seq, Last: last, Segment: seg, Message: fmt.Sprintf(format, args...)})
}

// Verify checks the audit log at path against the sealed segments in st,
// read-only and without an open Log (it may run beside one; entries
// appended meanwhile may show as unsealed). A nil st checks the local file
// only. Tampering is reported in the Report; the error is for I/O failures
// (a missing local file is not one: it is checked as empty).
//
// Verify streams the file and reads one segment at a time; its memory is
// proportional to the number of segments and problems, not entries.
func Verify(ctx context.Context, path string, st store.Store) (Report, error) {
	var r Report
	var segs []segment
	if st != nil {
		var foreign []string
		var err error
		segs, foreign, err = listSegments(ctx, st, "")
		if err != nil {
			return r, fmt.Errorf("verify audit log: %w", err)
		}
		for _, k := range foreign {
			r.add(KindForeignObject, 0, 0, k, "%s is not an audit segment", k)
		}
	}
	starts := make(map[uint64]int64, len(segs))
	for _, s := range segs {
		starts[s.first] = -1
	}

	missing := false
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		missing = true
	case err != nil:
		return r, fmt.Errorf("verify audit log: %w", err)
	default:
		defer f.Close()
		ls := localScan{r: &r, starts: starts, want: map[uint64]string{}}
		if err := ls.run(ctx, f); err != nil {
			return r, fmt.Errorf("verify audit log %s: %w", path, err)
		}
	}

	if err := verifySegments(ctx, &r, st, segs, f, starts); err != nil {
		return r, fmt.Errorf("verify audit log %s: %w", path, err)
	}
	if r.SealedThrough > r.Head {
		if missing {
			r.add(KindTruncated, 1, r.SealedThrough, "", "the local file %s is missing; sealed segments hold entries 1-%d", path, r.SealedThrough)
		} else {
			r.add(KindTruncated, r.Head+1, r.SealedThrough, "", "the local file ends at entry %d but sealed segments reach entry %d: entries %d-%d were cut off", r.Head, r.SealedThrough, r.Head+1, r.SealedThrough)
		}
	}
	if r.Head > r.SealedThrough {
		r.Unsealed = r.Head - r.SealedThrough
	}
	sort.SliceStable(r.Problems, func(i, j int) bool { return r.Problems[i].Seq < r.Problems[j].Seq })
	return r, nil
}

// span is a range of missing seqs.
type span struct{ first, last uint64 }

const ringSize = 64

// localScan walks the local file once.
type localScan struct {
	r      *Report
	starts map[uint64]int64 // segment first seq → offset of its local line
	maxSeq uint64
	gaps   []span            // seqs below maxSeq not seen yet, sorted
	ring   [ringSize]ref     // recent entries by seq % ringSize
	want   map[uint64]string // seq → Prev claimed by entry seq+1, seen first
	line   int
}

func (ls *localScan) run(ctx context.Context, f *os.File) error {
	r := ls.r
	err := scanLines(f, func(off int64, line []byte, terminated bool) error {
		ls.line++
		if ls.line%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if !terminated {
			r.add(KindTornTail, ls.maxSeq+1, 0, "", "the last line (offset %d, %d bytes) lacks its newline: a write torn by a crash, never acknowledged; opening the log cuts it off", off, len(line))
			return nil
		}
		ls.entry(off, line)
		return nil
	})
	if err != nil {
		return err
	}
	for _, g := range ls.gaps {
		if g.first == g.last {
			r.add(KindDeleted, g.first, g.last, "", "entry %d is missing from the local file", g.first)
		} else {
			r.add(KindDeleted, g.first, g.last, "", "entries %d-%d are missing from the local file", g.first, g.last)
		}
	}
	r.Head = ls.maxSeq
	return nil
}

func (ls *localScan) entry(off int64, line []byte) {
	r := ls.r
	e, err := parseLine(line)
	if err != nil {
		s, _ := quickSeq(line)
		r.add(KindMalformed, s, 0, "", "line %d (offset %d): %v", ls.line, off, err)
		return
	}
	s := e.ev.Seq
	if s == 0 {
		r.add(KindMalformed, 0, 0, "", "line %d (offset %d): seq 0", ls.line, off)
		return
	}
	if !e.canonical {
		r.add(KindMalformed, s, 0, "", "entry %d (line %d) is not in canonical form", s, ls.line)
	}
	if e.sum != e.ev.Hash {
		r.add(KindEdited, s, 0, "", "entry %d (line %d): its content does not match its hash (edited)", s, ls.line)
	}
	r.Entries++
	switch {
	case s == ls.maxSeq+1:
		ls.maxSeq = s
	case s > ls.maxSeq+1:
		ls.gaps = append(ls.gaps, span{ls.maxSeq + 1, s - 1})
		ls.maxSeq = s
	case ls.fill(s):
		r.add(KindReordered, s, 0, "", "entry %d (line %d) appears after entry %d", s, ls.line, ls.maxSeq)
	default:
		r.add(KindDuplicate, s, 0, "", "entry %d appears again at line %d", s, ls.line)
		return
	}
	// Prev must be the stored hash of entry s-1 (the stored one, so that an
	// edit shows once, as KindEdited, and a re-hashed edit as a break here).
	switch p := ls.ring[(s-1)%ringSize]; {
	case s == 1:
		if e.ev.Prev != GenesisPrev {
			r.add(KindBrokenChain, 1, 0, "", "entry 1: prev is not the genesis value")
		}
	case p.seq == s-1:
		if p.hash != e.ev.Prev {
			r.add(KindBrokenChain, s, 0, "", "entry %d: prev does not match the hash of entry %d", s, s-1)
		}
	case ls.missing(s - 1):
		ls.want[s-1] = e.ev.Prev
	}
	if w, ok := ls.want[s]; ok {
		delete(ls.want, s)
		if w != e.ev.Hash {
			r.add(KindBrokenChain, s+1, 0, "", "entry %d: prev does not match the hash of entry %d", s+1, s)
		}
	}
	ls.ring[s%ringSize] = ref{s, e.ev.Hash}
	if o, ok := ls.starts[s]; ok && o < 0 {
		ls.starts[s] = off
	}
}

// missing reports whether s is in a gap.
func (ls *localScan) missing(s uint64) bool {
	i := sort.Search(len(ls.gaps), func(i int) bool { return ls.gaps[i].last >= s })
	return i < len(ls.gaps) && ls.gaps[i].first <= s
}

// fill removes s from the gaps, reporting whether it was in one.
func (ls *localScan) fill(s uint64) bool {
	i := sort.Search(len(ls.gaps), func(i int) bool { return ls.gaps[i].last >= s })
	if i == len(ls.gaps) || ls.gaps[i].first > s {
		return false
	}
	g := ls.gaps[i]
	switch {
	case g.first == s && g.last == s:
		ls.gaps = slices.Delete(ls.gaps, i, i+1)
	case g.first == s:
		ls.gaps[i].first++
	case g.last == s:
		ls.gaps[i].last--
	default:
		ls.gaps[i].last = s - 1
		ls.gaps = slices.Insert(ls.gaps, i+1, span{s + 1, g.last})
	}
	return true
}

// verifySegments checks each segment by itself, the ranges between them,
// and each against the local file f (nil if missing).
func verifySegments(ctx context.Context, r *Report, st store.Store, segs []segment, f *os.File, starts map[uint64]int64) error {
	var (
		prevLast uint64
		prevHash = GenesisPrev // hash of entry prevLast, when known
		hashOK   = true
	)
	for _, s := range segs {
		r.Segments++
		switch {
		case s.first > prevLast+1:
			r.add(KindSegmentMissing, prevLast+1, s.first-1, s.key, "entries %d-%d are in no sealed segment, but later ones are (a segment is missing before %s)", prevLast+1, s.first-1, s.key)
		case s.first <= prevLast:
			r.add(KindSegmentOverlap, s.first, min(prevLast, s.last), s.key, "segment %s overlaps the segment before it", s.key)
		}
		data, info, err := store.ReadAll(ctx, st, s.key, s.info.VersionID)
		if errors.Is(err, store.ErrNotFound) {
			r.add(KindSegmentMissing, s.first, s.last, s.key, "segment %s is listed but cannot be read", s.key)
			prevLast, hashOK = max(prevLast, s.last), false
			continue
		}
		if err != nil {
			return err
		}
		if info.SHA256 != "" && info.SHA256 != sum(data) {
			r.add(KindSegmentBroken, s.first, s.last, s.key, "segment %s does not match the checksum the store recorded at put", s.key)
		}
		linked := hashOK && prevLast == s.first-1
		lines, last := checkSegment(r, s, data, prevHash, linked)
		r.SealedEntries += len(lines)
		r.SealedThrough = max(r.SealedThrough, s.last)
		if f != nil {
			if err := compareLocal(r, s, lines, f, starts); err != nil {
				return err
			}
		}
		if s.last >= prevLast {
			prevLast = s.last
			prevHash, hashOK = last.hash, last.seq == s.last
		}
	}
	return nil
}

// checkSegment checks a segment's own chain and name, and returns its lines
// (without newlines) and its last entry.
func checkSegment(r *Report, s segment, data []byte, prevHash string, linked bool) ([][]byte, ref) {
	if len(data) == 0 || data[len(data)-1] != '\n' {
		r.add(KindSegmentBroken, s.first, s.last, s.key, "segment %s does not end with a newline", s.key)
	}
	var (
		lines [][]byte
		last  ref
		at    = ref{s.first - 1, prevHash}
		known = linked
	)
	for line := range bytes.Lines(data) {
		line = bytes.TrimSuffix(line, []byte("\n"))
		lines = append(lines, line)
		want := s.first + uint64(len(lines)) - 1
		e, err := parseLine(line)
		if err != nil {
			r.add(KindSegmentBroken, want, 0, s.key, "segment %s, line %d: %v", s.key, len(lines), err)
			known, last = false, ref{}
			continue
		}
		q := e.ev.Seq
		switch {
		case q != want:
			r.add(KindSegmentBroken, want, 0, s.key, "segment %s, line %d holds entry %d where entry %d belongs", s.key, len(lines), q, want)
		case !e.canonical:
			r.add(KindSegmentBroken, q, 0, s.key, "segment %s: entry %d is not in canonical form", s.key, q)
		case e.sum != e.ev.Hash:
			r.add(KindSegmentBroken, q, 0, s.key, "segment %s: entry %d does not match its hash", s.key, q)
		case known && at.seq+1 == q && at.hash != e.ev.Prev:
			r.add(KindSegmentBroken, q, 0, s.key, "segment %s: entry %d does not chain to entry %d", s.key, q, at.seq)
		}
		at, known = ref{q, e.ev.Hash}, true
		last = at
	}
	if n := s.last - s.first + 1; uint64(len(lines)) != n {
		r.add(KindSegmentBroken, s.first, s.last, s.key, "segment %s holds %d entries, its name says %d", s.key, len(lines), n)
	}
	return lines, last
}

// compareLocal compares a segment's lines with the local ones.
func compareLocal(r *Report, s segment, lines [][]byte, f *os.File, starts map[uint64]int64) error {
	off, ok := starts[s.first]
	if !ok || off < 0 {
		if s.first <= r.Head {
			r.add(KindSealedMismatch, s.first, s.last, s.key, "cannot compare segment %s with the local file: its first entry %d is not there", s.key, s.first)
		}
		return nil // beyond the local head: reported as truncation
	}
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	k := 0
	err = scanLines(io.NewSectionReader(f, off, fi.Size()-off), func(_ int64, local []byte, terminated bool) error {
		if k == len(lines) || !terminated {
			return errStop
		}
		want := s.first + uint64(k)
		k++
		if bytes.Equal(local, lines[k-1]) {
			return nil
		}
		if q, _ := quickSeq(local); q == want {
			r.add(KindSealedMismatch, want, 0, s.key, "entry %d differs from its sealed copy in %s", want, s.key)
			return nil
		}
		r.add(KindSealedMismatch, want, s.last, s.key, "the local file departs from segment %s at entry %d", s.key, want)
		return errStop
	})
	if err != nil && !errors.Is(err, errStop) {
		return err
	}
	return nil
}
