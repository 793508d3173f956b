package pdfa

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// zlibZeros returns n zero bytes, zlib-compressed: a decompression bomb.
func zlibZeros(t testing.TB, n int) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := zlib.NewWriterLevel(&b, zlib.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for n > 0 {
		k := min(n, len(chunk))
		if _, err := w.Write(chunk[:k]); err != nil {
			t.Fatal(err)
		}
		n -= k
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func bombStream(z []byte) string {
	return fmt.Sprintf("<< /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream", len(z), z)
}

// hostileInputs are generated here, never shipped: each must end in a
// typed error or a report, within the deadline.
func hostileInputs(t testing.TB) map[string][]byte {
	base := conformantPDF()
	in := map[string][]byte{}
	for _, frac := range []int{1, 10, 50, 90, 99} {
		in[fmt.Sprintf("truncated %d%%", frac)] = base[:len(base)*frac/100]
	}
	broken := bytes.Replace(base, []byte("0000000"), []byte("9999999"), -1)
	in["broken xref offsets"] = broken
	in["xref prev loop"] = bytes.Replace(base, []byte("trailer\n<<"), []byte("trailer\n<< /Prev 0"), 1)
	in["no xref at all"] = base[:bytes.Index(base, []byte("xref"))]
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	in["deep arrays"] = pdfWithPage("q Q", "/Deep "+deep)
	deepDict := strings.Repeat("<< /A ", 50000) + strings.Repeat(">> ", 50000)
	in["deep dictionaries"] = pdfWithPage("q Q", "/Deep "+deepDict)
	in["deep content arrays"] = pdfWithPage(strings.Repeat("[", 200000)+" TJ", "/Resources << >>")
	in["decompression bomb"] = testPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
		bombStream(zlibZeros(t, 300<<20)),
	}, "")
	in["huge page count"] = testPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [2 0 R 3 0 R 2 0 R] /Count 2147483647 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
	}, "")
	in["absurd page size"] = bytes.Replace(base, []byte("[0 0 595 842]"), []byte("[0 0 9999999999 -9999999999]"), 1)
	in["self-referencing object stream"] = testPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
		"<< /Type /ObjStm /N 1 /First 4 /Extends 3 0 R /Length 8 >>\nstream\n4 0 3 0 R\nendstream",
	}, "")
	in["many operators"] = pdfWithPage(strings.Repeat("q ", 200000)+strings.Repeat("Q ", 200000), "/Resources << >>")
	in["form xobject cycle"] = pdfWithPage("/X0 Do", "/Resources << /XObject << /X0 6 0 R >> >>",
		testStream("/Type /XObject /Subtype /Form /BBox [0 0 1 1] /Resources << /XObject << /X0 6 0 R >> >>", "/X0 Do"))
	fan := strings.Repeat("/X0 Do ", 64)
	in["fan-out form xobject"] = pdfWithPage(fan, "/Resources << /XObject << /X0 6 0 R >> >>",
		testStream("/Type /XObject /Subtype /Form /BBox [0 0 1 1] /Resources << /XObject << /X0 6 0 R >> >>", fan))
	in["self-referencing form fields"] = testPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] >> >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
		"<< /Kids [4 0 R 4 0 R 4 0 R] >>",
	}, "")
	in["self-referencing embedded file tree"] = testPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 4 0 R >> >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
		"<< /Kids [4 0 R 4 0 R 4 0 R] >>",
	}, "")
	in["garbage after header"] = append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("obj endobj stream endstream trailer << >> "), 20000)...)
	return in
}

func TestCheckHostile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 300 MiB bomb")
	}
	opts := &CheckOptions{Timeout: 10 * time.Second, MaxMemory: 64 << 20, Isolation: IsolationInProcess}
	for name, data := range hostileInputs(t) {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			r, err := Check(context.Background(), data, opts)
			if d := time.Since(start); d > opts.Timeout+time.Second {
				t.Fatalf("took %v, deadline %v", d, opts.Timeout)
			}
			if err != nil {
				t.Logf("%s: %v in %v", name, err, time.Since(start).Round(time.Millisecond))
				for _, k := range []error{ErrNotPDF, ErrTooComplex, ErrTimeout} {
					if errors.Is(err, k) {
						return
					}
				}
				t.Fatalf("untyped error: %v", err)
			}
			if r == nil {
				t.Fatal("nil report without error")
			}
			t.Logf("%s: report %v in %v", name, r.Clauses(), time.Since(start).Round(time.Millisecond))
			if name == "decompression bomb" {
				t.Fatalf("bomb accepted as a report: %+v", r.Violations)
			}
		})
	}
}

// TestCheckWorker runs the isolated worker: a good file gives the same
// report as in-process, a bomb is refused by the budget in the child.
func TestCheckWorker(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	ctx := context.Background()
	want := mustCheck(t, pdfWithPage("1 0 0 rg 0 0 5 5 re f", "/Resources << >>"))
	got, err := Check(ctx, pdfWithPage("1 0 0 rg 0 0 5 5 re f", "/Resources << >>"), &CheckOptions{Isolation: IsolationSubprocess})
	if err != nil {
		t.Fatalf("worker: %v", err)
	}
	if fmt.Sprint(got.Violations) != fmt.Sprint(want.Violations) {
		t.Errorf("worker report %+v, in-process %+v", got.Violations, want.Violations)
	}
	bomb := testPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
		bombStream(zlibZeros(t, 100<<20)),
	}, "")
	if _, err := Check(ctx, bomb, &CheckOptions{Isolation: IsolationSubprocess, MaxMemory: 32 << 20}); !errors.Is(err, ErrTooComplex) {
		t.Errorf("bomb in worker: err = %v, want ErrTooComplex", err)
	}
	// A deadline shorter than the worker's start-up: the child is killed.
	start := time.Now()
	if _, err := Check(ctx, conformantPDF(), &CheckOptions{Isolation: IsolationSubprocess, Timeout: time.Millisecond}); !errors.Is(err, ErrTimeout) {
		t.Errorf("1 ms deadline in worker: err = %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("killing the worker took %v", d)
	}
	// Auto: a small file over the fast path's budget is checked again in the
	// worker with the full budget. (Inflating 100 MiB twice under the race
	// detector on a loaded machine can outlast the default 30 s.)
	r, err := Check(ctx, bomb, &CheckOptions{Isolation: IsolationAuto, Timeout: 5 * time.Minute})
	if err != nil || r == nil {
		t.Errorf("auto with a 100 MiB stream: err = %v, want a report from the worker", err)
	}
	// Auto: a large file goes to the worker, a small clean one stays here.
	big := append(conformantPDF(), bytes.Repeat([]byte("%padding\n"), fastPathMaxBytes/9+1)...)
	if fastPathEligible(big) {
		t.Error("a file over fastPathMaxBytes should not take the in-process fast path")
	}
	if !fastPathEligible(conformantPDF()) {
		t.Error("a small clean file should take the in-process fast path")
	}
}
