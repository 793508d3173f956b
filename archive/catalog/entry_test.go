package catalog

import (
	"errors"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestEncodeRoundTrip(t *testing.T) {
	tests := []Entry{
		{ID: "a", Citizen: "P", Version: 1},
		testEntry(42, 3),
		{
			ID: "b", Citizen: "P", Class: "tax", Status: "restricted", Version: 1 << 40, Indexed: true,
			Next:            time.Date(1600, 2, 29, 23, 59, 59, 999999999, time.FixedZone("x", -7200)),
			IdempotencyKeys: []string{"k1", "k2", "k1"}, Manifest: []byte{0, 1, 2}, State: []byte(`{"held":true}`),
		},
	}
	for _, want := range tests {
		got, err := decodeEntry(want.ID, encodeEntry(&want))
		if err != nil {
			t.Fatalf("decode(%s): %v", want.ID, err)
		}
		if !equalEntry(got, want) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
		}
		if !want.Next.IsZero() && got.Next.Location() != time.UTC {
			t.Errorf("Next not in UTC: %v", got.Next)
		}
	}
}

func TestDecodeCorrupt(t *testing.T) {
	valid := encodeEntry(&Entry{ID: "a", Citizen: "P", Version: 1, IdempotencyKeys: []string{"k"}})
	for _, b := range [][]byte{
		nil,
		{3, 0, 1},                        // unknown format
		valid[:len(valid)-2],             // truncated
		{1, 0, 1, 0, 0, 0, 0, 0, 0, 200}, // key count beyond the value
	} {
		if _, err := decodeEntry("a", b); !errors.Is(err, ErrCorrupt) {
			t.Errorf("decode(%v) = %v, want ErrCorrupt", b, err)
		}
	}
}

// TestDecodeFormat1: values written before retention state existed still
// decode, with no state.
func TestDecodeFormat1(t *testing.T) {
	// format 1, no flags, version 2, citizen "P", five empty strings, no keys, manifest "{}"
	v1 := []byte{1, 0, 2, 1, 'P', 0, 0, 0, 0, 0, 0, '{', '}'}
	got, err := decodeEntry("a", v1)
	if err != nil {
		t.Fatal(err)
	}
	want := Entry{ID: "a", Citizen: "P", Version: 2, Manifest: []byte("{}")}
	if !equalEntry(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// FuzzDecodeEntry: a damaged value yields ErrCorrupt, never a panic, and
// whatever decodes re-encodes to an equal entry.
func FuzzDecodeEntry(f *testing.F) {
	f.Add(encodeEntry(&Entry{ID: "a", Citizen: "P", Version: 1}))
	e := testEntry(7, 2)
	f.Add(encodeEntry(&e))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := decodeEntry("x", b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("decode error %v is not ErrCorrupt", err)
			}
			return
		}
		again, err := decodeEntry("x", encodeEntry(&e))
		if err != nil || !equalEntry(again, e) {
			t.Fatalf("re-encoded entry differs: %+v, %v; want %+v", again, err, e)
		}
	})
}

func TestDateKeyOrder(t *testing.T) {
	times := []time.Time{
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(-1, 999999999),
		time.Unix(0, 0),
		time.Unix(0, 1),
		time.Unix(1, 0),
		time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC),
	}
	for i := 1; i < len(times); i++ {
		a, b := appendDateKey(nil, times[i-1]), appendDateKey(nil, times[i])
		if string(a) >= string(b) {
			t.Errorf("date key of %v does not sort before %v", times[i-1], times[i])
		}
	}
}

// TestImportsNoProjectPackage enforces doc.go: the catalog imports no other
// package of Akte (package archive owns the record types and imports us).
func TestImportsNoProjectPackage(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("glob: %v, %d files", err, len(files))
	}
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if path, _ := strconv.Unquote(imp.Path.Value); path == "akte" || strings.HasPrefix(path, "akte/") {
				t.Errorf("%s imports %s", name, path)
			}
		}
	}
}
