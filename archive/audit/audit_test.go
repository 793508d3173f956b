package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"akte/archive/store"
)

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// fakeClock is an injectable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2030, 3, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// manual never seals on its own.
func manual() *Options {
	return &Options{SealEvery: 1 << 30, SealInterval: 1000 * time.Hour}
}

func ev(i int) Event {
	return Event{
		Actor: fmt.Sprintf("user-%d", i), Role: "clerk", Action: "record.read",
		Record: "01HZX3J8Q6R9T2V4W6Y8Z0A1B3", Citizen: "P-1002", Purpose: "Antrag prüfen <&>",
		Detail: map[string]string{"version": "1", "source": "counter"},
	}
}

func open(t testing.TB, path string, st store.Store, opts *Options) *Log {
	t.Helper()
	l, err := Open(ctxT(t), path, st, opts)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func appendN(t testing.TB, l *Log, from, to int) {
	t.Helper()
	for i := from; i <= to; i++ {
		got, err := l.Append(ctxT(t), ev(i))
		if err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
		if got.Seq != uint64(i) {
			t.Fatalf("append %d: got seq %d", i, got.Seq)
		}
	}
}

func mustVerify(t *testing.T, path string, st store.Store) Report {
	t.Helper()
	r, err := Verify(ctxT(t), path, st)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return r
}

func readLines(t *testing.T, path string) [][]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for l := range bytes.Lines(b) {
		out = append(out, bytes.Clone(l))
	}
	return out
}

func writeLines(t *testing.T, path string, lines [][]byte) {
	t.Helper()
	if err := os.WriteFile(path, bytes.Join(lines, nil), 0o600); err != nil {
		t.Fatal(err)
	}
}

// rehash returns line (with newline) after fn changed its event, with a
// freshly computed hash: what a forger who knows the format would write.
func rehash(t *testing.T, line []byte, fn func(*Event)) []byte {
	t.Helper()
	e, err := parseLine(bytes.TrimSuffix(line, []byte("\n")))
	if err != nil {
		t.Fatal(err)
	}
	fn(&e.ev)
	out, _, err := encode(&e.ev)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCanonicalEncoding(t *testing.T) {
	e := Event{
		Seq: 7, Time: time.Date(2030, 3, 1, 9, 0, 0, 120000000, time.FixedZone("CET", 3600)),
		Actor: "anna", Role: "clerk", Action: "record.read", Record: "R1", Purpose: "a<b",
		Detail: map[string]string{"z": "1", "a": "2"}, Prev: GenesisPrev,
	}
	line, hash, err := encode(&e)
	if err != nil {
		t.Fatal(err)
	}
	canon := `{"seq":7,"time":"2030-03-01T08:00:00.12Z","actor":"anna","role":"clerk","action":"record.read",` +
		`"record":"R1","citizen":"","purpose":"a\u003cb","detail":{"a":"2","z":"1"},"prev":"` + GenesisPrev + `"}`
	h := sha256.Sum256([]byte(canon))
	if want := hex.EncodeToString(h[:]); hash != want {
		t.Errorf("hash = %s, want %s", hash, want)
	}
	wantLine := canon[:len(canon)-1] + `,"hash":"` + hash + `"}` + "\n"
	if string(line) != wantLine {
		t.Errorf("line =\n%s\nwant\n%s", line, wantLine)
	}
	p, err := parseLine(bytes.TrimSuffix(line, []byte("\n")))
	if err != nil || !p.canonical || p.sum != hash || p.ev.Hash != hash || !p.ev.Time.Equal(e.Time) {
		t.Errorf("parse back: %+v, %v", p, err)
	}
	// Empty and nil Detail encode alike.
	e.Detail = map[string]string{}
	_, h1, _ := encode(&e)
	e.Detail = nil
	_, h2, _ := encode(&e)
	if h1 != h2 {
		t.Error("empty and nil detail hash differently")
	}
}

func TestAppendReopenContinuesChain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	st := newMemStore()
	clk := newClock()
	opts := manual()
	opts.Now = clk.Now

	l := open(t, path, st, opts)
	first, err := l.Append(ctxT(t), ev(1))
	if err != nil {
		t.Fatal(err)
	}
	if first.Seq != 1 || first.Prev != GenesisPrev || !first.Time.Equal(clk.Now()) || first.Time.Location() != time.UTC || len(first.Hash) != 64 {
		t.Fatalf("first entry: %+v", first)
	}
	appendN(t, l, 2, 5)
	if err := l.Seal(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	appendN(t, l, 6, 7)
	seq, head := l.Head()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	l = open(t, path, st, opts)
	if s, h := l.Head(); s != seq || h != head {
		t.Fatalf("reopened head = %d %s, want %d %s", s, h, seq, head)
	}
	if got := l.SealedThrough(); got != 5 {
		t.Fatalf("sealed through %d after reopen, want 5", got)
	}
	e8, err := l.Append(ctxT(t), ev(8))
	if err != nil {
		t.Fatal(err)
	}
	if e8.Seq != 8 || e8.Prev != head {
		t.Fatalf("entry 8 = seq %d prev %s, want 8 %s", e8.Seq, e8.Prev, head)
	}
	given := ev(9)
	given.Time = time.Date(2029, 1, 2, 3, 4, 5, 6, time.FixedZone("x", 7200))
	e9, err := l.Append(ctxT(t), given)
	if err != nil || !e9.Time.Equal(given.Time) || e9.Time.Location() != time.UTC {
		t.Fatalf("entry 9 = %+v, %v", e9, err)
	}
	if err := l.Seal(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	r := mustVerify(t, path, st)
	if !r.OK() || r.Entries != 9 || r.Head != 9 || r.Segments != 2 || r.SealedEntries != 9 || r.Unsealed != 0 {
		t.Fatalf("verify: %+v", r)
	}
	if got, want := st.keys(), []string{SegmentKey(1, 5), SegmentKey(6, 9)}; !slices.Equal(got, want) {
		t.Fatalf("segments %v, want %v", got, want)
	}
	// The sealed copy of entry 9 is byte-identical to the local line.
	data, info, err := store.ReadAll(ctxT(t), st, SegmentKey(6, 9), "")
	if err != nil {
		t.Fatal(err)
	}
	lines := readLines(t, path)
	if !bytes.Equal(data, bytes.Join(lines[5:], nil)) {
		t.Fatal("segment 6-9 differs from local lines 6-9")
	}
	if info.Retention.Mode != store.Compliance || !info.Retention.Until.Equal(clk.Now().Add(DefaultRetention)) {
		t.Fatalf("segment retention %+v", info.Retention)
	}
}

func TestAppendRefusesInvalid(t *testing.T) {
	l := open(t, filepath.Join(t.TempDir(), "audit.jsonl"), newMemStore(), manual())
	long := strings.Repeat("x", MaxFieldLen+1)
	tests := []struct {
		name string
		fn   func(*Event)
	}{
		{"no actor", func(e *Event) { e.Actor = "" }},
		{"no role", func(e *Event) { e.Role = "" }},
		{"no action", func(e *Event) { e.Action = "" }},
		{"seq set", func(e *Event) { e.Seq = 4 }},
		{"prev set", func(e *Event) { e.Prev = GenesisPrev }},
		{"hash set", func(e *Event) { e.Hash = "ab" }},
		{"long actor", func(e *Event) { e.Actor = long }},
		{"bad utf8", func(e *Event) { e.Purpose = "\xff" }},
		{"citizen name", func(e *Event) { e.Citizen = "Erika Mustermann" }},
		{"record path", func(e *Event) { e.Record = "../x" }},
		{"detail key", func(e *Event) { e.Detail = map[string]string{"file name": "x"} }},
		{"detail value", func(e *Event) { e.Detail = map[string]string{"k": long} }},
		{"detail size", func(e *Event) {
			e.Detail = map[string]string{}
			for i := range MaxDetail + 1 {
				e.Detail[fmt.Sprint("k", i)] = "v"
			}
		}},
		{"year", func(e *Event) { e.Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := ev(1)
			tc.fn(&e)
			if _, err := l.Append(ctxT(t), e); !errors.Is(err, ErrInvalidEvent) {
				t.Fatalf("err = %v, want ErrInvalidEvent", err)
			}
		})
	}
	if s, _ := l.Head(); s != 0 {
		t.Fatalf("head %d after refused appends", s)
	}
	// The caller's Detail map is copied, not kept.
	e := ev(1)
	got, err := l.Append(ctxT(t), e)
	if err != nil {
		t.Fatal(err)
	}
	e.Detail["version"] = "changed"
	if got.Detail["version"] != "1" {
		t.Fatal("Append kept the caller's Detail map")
	}
}

func TestConcurrentAppendsGapless(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	st := newMemStore()
	l := open(t, path, st, &Options{SealEvery: 500})
	const workers, each = 16, 200
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		seqs []uint64
		errs []error
	)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				e, err := l.Append(ctxT(t), ev(w*each+i))
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				}
				seqs = append(seqs, e.Seq)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("%d errors, first: %v", len(errs), errs[0])
	}
	slices.Sort(seqs)
	for i, s := range seqs {
		if s != uint64(i+1) {
			t.Fatalf("seqs not 1..%d: position %d holds %d", workers*each, i, s)
		}
	}
	if err := l.Seal(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	r := mustVerify(t, path, st)
	if !r.OK() || r.Entries != workers*each || r.SealedEntries != workers*each {
		t.Fatalf("verify: %+v", r)
	}
	if n := len(st.keys()); n < workers*each/500 {
		t.Fatalf("%d segments, want at least %d", n, workers*each/500)
	}
}

// buildLog writes entries 1-12 with segments 1-3, 4-6, 7-9; 10-12 are
// unsealed.
func buildLog(t *testing.T) (string, *memStore) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	st := newMemStore()
	l := open(t, path, st, manual())
	for _, to := range []int{3, 6, 9} {
		from, _ := l.Head()
		appendN(t, l, int(from)+1, to)
		if err := l.Seal(ctxT(t)); err != nil {
			t.Fatal(err)
		}
	}
	appendN(t, l, 10, 12)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return path, st
}

type finding struct {
	kind Kind
	seq  uint64
}

func TestVerifyDetects(t *testing.T) {
	editActor := func(n int) func(*testing.T, string, *memStore) {
		return func(t *testing.T, path string, _ *memStore) {
			lines := readLines(t, path)
			from := fmt.Sprintf(`"actor":"user-%d"`, n)
			if !bytes.Contains(lines[n-1], []byte(from)) {
				t.Fatalf("line %d lacks %s", n, from)
			}
			lines[n-1] = bytes.Replace(lines[n-1], []byte(from), []byte(`"actor":"mallory"`), 1)
			writeLines(t, path, lines)
		}
	}
	rehashActor := func(n int) func(*testing.T, string, *memStore) {
		return func(t *testing.T, path string, _ *memStore) {
			lines := readLines(t, path)
			lines[n-1] = rehash(t, lines[n-1], func(e *Event) { e.Actor = "mallory" })
			writeLines(t, path, lines)
		}
	}
	deleteLine := func(n int) func(*testing.T, string, *memStore) {
		return func(t *testing.T, path string, _ *memStore) {
			lines := readLines(t, path)
			writeLines(t, path, slices.Delete(lines, n-1, n))
		}
	}
	swap := func(n int) func(*testing.T, string, *memStore) {
		return func(t *testing.T, path string, _ *memStore) {
			lines := readLines(t, path)
			lines[n-1], lines[n] = lines[n], lines[n-1]
			writeLines(t, path, lines)
		}
	}
	alterSegment := func(first, last uint64, n int) func(*testing.T, string, *memStore) {
		return func(t *testing.T, _ string, st *memStore) {
			key := SegmentKey(first, last)
			data, _, err := store.ReadAll(ctxT(t), st, key, "")
			if err != nil {
				t.Fatal(err)
			}
			from := fmt.Sprintf(`"actor":"user-%d"`, n)
			if !bytes.Contains(data, []byte(from)) {
				t.Fatalf("segment lacks %s", from)
			}
			st.raw(key, bytes.Replace(data, []byte(from), []byte(`"actor":"mallory"`), 1))
		}
	}
	tests := []struct {
		name   string
		mutate func(t *testing.T, path string, st *memStore)
		want   []finding
		// openErr: Open must refuse with ErrTampered.
		openErr bool
	}{
		{"clean", func(*testing.T, string, *memStore) {}, nil, false},
		{"edited unsealed entry", editActor(11), []finding{{KindEdited, 11}}, true},
		{"edited sealed entry", editActor(5), []finding{{KindEdited, 5}, {KindSealedMismatch, 5}}, false},
		{"edited and rehashed unsealed entry", rehashActor(11), []finding{{KindBrokenChain, 12}}, true},
		{"edited and rehashed sealed entry", rehashActor(5), []finding{{KindSealedMismatch, 5}, {KindBrokenChain, 6}}, false},
		{"rehashed last entry (undetectable)", rehashActor(12), nil, false},
		{"deleted unsealed line", deleteLine(11), []finding{{KindDeleted, 11}}, true},
		{"deleted sealed line", deleteLine(5), []finding{{KindDeleted, 5}, {KindSealedMismatch, 5}}, false},
		{"deleted last line (undetectable)", deleteLine(12), nil, false},
		{"swapped unsealed lines", swap(10), []finding{{KindReordered, 10}}, true},
		{"swapped sealed lines", swap(4), []finding{{KindReordered, 4}, {KindSealedMismatch, 5}}, false},
		{"duplicated line", func(t *testing.T, path string, _ *memStore) {
			lines := readLines(t, path)
			writeLines(t, path, slices.Insert(lines, 11, lines[10]))
		}, []finding{{KindDuplicate, 11}}, true},
		{"garbage line", func(t *testing.T, path string, _ *memStore) {
			lines := readLines(t, path)
			lines[10] = []byte("{\"seq\":11,\"oops\n")
			writeLines(t, path, lines)
		}, []finding{{KindMalformed, 11}, {KindDeleted, 11}}, true},
		{"non-canonical line", func(t *testing.T, path string, _ *memStore) {
			lines := readLines(t, path)
			lines[10] = bytes.Replace(lines[10], []byte(`"role":"clerk",`), []byte(`"role": "clerk",`), 1)
			writeLines(t, path, lines)
		}, []finding{{KindMalformed, 11}}, true},
		{"truncated into the sealed part", func(t *testing.T, path string, _ *memStore) {
			writeLines(t, path, readLines(t, path)[:7])
		}, []finding{{KindTruncated, 8}}, true},
		{"local file removed", func(t *testing.T, path string, _ *memStore) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		}, []finding{{KindTruncated, 1}}, true},
		{"missing segment in the middle", func(t *testing.T, _ string, st *memStore) {
			st.remove(SegmentKey(4, 6))
		}, []finding{{KindSegmentMissing, 4}}, false},
		{"altered sealed segment", alterSegment(4, 6, 5), []finding{{KindSegmentBroken, 5}, {KindSealedMismatch, 5}}, false},
		{"rehashed entry in a sealed segment", func(t *testing.T, _ string, st *memStore) {
			key := SegmentKey(4, 6)
			data, _, err := store.ReadAll(ctxT(t), st, key, "")
			if err != nil {
				t.Fatal(err)
			}
			lines := slices.Collect(bytes.Lines(data))
			lines[1] = rehash(t, lines[1], func(e *Event) { e.Purpose = "other" })
			st.raw(key, bytes.Join(lines, nil))
		}, []finding{{KindSealedMismatch, 5}, {KindSegmentBroken, 6}}, false},
		{"altered last segment", alterSegment(7, 9, 9), []finding{{KindSegmentBroken, 9}, {KindSealedMismatch, 9}}, true},
		{"overlapping segment", func(t *testing.T, _ string, st *memStore) {
			data, _, _ := store.ReadAll(ctxT(t), st, SegmentKey(4, 6), "")
			st.raw(SegmentKey(4, 5), bytes.Join(slices.Collect(bytes.Lines(data))[:2], nil))
		}, []finding{{KindSegmentOverlap, 4}}, false},
		{"foreign object", func(t *testing.T, _ string, st *memStore) {
			st.raw("audit/notes.txt", []byte("hello"))
		}, []finding{{KindForeignObject, 0}}, false},
		{"torn last line", func(t *testing.T, path string, _ *memStore) {
			f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.WriteString(`{"seq":13,"time":"20`); err != nil {
				t.Fatal(err)
			}
		}, []finding{{KindTornTail, 13}}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path, st := buildLog(t)
			tc.mutate(t, path, st)
			r := mustVerify(t, path, st)
			var got []finding
			for _, p := range r.Problems {
				got = append(got, finding{p.Kind, p.Seq})
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("problems %v, want %v", got, tc.want)
				for _, p := range r.Problems {
					t.Log(p)
				}
			}
			if r.OK() != (len(tc.want) == 0) {
				t.Errorf("OK() = %v with problems %v", r.OK(), r.Problems)
			}
			l, err := Open(ctxT(t), path, st, manual())
			if tc.openErr {
				if !errors.Is(err, ErrTampered) {
					t.Fatalf("open: %v, want ErrTampered", err)
				}
				if !strings.Contains(err.Error(), "akte audit verify") {
					t.Errorf("open error does not name the fix: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			l.Close()
		})
	}
}

func TestTornLastLineRepairedOnOpen(t *testing.T) {
	path, st := buildLog(t)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(`{"seq":13,"time":"2030-`); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var logs bytes.Buffer
	opts := manual()
	opts.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	l := open(t, path, st, opts)
	if !strings.Contains(logs.String(), "torn last line") || !strings.Contains(logs.String(), "bytes=23") {
		t.Fatalf("repair not reported; log:\n%s", logs.String())
	}
	e, err := l.Append(ctxT(t), ev(13))
	if err != nil || e.Seq != 13 {
		t.Fatalf("append after repair: %+v %v", e, err)
	}
	l.Close()
	if r := mustVerify(t, path, st); !r.OK() || r.Head != 13 {
		t.Fatalf("verify after repair: %+v", r)
	}
}

func TestSealIdempotentAfterCrash(t *testing.T) {
	setup := func(t *testing.T, n int) (string, *memStore, *Log) {
		path := filepath.Join(t.TempDir(), "audit.jsonl")
		st := newMemStore()
		l := open(t, path, st, manual())
		appendN(t, l, 1, n)
		return path, st, l
	}
	putRaw := func(t *testing.T, st *memStore, key string, data []byte) {
		h := sha256.Sum256(data)
		if _, err := st.Put(ctxT(t), key, bytes.NewReader(data), int64(len(data)), store.PutOptions{SHA256: h[:]}); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("segment stored but not noted", func(t *testing.T) {
		path, st, l := setup(t, 5)
		// A previous Put went through but its reply was lost.
		putRaw(t, st, SegmentKey(1, 5), bytes.Join(readLines(t, path), nil))
		if err := l.Seal(ctxT(t)); err != nil {
			t.Fatalf("seal: %v", err)
		}
		if got := st.keys(); !slices.Equal(got, []string{SegmentKey(1, 5)}) || l.SealedThrough() != 5 {
			t.Fatalf("segments %v, sealed through %d", got, l.SealedThrough())
		}
	})
	t.Run("shorter segment stored but not noted", func(t *testing.T) {
		path, st, l := setup(t, 5)
		putRaw(t, st, SegmentKey(1, 3), bytes.Join(readLines(t, path)[:3], nil))
		if err := l.Seal(ctxT(t)); err != nil {
			t.Fatalf("seal: %v", err)
		}
		if got, want := st.keys(), []string{SegmentKey(1, 3), SegmentKey(4, 5)}; !slices.Equal(got, want) {
			t.Fatalf("segments %v, want %v", got, want)
		}
		l.Close()
		if r := mustVerify(t, path, st); !r.OK() {
			t.Fatalf("verify: %v", r.Problems)
		}
	})
	t.Run("crash after put, reopen", func(t *testing.T) {
		path, st, l := setup(t, 5)
		l.Close()
		putRaw(t, st, SegmentKey(1, 5), bytes.Join(readLines(t, path), nil))
		l = open(t, path, st, manual())
		if l.SealedThrough() != 5 {
			t.Fatalf("sealed through %d after reopen, want 5 from the store", l.SealedThrough())
		}
		if err := l.Seal(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		if n := len(st.keys()); n != 1 {
			t.Fatalf("%d segments", n)
		}
	})
	t.Run("put refused with ErrExists, same content", func(t *testing.T) {
		path, st, l := setup(t, 2)
		data := bytes.Join(readLines(t, path), nil)
		putRaw(t, st, SegmentKey(1, 2), data)
		if err := l.put(ctxT(t), SegmentKey(1, 2), data); err != nil {
			t.Fatalf("put of an identical existing segment: %v", err)
		}
		if err := l.put(ctxT(t), SegmentKey(1, 2), append(bytes.Clone(data), '\n')); !errors.Is(err, ErrTampered) {
			t.Fatalf("put over a different existing segment: %v, want ErrTampered", err)
		}
	})
	t.Run("different segment stored", func(t *testing.T) {
		path, st, l := setup(t, 5)
		lines := readLines(t, path)
		lines[1] = rehash(t, lines[1], func(e *Event) { e.Actor = "mallory" })
		putRaw(t, st, SegmentKey(1, 5), bytes.Join(lines, nil))
		if err := l.Seal(ctxT(t)); !errors.Is(err, ErrTampered) {
			t.Fatalf("seal: %v, want ErrTampered", err)
		}
	})
	t.Run("file edited under a running log", func(t *testing.T) {
		path, st, l := setup(t, 5)
		lines := readLines(t, path)
		writeLines(t, path, lines[:4])
		if err := l.Seal(ctxT(t)); !errors.Is(err, ErrTampered) {
			t.Fatalf("seal: %v, want ErrTampered", err)
		}
		if n := len(st.keys()); n != 0 {
			t.Fatalf("%d segments written from a tampered file", n)
		}
	})
}

// waitFor polls cond for up to 10s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestPeriodicSeal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	st := newMemStore()
	clk := newClock()
	l := open(t, path, st, &Options{SealInterval: time.Hour, Retention: 24 * time.Hour, Now: clk.Now, pollEvery: time.Millisecond})
	appendN(t, l, 1, 3)
	clk.Advance(59 * time.Minute)
	time.Sleep(50 * time.Millisecond)
	if n := l.SealedThrough(); n != 0 {
		t.Fatalf("sealed through %d before the interval passed", n)
	}
	clk.Advance(time.Minute)
	waitFor(t, "periodic seal", func() bool { return l.SealedThrough() == 3 })
	_, info, err := store.ReadAll(ctxT(t), st, SegmentKey(1, 3), "")
	if err != nil {
		t.Fatal(err)
	}
	if want := clk.Now().Add(24 * time.Hour); !info.Retention.Until.Equal(want) || info.Retention.Mode != store.Compliance {
		t.Fatalf("retention %+v, want until %v", info.Retention, want)
	}
	// The next interval starts with the next entry.
	appendN(t, l, 4, 4)
	clk.Advance(30 * time.Minute)
	time.Sleep(50 * time.Millisecond)
	if n := l.SealedThrough(); n != 3 {
		t.Fatalf("sealed through %d, want 3", n)
	}
	clk.Advance(30 * time.Minute)
	waitFor(t, "second periodic seal", func() bool { return l.SealedThrough() == 4 })
}

func TestSealEvery(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	st := newMemStore()
	l := open(t, path, st, &Options{SealEvery: 5, SealInterval: 1000 * time.Hour})
	appendN(t, l, 1, 12)
	waitFor(t, "count-triggered seal", func() bool { return l.SealedThrough() >= 10 })
	if err := l.Seal(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	for _, k := range st.keys() {
		first, last, _ := parseSegmentKey(k)
		if last-first+1 > 5 {
			t.Errorf("segment %s holds more than SealEvery entries", k)
		}
	}
	l.Close()
	if r := mustVerify(t, path, st); !r.OK() || r.SealedEntries != 12 {
		t.Fatalf("verify: %+v", r)
	}
}

func TestClosedAndLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	st := newMemStore()
	l := open(t, path, st, manual())
	if _, err := Open(ctxT(t), path, st, manual()); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("second open: %v, want in use", err)
	}
	appendN(t, l, 1, 1)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append(ctxT(t), ev(2)); !errors.Is(err, ErrClosed) {
		t.Fatalf("append after close: %v", err)
	}
	if err := l.Seal(ctxT(t)); !errors.Is(err, ErrClosed) {
		t.Fatalf("seal after close: %v", err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	l = open(t, path, st, manual())
	if _, err := l.Append(ctx, ev(2)); !errors.Is(err, context.Canceled) {
		t.Fatalf("append with cancelled ctx: %v", err)
	}
	if s, _ := l.Head(); s != 1 {
		t.Fatalf("head %d after cancelled append", s)
	}
}

func FuzzParseLine(f *testing.F) {
	e := ev(1)
	e.Seq, e.Prev, e.Time = 1, GenesisPrev, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	line, _, _ := encode(&e)
	f.Add(bytes.TrimSuffix(line, []byte("\n")))
	f.Add([]byte(`{"seq":1}`))
	f.Add([]byte(`{"seq":18446744073709551616,`))
	f.Fuzz(func(t *testing.T, b []byte) {
		quickSeq(b)
		p, err := parseLine(b)
		if err != nil || !p.canonical {
			return
		}
		out, h, err := encode(&p.ev)
		if err != nil {
			t.Fatalf("re-encode a canonical line: %v", err)
		}
		if h != p.sum {
			t.Fatalf("hash %s, parse said %s", h, p.sum)
		}
		if p.sum == p.ev.Hash && !bytes.Equal(bytes.TrimSuffix(out, []byte("\n")), b) {
			t.Fatalf("canonical line does not round-trip:\n%s\n%s", b, out)
		}
		if s, ok := quickSeq(b); !ok || s != p.ev.Seq {
			t.Fatalf("quickSeq = %d %v, want %d", s, ok, p.ev.Seq)
		}
	})
}

// Appends whose ctx ends while queued are either written and reported as
// written, or not written at all: the file holds exactly the successes.
func TestAppendCancelledWhileQueued(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	st := newMemStore()
	l := open(t, path, st, manual())
	var (
		wg sync.WaitGroup
		mu sync.Mutex
		ok []uint64
	)
	for w := range 8 {
		wg.Go(func() {
			for i := range 100 {
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration((w*100+i)%7)*100*time.Microsecond)
				e, err := l.Append(ctx, ev(i))
				cancel()
				switch {
				case err == nil:
					mu.Lock()
					ok = append(ok, e.Seq)
					mu.Unlock()
				case !errors.Is(err, context.DeadlineExceeded):
					t.Errorf("append: %v", err)
				}
			}
		})
	}
	wg.Wait()
	l.Close()
	slices.Sort(ok)
	r := mustVerify(t, path, st)
	if !r.OK() || r.Entries != len(ok) || (len(ok) > 0 && ok[len(ok)-1] != uint64(len(ok))) {
		t.Fatalf("%d successes (last seq %v), verify %+v", len(ok), ok[max(len(ok)-1, 0):], r)
	}
	t.Logf("%d of 800 appends succeeded", len(ok))
}

// TestGroupCommit: appends that arrive while an fsync runs share the next
// write and fsync; each returns only once the fsync covering its own entry
// has returned; the log holds every entry once, chained in order.
func TestGroupCommit(t *testing.T) {
	const n = 32
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	st := newMemStore()
	var (
		calls   atomic.Int32
		durable atomic.Int64 // file size as of the last completed fsync
		first   = make(chan struct{})
		release = make(chan struct{})
	)
	opts := manual()
	opts.syncFile = func(f *os.File) error {
		if calls.Add(1) == 1 {
			close(first)
			<-release // the first fsync is slow: everything else queues
		}
		err := syncData(f)
		fi, _ := f.Stat()
		durable.Store(fi.Size())
		return err
	}
	l := open(t, path, st, opts)
	type answer struct {
		ev      Event
		err     error
		durable int64 // the durable size when Append returned
	}
	answers := make(chan answer, n)
	add := func(i int) {
		go func() {
			e, err := l.Append(ctxT(t), ev(i))
			answers <- answer{e, err, durable.Load()}
		}()
	}
	add(0)
	<-first
	for i := 1; i < n; i++ {
		add(i)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		l.mu.Lock()
		queued := len(l.queue)
		l.mu.Unlock()
		if queued == n-1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d appends queued", queued, n-1)
		}
	}
	select {
	case a := <-answers:
		t.Fatalf("entry %d answered while its fsync was held (err %v)", a.ev.Seq, a.err)
	default:
	}
	close(release)
	got := make([]answer, 0, n)
	for range n {
		a := <-answers
		if a.err != nil {
			t.Fatal(a.err)
		}
		got = append(got, a)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if c := calls.Load(); c != 2 || l.syncs.Load() != 2 || l.synced.Load() != n {
		t.Fatalf("%d fsyncs (%d counted, for %d entries) for %d appends, want 2: one for the first, one for the %d queued behind it",
			c, l.syncs.Load(), l.synced.Load(), n, n-1)
	}
	// Each answer came after the fsync that made its line durable: the
	// durable size then reached the end of its line.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lineEnd := map[uint64]int64{}
	var off int64
	for i, line := range bytes.SplitAfter(data, []byte("\n")) {
		off += int64(len(line))
		lineEnd[uint64(i+1)] = off
	}
	seen := map[uint64]bool{}
	for _, a := range got {
		if seen[a.ev.Seq] {
			t.Fatalf("seq %d answered twice", a.ev.Seq)
		}
		seen[a.ev.Seq] = true
		if a.durable < lineEnd[a.ev.Seq] {
			t.Fatalf("entry %d answered with %d bytes durable, its line ends at %d", a.ev.Seq, a.durable, lineEnd[a.ev.Seq])
		}
	}
	if r := mustVerify(t, path, st); !r.OK() || r.Entries != n {
		t.Fatalf("verify: %+v", r)
	}
}
