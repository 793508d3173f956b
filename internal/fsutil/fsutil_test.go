package fsutil

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// WriteAtomic replaces content whole with the given permissions and leaves
// no temporary file; WriteNew never overwrites.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "job.json")
	for _, content := range []string{"first", "second, longer"} {
		if err := WriteAtomic(p, []byte(content), 0o640); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(p)
		if err != nil || string(got) != content {
			t.Fatalf("read %q, %v; want %q", got, err, content)
		}
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", st.Mode().Perm())
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("%d entries in the folder, want 1 (no temporary file left)", len(ents))
	}
	if err := WriteAtomic(filepath.Join(dir, "missing", "x"), nil, 0o600); err == nil {
		t.Error("write into a missing folder: no error")
	}

	n := filepath.Join(dir, "key.pem")
	if err := WriteNew(n, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteNew(n, []byte("other"), 0o600); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second WriteNew: %v, want ErrExist", err)
	}
	if got, _ := os.ReadFile(n); string(got) != "secret" {
		t.Errorf("WriteNew overwrote: %q", got)
	}
}
