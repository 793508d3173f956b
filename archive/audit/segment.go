package audit

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"

	"akte/archive/store"
)

// SegmentPrefix is the store prefix of sealed segments.
const SegmentPrefix = "audit/"

const segmentSuffix = ".jsonl"

// SegmentKey is the store key of the sealed segment holding entries first
// through last: audit/<first %020d>-<last %020d>.jsonl, so that key order is
// seq order.
func SegmentKey(first, last uint64) string {
	return fmt.Sprintf("%s%020d-%020d%s", SegmentPrefix, first, last, segmentSuffix)
}

// parseSegmentKey is the inverse of SegmentKey; ok is false for any other
// key, including a range with first > last or first == 0.
func parseSegmentKey(key string) (first, last uint64, ok bool) {
	const n = len(SegmentPrefix) + 20 + 1 + 20 + len(segmentSuffix)
	if len(key) != n || key[:len(SegmentPrefix)] != SegmentPrefix || key[n-len(segmentSuffix):] != segmentSuffix {
		return 0, 0, false
	}
	rest := key[len(SegmentPrefix) : n-len(segmentSuffix)]
	if rest[20] != '-' {
		return 0, 0, false
	}
	digits := func(s string) (uint64, bool) {
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, false
			}
		}
		v, err := strconv.ParseUint(s, 10, 64)
		return v, err == nil
	}
	first, ok1 := digits(rest[:20])
	last, ok2 := digits(rest[21:])
	if !ok1 || !ok2 || first == 0 || first > last {
		return 0, 0, false
	}
	return first, last, true
}

// segment is one listed segment.
type segment struct {
	key         string
	first, last uint64
	info        store.ObjectInfo
}

// listSegments lists the objects under SegmentPrefix after the key after,
// in key order, separating segments from anything else found there.
func listSegments(ctx context.Context, st store.Store, after string) (segs []segment, foreign []string, err error) {
	for info, err := range st.List(ctx, SegmentPrefix, after) {
		if err != nil {
			return nil, nil, fmt.Errorf("list audit segments: %w", err)
		}
		first, last, ok := parseSegmentKey(info.Key)
		if !ok {
			foreign = append(foreign, info.Key)
			continue
		}
		segs = append(segs, segment{key: info.Key, first: first, last: last, info: info})
	}
	return segs, foreign, nil
}

// scanLines calls fn for each line of r with its byte offset, its content
// without the newline, and whether it ended with a newline (only the last
// line can lack one). Lines longer than maxLine are passed cut to
// maxLine+1 bytes so that parsing fails; offsets stay exact. line is only
// valid during the call.
func scanLines(r io.Reader, fn func(off int64, line []byte, terminated bool) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var (
		off  int64
		long []byte
		n    int64 // length of the current long line so far
	)
	for {
		chunk, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			if len(long) <= maxLine {
				long = append(long, chunk[:min(len(chunk), maxLine+1-len(long))]...)
			}
			n += int64(len(chunk))
			continue
		}
		line, total := chunk, int64(len(chunk))
		if n > 0 {
			if len(long) <= maxLine {
				long = append(long, chunk[:min(len(chunk), maxLine+1-len(long))]...)
			}
			line, total = long, n+int64(len(chunk))
		}
		if total > 0 {
			terminated := chunk != nil && len(chunk) > 0 && chunk[len(chunk)-1] == '\n'
			body := line
			if terminated && n == 0 {
				body = line[:len(line)-1]
			}
			if e := fn(off, body, terminated); e != nil {
				return e
			}
			off += total
		}
		long, n = long[:0], 0
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
