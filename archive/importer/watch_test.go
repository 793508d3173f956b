package importer_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"akte/archive"
	"akte/archive/archivetest"
	"akte/archive/importer"
)

// scanPNG is a small grey page with a dark bar, as a scanner writes one.
func scanPNG(t *testing.T, shade uint8) []byte {
	img := image.NewGray(image.Rect(0, 0, 240, 340))
	for i := range img.Pix {
		img.Pix[i] = 250
	}
	for y := 40; y < 60; y++ {
		for x := 20; x < 220; x++ {
			img.SetGray(x, y, color.Gray{Y: shade})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// hugePNG is a real, valid 1-bit PNG of w × h white pixels (small on disk:
// the rows compress to almost nothing).
func hugePNG(t *testing.T, w, h int) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(data)))
		b.Write(n[:])
		c := crc32.NewIEEE()
		c.Write([]byte(typ))
		c.Write(data)
		b.WriteString(typ)
		b.Write(data)
		binary.BigEndian.PutUint32(n[:], c.Sum32())
		b.Write(n[:])
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 1, 0 // 1 bit grey
	chunk("IHDR", ihdr)
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestSpeed)
	row := make([]byte, 1+(w+7)/8)
	for i := 1; i < len(row); i++ {
		row[i] = 0xff
	}
	for range h {
		zw.Write(row)
	}
	zw.Close()
	chunk("IDAT", z.Bytes())
	chunk("IEND", nil)
	return b.Bytes()
}

func encryptedPDF(t *testing.T) []byte {
	var out bytes.Buffer
	conf := model.NewAESConfiguration("geheim", "geheim-owner", 256)
	if err := api.Encrypt(bytes.NewReader(archivetest.MakePDF("Steuerbescheid", "vertraulich")), &out, conf); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// The hot folder, fed good scans and bad inputs: each bad one ends in
// failed/ beside a reason file saying what is wrong with it, the good ones
// are archived (PDF/A) and in done/, and the folder is left empty.
func TestWatchBadInputs(t *testing.T) {
	a := archivetest.Open(t, archive.Options{Converter: archive.PDFA{}})
	hot := t.TempDir()
	tiff := append([]byte("II*\x00\x08\x00\x00\x00"), bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef}, 64)...)
	bad := map[string]struct {
		data   []byte
		reason string
	}{
		"P1_tax_2020-01-01_corrupt.tif":  {tiff, `(?i)tiff`},
		"P1_tax_2020-01-02_empty.pdf":    {nil, `empty file`},
		"P1_tax_2020-01-03_huge.png":     {hugePNG(t, 30000, 30000), `(?i)too large.*pixels|pixels.*(limit|at most)`},
		"P1_tax_2020-01-04_locked.pdf":   {encryptedPDF(t), `(?i)encrypt`},
		"P1_tax_2020-01-05_notes.txt":    {[]byte("Bitte Akte an Frau Meier weiterleiten.\n"), `not a PDF or a supported image`},
		"Scan0001.jpg":                   {scanPNG(t, 10), `does not follow CITIZEN_CLASS`},
		"box/P1_tax_2020-01-06_bad.jpeg": {[]byte("\xff\xd8\xff\xe0 not really a jpeg"), `(?i)jpeg`},
	}
	good := map[string][]byte{
		"P1_tax_2020-02-01_Bescheid.png":     scanPNG(t, 20),
		"box/P2_registration_2020-02-02.png": scanPNG(t, 40),
	}
	for name, c := range bad {
		write(t, hot, name, c.data)
	}
	for name, data := range good {
		write(t, hot, name, data)
	}
	// Files older than the settle time are taken on the second look.
	old := time.Now().Add(-time.Hour)
	filepath.Walk(hot, func(p string, _ os.FileInfo, _ error) error { return os.Chtimes(p, old, old) })

	var errs []string
	var names []string
	for name := range bad {
		names = append(names, name)
	}
	for name := range good {
		names = append(names, name)
	}
	watchUntilTaken(t, 2*time.Minute, a, importer.Options{Dir: hot, Journal: filepath.Join(t.TempDir(), "journal.jsonl"), Actor: importer1},
		func(f string, args ...any) { errs = append(errs, f) }, names...)
	if len(errs) > 0 {
		t.Errorf("watch reported trouble: %v", errs)
	}
	for name, c := range bad {
		moved := filepath.Join(hot, importer.FailedDir, name)
		got, err := os.ReadFile(moved)
		if err != nil || !bytes.Equal(got, c.data) {
			t.Errorf("%s: not in failed/ unchanged: %v", name, err)
			continue
		}
		why, err := os.ReadFile(moved + ".reason.txt")
		if err != nil {
			t.Errorf("%s: no reason file: %v", name, err)
			continue
		}
		t.Logf("%s: %s", name, bytes.SplitN(why, []byte("\n"), 3)[1])
		if !regexp.MustCompile(c.reason).Match(why) || !strings.Contains(string(why), "Nothing was archived") {
			t.Errorf("%s: reason %q, want %s", name, why, c.reason)
		}
	}
	for name, data := range good {
		got, err := os.ReadFile(filepath.Join(hot, importer.DoneDir, name))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s: not in done/ unchanged: %v", name, err)
		}
	}
	if n, _ := a.Count(context.Background()); n != len(good) {
		t.Fatalf("%d records, want %d", n, len(good))
	}
}

// A folder row in the hot folder: taken once all its files have settled,
// archived as one document, and moved to done/ whole.
func TestWatchFolder(t *testing.T) {
	a := archivetest.Open(t, archive.Options{Converter: archive.PDFA{}})
	hot, meta := t.TempDir(), t.TempDir()
	write(t, hot, "mappe/seite1.png", scanPNG(t, 20))
	write(t, hot, "mappe/seite2.png", scanPNG(t, 60))
	write(t, meta, "liste.csv", []byte("file;citizen;class\nmappe;P-7;registration\n"))
	old := time.Now().Add(-time.Hour)
	filepath.Walk(hot, func(p string, _ os.FileInfo, _ error) error { return os.Chtimes(p, old, old) })
	watchUntilTaken(t, time.Minute, a, importer.Options{Dir: hot, Manifest: filepath.Join(meta, "liste.csv"), Journal: filepath.Join(meta, "journal.jsonl"), Actor: importer1},
		t.Errorf, "mappe")
	for _, f := range []string{"seite1.png", "seite2.png"} {
		if _, err := os.Stat(filepath.Join(hot, importer.DoneDir, "mappe", f)); err != nil {
			t.Errorf("done/mappe/%s: %v", f, err)
		}
	}
	if n, _ := a.Count(context.Background()); n != 1 {
		t.Fatalf("%d records, want 1", n)
	}
}

// Manifest rows without a file of their own in the hot folder: a row
// listing a file again is refused in the journal while the file is
// archived and moved to done/; nothing goes to failed/ for it (no reason
// file without a file), and a row naming no file is left waiting.
func TestWatchRowsWithoutFile(t *testing.T) {
	a := archivetest.Open(t, archive.Options{})
	hot, meta := t.TempDir(), t.TempDir()
	write(t, hot, "a.pdf", archivetest.MakePDF("Anmeldung", "Hauptstrasse 1"))
	write(t, meta, "liste.csv", []byte("file;citizen;class\na.pdf;P-7;registration\na.pdf;P-7;registration\nweg.pdf;P-8;registration\n"))
	old := time.Now().Add(-time.Hour)
	os.Chtimes(filepath.Join(hot, "a.pdf"), old, old)
	journal := filepath.Join(meta, "journal.jsonl")
	watchUntilTaken(t, time.Minute, a, importer.Options{Dir: hot, Manifest: filepath.Join(meta, "liste.csv"), Journal: journal, Actor: importer1},
		t.Errorf, "a.pdf")
	if _, err := os.Stat(filepath.Join(hot, importer.DoneDir, "a.pdf")); err != nil {
		t.Errorf("done/a.pdf: %v", err)
	}
	if ents, err := os.ReadDir(filepath.Join(hot, importer.FailedDir)); len(ents) > 0 || !os.IsNotExist(err) {
		t.Errorf("failed/ holds %v (%v), want nothing", ents, err)
	}
	j, err := os.ReadFile(journal)
	if err != nil || !strings.Contains(string(j), `"a.pdf#line3"`) || !strings.Contains(string(j), "lists a.pdf again") || strings.Contains(string(j), "weg.pdf") {
		t.Errorf("journal (%v):\n%s", err, j)
	}
	if n, _ := a.Count(context.Background()); n != 1 {
		t.Fatalf("%d records, want 1", n)
	}
}

// watchUntilTaken runs Watch over o.Dir (looking every 20 ms, files settled after 1 s) until
// none of names is left there, lets it look a few more times, and stops it: Watch must end
// without error, all within timeout. errorf gets what Watch reports along the way.
func watchUntilTaken(t *testing.T, timeout time.Duration, a *archive.Archive, o importer.Options, errorf func(string, ...any), names ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- importer.Watch(ctx, a, importer.WatchOptions{Options: o, Interval: 20 * time.Millisecond, Settle: time.Second, Errorf: errorf})
	}()
	left := slices.Clone(names)
	for {
		left = slices.DeleteFunc(left, func(name string) bool {
			_, err := os.Stat(filepath.Join(o.Dir, name))
			return err != nil
		})
		if len(left) == 0 {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("the hot folder still holds %v", left)
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // a few more looks
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
