package importer

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Any manifest parses to rows naming paths inside the folder, or to a
// ManifestError; never a panic.
func FuzzParseManifest(f *testing.F) {
	f.Add([]byte("file,citizen,class,date,title,fact:valid_until\na.pdf,P1,tax,2020-01-01,T,2030-01-01\n"))
	f.Add([]byte("\ufeffFile;Citizen;Class\n\"b;c.pdf\";P2;registration\n\n"))
	f.Add([]byte("file,citizen,class\n..\\x.pdf,P,tax\n"))
	f.Add([]byte("file,citizen,class\n\"unterminated,P,tax\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := parseManifest("m.csv", data)
		if err != nil {
			if _, ok := err.(*ManifestError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		for _, r := range rows {
			if r.file == "" || !filepath.IsLocal(filepath.FromSlash(r.file)) || strings.Contains(r.file, `\`) {
				t.Fatalf("row names %q", r.file)
			}
			if r.line < 2 {
				t.Fatalf("row on line %d", r.line)
			}
		}
	})
}

// Rows without a file of their own are marked for the hot folder: a row
// listing a file again or a page of a listed folder (noFile), a row naming
// nothing in the folder (missing); files and folders are neither.
func TestPlanMarks(t *testing.T) {
	dir, meta := t.TempDir(), t.TempDir()
	for _, rel := range []string{"a.pdf", "mappe/p1.png", "mappe/p2.png"} {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	manifest := filepath.Join(meta, "m.csv")
	rows := "file,citizen,class\na.pdf,P1,tax\nmappe,P1,tax\nmappe/p2.png,P1,tax\nweg.pdf,P1,tax\na.pdf,P1,tax\n"
	if err := os.WriteFile(manifest, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	items, err := plan(dir, manifest, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	type marks struct{ noFile, missing bool }
	got := map[string]marks{}
	for _, it := range items {
		got[it.rel] = marks{it.noFile, it.missing}
	}
	want := map[string]marks{
		"a.pdf": {}, "mappe/": {}, "weg.pdf": {missing: true},
		"a.pdf#line6": {noFile: true}, "mappe/p2.png#line4": {noFile: true},
	}
	if !maps.Equal(got, want) {
		t.Errorf("marks %v, want %v", got, want)
	}
}
