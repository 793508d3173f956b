package pdfa

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func benchFile(b *testing.B, name string) []byte {
	b.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "check", name))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func benchCheck(b *testing.B, data []byte, iso Isolation, wantOK bool) {
	opts := &CheckOptions{Isolation: iso}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := Check(context.Background(), data, opts)
		if err != nil {
			b.Fatal(err)
		}
		if r.OK() != wantOK {
			b.Fatalf("OK = %v, want %v: %+v", r.OK(), wantOK, r.Violations)
		}
	}
}

// BenchmarkCheck: a small conformant file (the archive pass-through case)
// and a typical failing one, in-process (the fast path) and in the worker.
func BenchmarkCheck(b *testing.B) {
	pass := benchFile(b, "verapdf-6-6-2-3-1-t01-pass-a.pdf")
	fail := benchFile(b, "verapdf-6-2-4-3-t01-fail-a.pdf")
	objstm := benchFile(b, "verapdf-6-1-12-t02-pass-a.pdf")
	b.Run("conformant/inprocess", func(b *testing.B) { benchCheck(b, pass, IsolationInProcess, true) })
	b.Run("conformant/auto", func(b *testing.B) { benchCheck(b, pass, IsolationAuto, true) })
	b.Run("objstreams/inprocess", func(b *testing.B) { benchCheck(b, objstm, IsolationInProcess, true) })
	b.Run("failing/inprocess", func(b *testing.B) { benchCheck(b, fail, IsolationInProcess, false) })
	b.Run("conformant/worker", func(b *testing.B) { benchCheck(b, pass, IsolationSubprocess, true) })
	b.Run("failing/worker", func(b *testing.B) { benchCheck(b, fail, IsolationSubprocess, false) })
}
