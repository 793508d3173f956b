package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"akte/archive"
	"akte/archive/archivetest"
	"akte/archive/importer"
	"akte/web"
	"akte/web/auth"
)

// importPart is one part of an import upload: a field (no filename) or a
// file (the manifest is the field "manifest" with a filename).
type importPart struct {
	field, filename string
	data            []byte
}

func filePart(name string, data []byte) importPart { return importPart{"file", name, data} }
func manifestPart(csv string) importPart           { return importPart{"manifest", "manifest.csv", []byte(csv)} }

// importBody is a multipart body of parts; boundary "" picks a random one.
func importBody(boundary string, parts ...importPart) (string, []byte) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if boundary != "" {
		mw.SetBoundary(boundary)
	}
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		cd := fmt.Sprintf(`form-data; name=%q`, p.field)
		if p.filename != "" {
			// Written by hand: quoted as RFC 7578 says, so that names with
			// backslashes and quotes arrive as sent.
			cd += `; filename="` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(p.filename) + `"`
			h.Set("Content-Type", "application/octet-stream")
		}
		h.Set("Content-Disposition", cd)
		w, _ := mw.CreatePart(h)
		w.Write(p.data)
	}
	mw.Close()
	return mw.FormDataContentType(), buf.Bytes()
}

// importJob is the JSON of a job.
type importJob struct {
	ID, Batch, State, Error string
	StatusURL               string `json:"status_url"`
	ReportURL               string `json:"report_url"`
	Files, Done, Archived   int
	Failed, Pending, Runs   int
	Started, Finished       time.Time
	Summary                 *struct{ Archived, Existing, Earlier, Failed, Pending int }
}

type importFixture struct {
	*opsFixture
	dir string // ImportDir
}

func newImportFixture(t *testing.T, limit int64) *importFixture {
	t.Helper()
	dir := t.TempDir()
	f := &importFixture{opsFixture: newOps(t, archive.Options{MaxBytes: limit}, web.Options{MaxBytes: limit, ImportDir: dir, ImportJobs: 1}), dir: dir}
	t.Cleanup(func() { f.h.Close(context.Background()) })
	return f
}

// post sends a batch with the token.
func (f *importFixture) post(t *testing.T, token string, parts ...importPart) (*http.Response, []byte) {
	t.Helper()
	ctype, body := importBody("", parts...)
	req, _ := http.NewRequest("POST", f.srv.URL+"/api/v1/imports", bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", "Bearer "+token)
	return do(t, req)
}

func (f *importFixture) get(t *testing.T, token, path string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	return do(t, req)
}

// submit sends a batch that must be accepted (202) and returns its job.
func (f *importFixture) submit(t *testing.T, token string, parts ...importPart) importJob {
	t.Helper()
	resp, b := f.post(t, token, parts...)
	var j importJob
	if resp.StatusCode != http.StatusAccepted || json.Unmarshal(b, &j) != nil {
		t.Fatalf("POST /api/v1/imports: %d %s, want 202", resp.StatusCode, b)
	}
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(j.ID) || j.StatusURL != "/api/v1/imports/"+j.ID ||
		j.ReportURL != j.StatusURL+"/report" || resp.Header.Get("Location") != j.StatusURL {
		t.Fatalf("202 answer: %s (Location %q)", b, resp.Header.Get("Location"))
	}
	return j
}

// wait polls the job's status until it has ended.
func (f *importFixture) wait(t *testing.T, token, id string) importJob {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, b := f.get(t, token, "/api/v1/imports/"+id)
		var j importJob
		if resp.StatusCode != 200 || json.Unmarshal(b, &j) != nil {
			t.Fatalf("status: %d %s", resp.StatusCode, b)
		}
		if j.State != "queued" && j.State != "running" {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still %s after 2 min: %s", id, j.State, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// report reads the job's CSV report as rows by file, checking its header.
func (f *importFixture) report(t *testing.T, token, id string) map[string][]string {
	t.Helper()
	resp, b := f.get(t, token, "/api/v1/imports/"+id+"/report")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("report: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(rows) == 0 || !slices.Equal(rows[0], importer.ReportHeader) {
		t.Fatalf("report: %v\n%s", err, b)
	}
	out := map[string][]string{}
	for _, r := range rows[1:] {
		out[r[0]] = r
	}
	return out
}

// wantNothing fails unless the import folder is empty and the archive
// holds no record.
func (f *importFixture) wantNothing(t *testing.T) {
	t.Helper()
	var stored []string
	filepath.WalkDir(f.dir, func(p string, d os.DirEntry, err error) error {
		if p != f.dir {
			stored = append(stored, strings.TrimPrefix(p, f.dir))
		}
		return nil
	})
	if len(stored) != 0 {
		t.Errorf("refused uploads left %v", stored)
	}
	if n := f.count(t); n != 0 {
		t.Errorf("%d records archived from refused uploads", n)
	}
}

func (f *importFixture) count(t *testing.T) int {
	t.Helper()
	n, err := f.a.Count(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

const importManifest = "file,citizen,class,date,title,fact:valid_until\n" +
	"a.pdf,P-100234,registration,2019-03-04,Anmeldung Hauptstr.,\n" +
	"box 1/b.pdf,P-100234,passport-application,2021-06-01,Reisepass,2031-06-01\n" +
	"c.pdf,P-7,tax,2020-01-15,Bescheid 2019,\n"

func importFiles() map[string][]byte {
	return map[string][]byte{
		"a.pdf":       archivetest.MakePDF("Anmeldung", "Hauptstrasse 1"),
		"box 1/b.pdf": archivetest.MakePDF("Reisepass", "Antrag"),
		"c.pdf":       archivetest.MakePDF("Bescheid", "Grundsteuer"),
	}
}

func batchParts(batch string, files map[string][]byte) []importPart {
	parts := []importPart{{field: "batch", data: []byte(batch)}, manifestPart(importManifest)}
	for name, data := range files {
		parts = append(parts, filePart(name, data))
	}
	return parts
}

// A manifest and three files (one in a folder) become three records with
// the manifest's metadata; the job runs to done; the report lists every
// file with its record and SHA-256; the inputs are gone afterwards. The
// same batch sent again continues the same job and archives nothing twice;
// another principal neither sees the job (404) nor shares its batch key.
func TestImportAPI(t *testing.T) {
	ctx := t.Context()
	f := newImportFixture(t, 0)
	intake := f.auth.tokens[auth.Intake]
	files := importFiles()
	j := f.submit(t, intake, batchParts("backlog-2026.01", files)...)
	if j.Batch != "backlog-2026.01" || j.Files != 3 || (j.State != "queued" && j.State != "running") {
		t.Fatalf("new job: %+v", j)
	}
	j = f.wait(t, intake, j.ID)
	if j.State != "done" || j.Files != 3 || j.Done != 3 || j.Archived != 3 || j.Failed != 0 || j.Pending != 0 || j.Runs != 1 ||
		j.Started.IsZero() || j.Finished.Before(j.Started) || j.Summary == nil || j.Summary.Archived != 3 || j.Error != "" {
		t.Fatalf("ended job: %+v", j)
	}
	rows := f.report(t, intake, j.ID)
	want := map[string][5]string{
		"a.pdf":       {"P-100234", "registration", "2019-03-04", "Anmeldung Hauptstr.", ""},
		"box 1/b.pdf": {"P-100234", "passport-application", "2021-06-01", "Reisepass", "2031-06-01"},
		"c.pdf":       {"P-7", "tax", "2020-01-15", "Bescheid 2019", ""},
	}
	if len(rows) != 3 {
		t.Fatalf("report rows: %v", rows)
	}
	records := map[string]string{}
	for file, w := range want {
		row := rows[file]
		sum := sha256.Sum256(files[file])
		if row == nil || row[1] != "archived" || row[5] != hex.EncodeToString(sum[:]) || row[6] != fmt.Sprint(len(files[file])) {
			t.Fatalf("report row of %s: %q", file, row)
		}
		rec, err := f.a.Record(ctx, archive.RecordID(row[2]))
		if err != nil {
			t.Fatal(err)
		}
		m := rec.Manifest
		if got := [5]string{string(m.Citizen), string(m.Class), string(m.Date), m.Title, string(m.Facts["valid_until"])}; got != w || m.Source != archive.SourceScan {
			t.Errorf("%s: record %q (source %s), want %q", file, got, m.Source, w)
		}
		records[file] = row[2]
	}
	if n := f.count(t); n != 3 {
		t.Fatalf("%d records, want 3", n)
	}
	if _, err := os.Stat(filepath.Join(f.dir, j.ID, "in")); !os.IsNotExist(err) {
		t.Errorf("the inputs of a done job are kept: %v", err)
	}

	// Sent again (the script lost the answer): the same job, a second run
	// that finds every file in its journal.
	again := f.submit(t, intake, batchParts("backlog-2026.01", files)...)
	if again.ID != j.ID {
		t.Fatalf("the same batch made job %s, want %s", again.ID, j.ID)
	}
	again = f.wait(t, intake, j.ID)
	if again.State != "done" || again.Runs != 2 || again.Archived != 3 || again.Summary == nil || again.Summary.Earlier != 3 {
		t.Fatalf("second run: %+v", again)
	}
	for file, row := range f.report(t, intake, j.ID) {
		if row[2] != records[file] {
			t.Errorf("second run: %s → %s, want %s", file, row[2], records[file])
		}
	}
	if n := f.count(t); n != 3 {
		t.Fatalf("%d records after the batch was sent again, want 3", n)
	}

	// Another script's token: the job is not there for it, for an admin it is.
	_, other, err := f.auth.store.NewToken(ctx, "other-script", auth.Intake, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/api/v1/imports/" + j.ID, "/api/v1/imports/" + j.ID + "/report"} {
		resp, b := f.get(t, other, p)
		wantError(t, resp, b, http.StatusNotFound, "not_found", "")
		if resp, b := f.get(t, f.auth.tokens[auth.Admin], p); resp.StatusCode != 200 {
			t.Errorf("admin %s: %d %s", p, resp.StatusCode, b)
		}
	}
	// Its batch key is its own: the same key makes another job, and the
	// archive recognises the documents (nothing twice).
	theirs := f.submit(t, other, batchParts("backlog-2026.01", files)...)
	if theirs.ID == j.ID {
		t.Fatal("two principals share a job through a batch key")
	}
	if theirs = f.wait(t, other, theirs.ID); theirs.State != "done" || theirs.Summary.Existing != 3 || f.count(t) != 3 {
		t.Fatalf("the other script's job: %+v, %d records", theirs, f.count(t))
	}
}

// Refused uploads answer 4xx with a stable kind, store nothing and
// archive nothing: file names that leave the batch, a bad id, a bad
// manifest (naming its line), wrong roles.
func TestImportRefused(t *testing.T) {
	f := newImportFixture(t, 0)
	intake := f.auth.tokens[auth.Intake]
	pdf := archivetest.MakePDF("x", "y")
	manifest := manifestPart("file,citizen,class\nevil.pdf,P-1,tax\n")
	for _, name := range []string{"../evil.pdf", "../../evil.pdf", "/tmp/evil.pdf", "a/../../evil.pdf", "a/../evil.pdf",
		`..\evil.pdf`, `a\..\..\evil.pdf`, "C:/evil.pdf", "./evil.pdf", "a//evil.pdf", "a/", ".hidden.pdf", "a/.git/x",
		"", "evil\t.pdf", "..", "."} {
		resp, b := f.post(t, intake, manifest, filePart(name, pdf))
		wantError(t, resp, b, http.StatusBadRequest, "invalid", "file")
	}
	for _, p := range []string{filepath.Join(f.dir, "..", "evil.pdf"), filepath.Join(f.dir, "..", "..", "evil.pdf"), "/tmp/evil.pdf"} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s exists", p)
		}
	}
	for name, c := range map[string]struct{ parts []importPart }{
		"the same name twice":    {[]importPart{manifest, filePart("a.pdf", pdf), filePart("a.pdf", pdf)}},
		"a file as a folder":     {[]importPart{manifest, filePart("a", pdf), filePart("a/b.pdf", pdf)}},
		"a folder as a file":     {[]importPart{manifest, filePart("a/b.pdf", pdf), filePart("a", pdf)}},
		"no files":               {[]importPart{manifest}},
		"a field without a name": {[]importPart{manifest, filePart("a.pdf", pdf), {field: "colour", data: []byte("red")}}},
	} {
		resp, b := f.post(t, intake, c.parts...)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d %s, want 400", name, resp.StatusCode, b)
		}
	}

	// Bad manifests: 400 invalid, field manifest, the line in the message.
	for _, c := range []struct{ csv, want string }{
		{"file,citizen,class\na.pdf,P-1,tax\nb.pdf,P-2\n", "line 3"},
		{"file,citizen,colour\na.pdf,P-1,red\n", `line 1: unknown column "colour"`},
		{"file,citizen,class\n../../etc/passwd,P-1,tax\n", `line 2: file "../../etc/passwd" is not a path inside the folder`},
		{"", "no header line"},
	} {
		resp, b := f.post(t, intake, manifestPart(c.csv), filePart("a.pdf", pdf), filePart("b.pdf", pdf))
		wantError(t, resp, b, http.StatusBadRequest, "invalid", "manifest")
		var e errBody
		json.Unmarshal(b, &e)
		if !strings.Contains(e.Error.Message, c.want) || strings.Contains(e.Error.Message, f.dir) {
			t.Errorf("manifest %q: %s, want %q in the message and no server path", c.csv, b, c.want)
		}
	}
	resp, b := f.post(t, intake, filePart("a.pdf", pdf))
	wantError(t, resp, b, http.StatusBadRequest, "invalid", "manifest")
	for _, batch := range []string{"a/b", "../x", strings.Repeat("x", 101), "", "Stapel 1"} {
		resp, b := f.post(t, intake, importPart{field: "batch", data: []byte(batch)}, manifest, filePart("evil.pdf", pdf))
		wantError(t, resp, b, http.StatusBadRequest, "invalid", "batch")
	}
	resp, b = f.call(t, auth.Intake, "POST", "/api/v1/imports", "application/pdf", bytes.NewReader(pdf))
	wantError(t, resp, b, http.StatusUnsupportedMediaType, "unsupported_media_type", "")

	// Roles: only intake and admin may send; anonymous callers 401.
	for _, role := range []auth.Role{auth.Clerk, auth.RecordsOfficer, auth.Auditor} {
		resp, b := f.post(t, f.auth.tokens[role], manifest, filePart("evil.pdf", pdf))
		wantError(t, resp, b, http.StatusForbidden, "forbidden", "")
		resp, b = f.get(t, f.auth.tokens[role], "/api/v1/imports/"+strings.Repeat("0", 32))
		wantError(t, resp, b, http.StatusForbidden, "forbidden", "")
	}
	ctype, body := importBody("", manifest, filePart("evil.pdf", pdf))
	resp, b = f.call(t, "", "POST", "/api/v1/imports", ctype, bytes.NewReader(body))
	wantError(t, resp, b, http.StatusUnauthorized, "unauthenticated", "")

	// The id parameter: malformed → 400, reaching no file; unknown → 404.
	for _, id := range []string{"..%2F..%2Fauth.db", "..%2F" + strings.Repeat("0", 29), "%2E%2E", strings.Repeat("A", 32), strings.Repeat("0", 31),
		"job.json", "0000000000000000000000000000000%2F"} {
		for _, suffix := range []string{"", "/report"} {
			resp, b := f.get(t, intake, "/api/v1/imports/"+id+suffix)
			wantError(t, resp, b, http.StatusBadRequest, "invalid", "id")
		}
	}
	resp, b = f.get(t, intake, "/api/v1/imports/"+strings.Repeat("0", 32)+"/report")
	wantError(t, resp, b, http.StatusNotFound, "not_found", "")

	f.wantNothing(t)
}

// An upload over the request size limit is 413 too_large — at once when
// Content-Length says so, when the limit is reached otherwise — and leaves
// nothing stored.
func TestImportTooLarge(t *testing.T) {
	const limit = 64 << 10 // the request limit is this + 1 MiB
	f := newImportFixture(t, limit)
	big := archivetest.MakePDF("Scan", strings.Repeat("x", 2<<20))
	ctype, body := importBody("", importPart{field: "batch", data: []byte("big")}, manifestPart("file,citizen,class\na.pdf,P-1,tax\nbig.pdf,P-1,tax\n"),
		filePart("a.pdf", archivetest.MakePDF("a", "b")), filePart("big.pdf", big))
	for _, r := range map[string]func() io.Reader{
		"Content-Length": func() io.Reader { return bytes.NewReader(body) },
		"chunked":        func() io.Reader { return io.MultiReader(bytes.NewReader(body)) },
	} {
		resp, b := f.call(t, auth.Intake, "POST", "/api/v1/imports", ctype, r())
		wantError(t, resp, b, http.StatusRequestEntityTooLarge, "too_large", "")
	}
	f.wantNothing(t)
}

// gateConverter is archive.PassThrough that converts the first document
// at once and holds every other until open is closed or its context ends:
// a job stopped while held has archived exactly one file.
type gateConverter struct {
	passed atomic.Bool
	open   chan struct{}
}

func (g *gateConverter) Convert(ctx context.Context, in archive.ConvertInput) (archive.ConvertOutput, error) {
	if !g.passed.CompareAndSwap(false, true) {
		select {
		case <-g.open:
		case <-ctx.Done():
			return archive.ConvertOutput{}, ctx.Err()
		}
	}
	return archive.PassThrough{}.Convert(ctx, in)
}

// A server stopping (Close) while a job runs leaves it interrupted, its
// remaining files pending; the next server on the same import folder
// resumes it, skips the files archived before the stop, and every file
// ends archived exactly once.
func TestImportResume(t *testing.T) {
	gate := &gateConverter{open: make(chan struct{})}
	dir := t.TempDir()
	f := &importFixture{opsFixture: newOps(t, archive.Options{Converter: gate}, web.Options{ImportDir: dir, ImportJobs: 1}), dir: dir}
	t.Cleanup(func() { f.h.Close(context.Background()) })
	intake := f.auth.tokens[auth.Intake]
	var manifest strings.Builder
	manifest.WriteString("file,citizen,class,title\n")
	parts := []importPart{{field: "batch", data: []byte("resume")}}
	const files = 24
	for i := range files {
		fmt.Fprintf(&manifest, "scan-%02d.pdf,P-%d,correspondence,Brief %d\n", i, i, i)
		parts = append(parts, filePart(fmt.Sprintf("scan-%02d.pdf", i), archivetest.MakePDF(fmt.Sprint("Brief ", i), "Text")))
	}
	parts = append(parts, manifestPart(manifest.String()))
	j := f.submit(t, intake, parts...)
	// Stop once the first file is archived (the gate holds the rest).
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(5 * time.Millisecond) {
		resp, b := f.get(t, intake, "/api/v1/imports/"+j.ID)
		var cur importJob
		if resp.StatusCode != 200 || json.Unmarshal(b, &cur) != nil {
			t.Fatalf("status: %d %s", resp.StatusCode, b)
		}
		if cur.Archived >= 1 {
			break
		}
		if (cur.State != "queued" && cur.State != "running") || time.Now().After(deadline) {
			t.Fatalf("job before the stop: %s", b)
		}
	}
	if err := f.h.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	var saved importJob
	b, err := os.ReadFile(filepath.Join(f.dir, j.ID, "job.json"))
	if err != nil || json.Unmarshal(b, &saved) != nil {
		t.Fatalf("job.json after the stop: %v %s", err, b)
	}
	t.Logf("after the stop: %s, %d of %d archived", saved.State, saved.Archived, files)
	if saved.State != "interrupted" || saved.Archived <= 0 || saved.Archived >= files || saved.Failed != 0 ||
		saved.Pending != files-saved.Archived || saved.Runs != 1 {
		t.Fatalf("job after the stop: %s", b)
	}
	if n := f.count(t); n != saved.Archived {
		t.Fatalf("%d records after the stop, the job says %d archived", n, saved.Archived)
	}
	// The stopped server refuses new batches.
	resp, b := f.post(t, intake, parts...)
	wantError(t, resp, b, http.StatusServiceUnavailable, "unavailable", "")

	close(gate.open)
	h2 := web.New(f.a, &web.Options{Auth: f.auth.store, ImportDir: f.dir, Logger: slog.New(slog.DiscardHandler)})
	t.Cleanup(func() { h2.Close(context.Background()) })
	srv2 := httptest.NewServer(h2)
	t.Cleanup(srv2.Close)
	f2 := &importFixture{opsFixture: &opsFixture{a: f.a, auth: f.auth, h: h2, srv: srv2}, dir: f.dir}
	j = f2.wait(t, intake, j.ID)
	if j.State != "done" || j.Archived != files || j.Pending != 0 || j.Runs != 2 ||
		j.Summary == nil || j.Summary.Archived != files || j.Summary.Earlier != saved.Archived || j.Summary.Existing != 0 {
		t.Fatalf("resumed job: %+v (summary %+v)", j, j.Summary)
	}
	ids := map[string]bool{}
	for _, row := range f2.report(t, intake, j.ID) {
		ids[row[2]] = true
	}
	if n := f2.count(t); n != files || len(ids) != files {
		t.Fatalf("%d records, %d distinct in the report, want %d", n, len(ids), files)
	}
}

// importCases are the matrix's cases of the import routes: an own job (the
// intake token's), a foreign one (another script's) and an unknown ID.
func (f *matrixFixture) importCases(t *testing.T) map[string]routeCase {
	t.Helper()
	_, other, err := f.auth.store.NewToken(t.Context(), "matrix-other-script", auth.Intake, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	job := func(token, batch string) string {
		ctype, body := importBody("", importPart{field: "batch", data: []byte(batch)},
			manifestPart("file,citizen,class\na.pdf,P-I,tax\n"), filePart("a.pdf", archivetest.MakePDF("Import", batch)))
		req, _ := http.NewRequest("POST", f.url+"/api/v1/imports", bytes.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, b := do(t, req)
		var j importJob
		if resp.StatusCode != http.StatusAccepted || json.Unmarshal(b, &j) != nil {
			t.Fatalf("import job for the matrix: %d %s", resp.StatusCode, b)
		}
		return j.ID
	}
	ids := map[string]string{own: job(f.auth.tokens[auth.Intake], "own"), foreign: job(other, "foreign"), missing: strings.Repeat("0", 32)}
	const boundary = "akte-matrix-import"
	ctype, _ := importBody(boundary)
	per := map[string]int{own: 200, foreign: 200, missing: 404}
	return map[string]routeCase{
		"POST /api/v1/imports": {path: "/api/v1/imports", ctype: ctype, want: map[string]int{none: 202},
			body: func(role string) string {
				_, b := importBody(boundary, manifestPart("file,citizen,class\na.pdf,P-N,tax\n"), filePart("a.pdf", archivetest.MakePDF("Import", "for "+role)))
				return string(b)
			}},
		"GET /api/v1/imports/{id}":        {path: "/api/v1/imports/{id}", ids: ids, owned: true, want: per},
		"GET /api/v1/imports/{id}/report": {path: "/api/v1/imports/{id}/report", ids: ids, owned: true, want: per},
	}
}
