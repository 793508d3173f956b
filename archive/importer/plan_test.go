package importer

import (
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
