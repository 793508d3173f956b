package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"

	"akte/archive/archivetest"
	"akte/archive/store/s3store"
	"akte/archive/store/s3store/s3test"
	"akte/pdfa"
)

func TestMain(m *testing.M) {
	if os.Getenv("AKTE_TEST_MAIN") == "1" {
		main() // the test binary as the akte command, for tests that kill it
	}
	pdfa.RunWorkerIfRequested()
	s3test.Main(m)
}

// cli runs one akte command line in-process with the environment env.
type cli struct {
	t     *testing.T
	env   map[string]string
	stdin string
}

type result struct {
	code           int
	stdout, stderr string
}

func (c cli) run(args ...string) result {
	c.t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return c.env[k] }, strings.NewReader(c.stdin), &out, &errb)
	return result{code, out.String(), errb.String()}
}

func newCLI(t *testing.T) (cli, string) {
	dir := t.TempDir()
	return cli{t: t, env: map[string]string{"AKTE_DATA": dir, "USER": "tester"}}, dir
}

func writeTemp(t *testing.T, name string, data []byte) string {
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Ingest a PDF, get it back byte-identical, verify: 0 problems; flip one
// byte of one stored object: verify names exactly that object, exit 5.
func TestIngestGetVerifyFlip(t *testing.T) {
	c, dir := newCLI(t)
	// A PDF/A-2b input is archived as is: the archive copy is the input.
	pdf := archivetest.MakePDFA(t, "Schäfer")
	in := writeTemp(t, "antrag.pdf", pdf)
	r := c.run("ingest", in, "--citizen", "P-4711", "--class", "id-card-application", "--title", "Personalausweis", "--fact", "valid_until=2034-05-01")
	if r.code != 0 {
		t.Fatalf("ingest: exit %d: %s", r.code, r.stderr)
	}
	id := strings.TrimSpace(r.stdout)
	out := filepath.Join(t.TempDir(), "back.pdf")
	if r := c.run("get", id, "-o", out, "--purpose", "Antragspruefung"); r.code != 0 {
		t.Fatalf("get: exit %d: %s", r.code, r.stderr)
	}
	// The archive copy is the input plus the seal (an incremental update).
	got, _ := os.ReadFile(out)
	if !bytes.HasPrefix(got, pdf) || len(got) == len(pdf) {
		t.Fatalf("get returned %d bytes, not the %d ingested plus a seal", len(got), len(pdf))
	}
	if r := c.run("get", id, "--original"); r.code != 0 || r.stdout != string(pdf) {
		t.Fatalf("get --original to stdout: exit %d", r.code)
	}
	if r := c.run("get", id, "--verify-seal", "-o", out); r.code != 0 || !strings.Contains(r.stderr, "seal: valid (B-B") ||
		!strings.Contains(r.stderr, "DEVELOPMENT seal") {
		t.Fatalf("get --verify-seal: exit %d: %s", r.code, r.stderr)
	}
	r = c.run("verify")
	if r.code != 0 || !strings.Contains(r.stdout, "verified 1 records, 4 objects, 1 seals") || !strings.Contains(r.stdout, ": 0 problems") {
		t.Fatalf("verify clean: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}

	victim := "records/" + id + "/v1/original"
	path := filepath.Join(dir, "store", "objects", filepath.FromSlash(victim))
	os.Chmod(path, 0o644)
	b, _ := os.ReadFile(path)
	b[len(b)/2] ^= 0x20
	if err := os.WriteFile(path, b, 0o444); err != nil {
		t.Fatal(err)
	}
	r = c.run("verify")
	if r.code != exitIntegrity {
		t.Fatalf("verify after flip: exit %d, want %d: %s", r.code, exitIntegrity, r.stdout)
	}
	var problems []string
	for _, line := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(line, "PROBLEM ") {
			problems = append(problems, line)
		}
	}
	if len(problems) != 1 || !strings.Contains(problems[0], id+" "+victim+": corrupt") {
		t.Fatalf("verify must name exactly %s, got:\n%s", victim, r.stdout)
	}
	// JSON for scripts says the same.
	r = c.run("verify", "--json", id)
	var rep struct{ Problems []struct{ Key, Kind string } }
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || len(rep.Problems) != 1 || rep.Problems[0].Key != victim {
		t.Fatalf("verify --json: %v %s", err, r.stdout)
	}
	// Readers never get the damaged bytes.
	if r := c.run("get", id, "--original"); r.code != exitIntegrity || r.stdout != "" {
		t.Fatalf("get of corrupt original: exit %d, %d bytes out", r.code, len(r.stdout))
	}
	// The audit log recorded the reads and is intact.
	if r := c.run("audit", "verify"); r.code != 0 {
		t.Fatalf("audit verify: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
}

func TestBadInputExitCodesNothingStored(t *testing.T) {
	c, dir := newCLI(t)
	c.env["AKTE_MAX_BYTES"] = "2000"
	pdf := writeTemp(t, "ok.pdf", archivetest.MakePDF("ok", "ok"))
	unreadable := writeTemp(t, "secret.pdf", archivetest.MakePDF("x", "y"))
	os.Chmod(unreadable, 0)
	cases := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"empty file", []string{"ingest", writeTemp(t, "empty.pdf", nil), "--citizen", "C1", "--class", "tax"}, exitRefused, "empty file"},
		{"not a pdf", []string{"ingest", writeTemp(t, "note.pdf", []byte("just some text, no PDF")), "--citizen", "C1", "--class", "tax"}, exitRefused, "not a PDF"},
		{"oversized", []string{"ingest", writeTemp(t, "big.pdf", archivetest.MakePDF("big", strings.Repeat("x", 3000))), "--citizen", "C1", "--class", "tax"}, exitRefused, "limit of 2000 bytes"},
		{"unknown class", []string{"ingest", pdf, "--citizen", "C1", "--class", "gossip"}, exitRefused, "unknown class"},
		{"malformed citizen", []string{"ingest", pdf, "--citizen", "Erika Mustermann", "--class", "tax"}, exitRefused, "citizen ID"},
		{"missing path", []string{"ingest", filepath.Join(dir, "nope.pdf"), "--citizen", "C1", "--class", "tax"}, exitRefused, "no such file"},
		{"directory", []string{"ingest", dir, "--citizen", "C1", "--class", "tax"}, exitRefused, "is a directory"},
		{"no citizen flag", []string{"ingest", pdf, "--class", "tax"}, exitUsage, "--citizen"},
		{"unknown flag", []string{"ingest", pdf, "--citizen", "C1", "--class", "tax", "--colour", "red"}, exitUsage, "colour"},
		{"unknown command", []string{"archive-everything"}, exitUsage, "unknown command"},
		{"bad record id", []string{"get", "not-an-id"}, exitRefused, "not a record ID"},
		{"unknown record", []string{"get", "01ARZ3NDEKTSV4RRFFQ69G5FAV"}, exitNotFound, "not found"},
	}
	if os.Geteuid() != 0 { // root reads everything
		cases = append(cases, struct {
			name string
			args []string
			code int
			msg  string
		}{"unreadable path", []string{"ingest", unreadable, "--citizen", "C1", "--class", "tax"}, exitRefused, "permission denied"})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := c.run(tc.args...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.msg) {
				t.Fatalf("exit %d (want %d), stderr %q (want it to say %q)", r.code, tc.code, r.stderr, tc.msg)
			}
		})
	}
	n := 0
	filepath.WalkDir(filepath.Join(dir, "store", "objects"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	if n != 0 {
		t.Fatalf("refused input left %d files in the store", n)
	}
}

func TestConfigErrorsNameTheField(t *testing.T) {
	c, _ := newCLI(t)
	cfg := writeTemp(t, "akte.yaml", []byte("store:\n  backend: tape\n"))
	if r := c.run("--config", cfg, "verify"); r.code != exitConfig || !strings.Contains(r.stderr, "store.backend") {
		t.Fatalf("bad backend: exit %d: %s", r.code, r.stderr)
	}
	cfg = writeTemp(t, "akte.yaml", []byte("stor:\n  backend: s3\n"))
	if r := c.run("--config", cfg, "verify"); r.code != exitConfig || !strings.Contains(r.stderr, "stor") {
		t.Fatalf("unknown field: exit %d: %s", r.code, r.stderr)
	}
	c.env["AKTE_STORE"] = "s3"
	if r := c.run("verify"); r.code != exitConfig || !strings.Contains(r.stderr, "store.s3") {
		t.Fatalf("s3 without endpoint: exit %d: %s", r.code, r.stderr)
	}
}

func s3Env(c cli, cfg s3store.Config) {
	c.env["AKTE_STORE"] = "s3"
	c.env["AKTE_S3_ENDPOINT"] = cfg.Endpoint
	c.env["AKTE_S3_BUCKET"] = cfg.Bucket
	c.env["AKTE_S3_ACCESS_KEY"] = cfg.AccessKey
	c.env["AKTE_S3_SECRET_KEY"] = string(cfg.SecretKey)
	c.env["AKTE_S3_SECURE"] = fmt.Sprint(cfg.Secure)
	if cfg.Region != "" {
		c.env["AKTE_S3_REGION"] = cfg.Region
	}
}

// A bucket without Object Lock is refused at start, naming the fix.
func TestBucketWithoutObjectLockRefused(t *testing.T) {
	c, _ := newCLI(t)
	s3Env(c, s3test.StartNoLock(t))
	r := c.run("ingest", writeTemp(t, "a.pdf", archivetest.MakePDF("a", "b")), "--citizen", "C1", "--class", "tax")
	if r.code != exitConfig || !strings.Contains(r.stderr, "object lock") || !strings.Contains(strings.ToLower(r.stderr), "create") {
		t.Fatalf("exit %d, stderr %q: want exit %d naming Object Lock and how to create the bucket", r.code, r.stderr, exitConfig)
	}
}

// The same round trip against S3 Object Lock on a real MinIO.
func TestS3RoundTripAndReindex(t *testing.T) {
	c, _ := newCLI(t)
	cfg := s3test.Start(t)
	s3Env(c, cfg)
	pdf := archivetest.MakePDFA(t, "Neumann")
	r := c.run("ingest", writeTemp(t, "a.pdf", pdf), "--citizen", "C1", "--class", "birth-certificate-request")
	if r.code != 0 {
		t.Fatalf("ingest on s3: exit %d: %s", r.code, r.stderr)
	}
	id := strings.TrimSpace(r.stdout)
	if r := c.run("get", id); r.code != 0 || !strings.HasPrefix(r.stdout, string(pdf)) {
		t.Fatalf("get on s3: exit %d: %s", r.code, r.stderr)
	}
	// Someone deletes every object of the record without a version ID,
	// outside Akte: S3 hides them behind delete markers. Akte reads by
	// version ID, so the record stays readable, listable and verifiable.
	raw := s3test.Client(t, cfg)
	for _, name := range []string{"original", "archive.pdf", "text.txt", "manifest.json"} {
		if err := raw.RemoveObject(context.Background(), cfg.Bucket, "records/"+id+"/v1/"+name, minio.RemoveObjectOptions{}); err != nil {
			t.Fatalf("raw delete without version: %v", err)
		}
	}
	if r := c.run("get", id); r.code != 0 || !strings.HasPrefix(r.stdout, string(pdf)) {
		t.Fatalf("get behind delete markers: exit %d: %s", r.code, r.stderr)
	}
	// The catalog is a cache: rebuild it from the bucket alone.
	if r := c.run("reindex"); r.code != 0 || !strings.Contains(r.stdout, "1 records") {
		t.Fatalf("reindex: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	if r := c.run("verify"); r.code != 0 || !strings.Contains(r.stdout, ": 0 problems") {
		t.Fatalf("verify on s3 after reindex: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
}

func TestHelp(t *testing.T) {
	c, _ := newCLI(t)
	r := c.run("help")
	for _, want := range []string{"ingest", "verify", "reindex", "Exit codes", "--data"} {
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Fatalf("help lacks %q: %s", want, r.stdout)
		}
	}
	if r := c.run("ingest", "--help"); r.code != 0 || !strings.Contains(r.stderr, "--citizen") {
		t.Fatalf("ingest --help: exit %d: %s", r.code, r.stderr)
	}
}

// Editing one audit entry is detected by `akte audit verify` (exit 5).
func TestAuditVerifyDetectsEdit(t *testing.T) {
	c, dir := newCLI(t)
	in := writeTemp(t, "a.pdf", archivetest.MakePDFA(t, "Becker"))
	r := c.run("ingest", in, "--citizen", "C1", "--class", "tax")
	id := strings.TrimSpace(r.stdout)
	c.run("get", id, "--purpose", "Pruefung")
	c.run("get", id, "--purpose", "Rueckfrage")
	if r := c.run("audit", "seal"); r.code != 0 {
		t.Fatalf("audit seal: exit %d: %s", r.code, r.stderr)
	}
	if r := c.run("audit", "verify"); r.code != 0 || !strings.Contains(r.stdout, "3 entries") {
		t.Fatalf("audit verify clean: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	path := filepath.Join(dir, "audit.log")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"actor":"cli:tester"`)) {
		t.Errorf("the audit log does not name the user from $USER:\n%s", b)
	}
	edited := bytes.Replace(b, []byte("Rueckfrage"), []byte("Routine..."), 1)
	if bytes.Equal(edited, b) {
		t.Fatal("test setup: purpose not found in audit.log")
	}
	os.Chmod(path, 0o644)
	if err := os.WriteFile(path, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	r = c.run("audit", "verify")
	if r.code != exitIntegrity || !strings.Contains(r.stdout, "PROBLEM") || !strings.Contains(r.stdout, "edited") {
		t.Fatalf("audit verify after edit: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	// The archive refuses to append to a tampered log.
	if r := c.run("get", id); r.code != exitIntegrity || !strings.Contains(r.stderr, "akte audit verify") {
		t.Fatalf("open with tampered audit log: exit %d: %s", r.code, r.stderr)
	}
}

// A form submission from the counter: values and the tablet's signature
// become a rendered PDF/A; the submission itself is the original.
func TestIngestForm(t *testing.T) {
	c, _ := newCLI(t)
	values := writeTemp(t, "values.json", []byte(`{"move_in_date":"2026-10-01","dwelling":"Hauptwohnung","street":"Lindenstraße 4",
		"postal_code":"12345","city":"Musterstadt","family_name":"Weiß","given_names":"Jürgen","birth_date":"1970-01-01",
		"birth_place":"Görlitz","nationality":"deutsch","place":"Musterstadt","signed_on":"2026-10-02"}`))
	r := c.run("ingest", "--form", "registration", "--values", values, "--citizen", "P-77", "--source", "counter")
	if r.code != 0 {
		t.Fatalf("ingest --form: exit %d: %s", r.code, r.stderr)
	}
	id := strings.TrimSpace(r.stdout)
	out := filepath.Join(t.TempDir(), "anmeldung.pdf")
	if r := c.run("get", id, "-o", out); r.code != 0 {
		t.Fatalf("get: exit %d: %s", r.code, r.stderr)
	}
	if r := c.run("pdfa", "check", out); r.code != 0 || !strings.Contains(r.stdout, "conforms to PDF/A-2b") {
		t.Fatalf("pdfa check of the rendered form: exit %d: %s", r.code, r.stdout)
	}
	r = c.run("get", id, "--json")
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := c.run("get", id, "--original"); !strings.Contains(r.stdout, `"template":"registration"`) || !strings.Contains(r.stdout, "Weiß") {
		t.Fatalf("original is not the submission: %s", r.stdout)
	}
	// A missing required field is refused, naming it.
	bad := writeTemp(t, "bad.json", []byte(`{"street":"Lindenstraße 4"}`))
	if r := c.run("ingest", "--form", "registration", "--values", bad, "--citizen", "P-77"); r.code != exitRefused || !strings.Contains(r.stderr, "form.") {
		t.Fatalf("incomplete form: exit %d: %s", r.code, r.stderr)
	}
}

func TestPDFACheckAndConvert(t *testing.T) {
	c, _ := newCLI(t)
	plain := writeTemp(t, "plain.pdf", archivetest.MakePDF("Bescheid", "Gewerbesteuer"))
	r := c.run("pdfa", "check", plain)
	if r.code != exitRefused || !strings.Contains(r.stdout, "VIOLATION 6.") {
		t.Fatalf("pdfa check of a plain PDF: exit %d: %s", r.code, r.stdout)
	}
	out := filepath.Join(t.TempDir(), "out.pdf")
	r = c.run("pdfa", "convert", plain, out)
	if r.code != 0 {
		if strings.Contains(r.stderr, "Ghostscript is not installed") && os.Getenv("AKTE_TEST_STRICT") != "1" {
			t.Skip("ghostscript not installed")
		}
		t.Fatalf("pdfa convert: exit %d: %s", r.code, r.stderr)
	}
	if r := c.run("pdfa", "check", out); r.code != 0 {
		t.Fatalf("converted file does not conform: %s", r.stdout)
	}
}

// akte keys: a new key and CSR asking for document signing; show names the
// development seal as such.
func TestKeys(t *testing.T) {
	c, _ := newCLI(t)
	out := t.TempDir()
	r := c.run("keys", "new", "--name", "Stadt Musterstadt – Bürgeramt", "--org", "Stadt Musterstadt", "--type", "p384", "--out", out)
	if r.code != 0 {
		t.Fatalf("keys new: exit %d: %s", r.code, r.stderr)
	}
	b, _ := os.ReadFile(filepath.Join(out, "seal.csr"))
	blk, _ := pem.Decode(b)
	if blk == nil {
		t.Fatal("no CSR written")
	}
	csr, err := x509.ParseCertificateRequest(blk.Bytes)
	if err != nil || csr.CheckSignature() != nil || csr.Subject.CommonName != "Stadt Musterstadt – Bürgeramt" {
		t.Fatalf("csr: %v", err)
	}
	if !strings.Contains(fmt.Sprint(csr.Extensions), "1.3.6.1.5.5.7.3.36") && !bytes.Contains(blk.Bytes, []byte{0x2b, 6, 1, 5, 5, 7, 3, 0x24}) {
		t.Error("the CSR does not ask for the document-signing usage")
	}
	if st, err := os.Stat(filepath.Join(out, "seal.key")); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", err, st)
	}
	key, err := os.ReadFile(filepath.Join(out, "seal.key"))
	if err != nil {
		t.Fatal(err)
	}
	if r := c.run("keys", "new", "--name", "X", "--out", out); r.code == 0 || !strings.Contains(r.stderr, "never overwritten") {
		t.Errorf("keys new over an existing key: exit %d: %s", r.code, r.stderr)
	}
	if again, _ := os.ReadFile(filepath.Join(out, "seal.key")); !bytes.Equal(again, key) {
		t.Error("keys new overwrote an existing key")
	}
	r = c.run("keys", "show")
	if r.code != 0 || !strings.Contains(r.stdout, "DEVELOPMENT seal") || !strings.Contains(r.stdout, "PAdES B-B") {
		t.Fatalf("keys show: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
}

// akte search finds what ingest archived, by German word and by name, and
// a rebuilt catalog and index (akte reindex) answer the same.
func TestSearchCommand(t *testing.T) {
	c, _ := newCLI(t)
	vals := writeTemp(t, "v.json", []byte(`{"move_in_date":"2026-10-01","dwelling":"Hauptwohnung","street":"Lindenstraße 4",
		"postal_code":"12345","city":"Musterstadt","family_name":"Müller","given_names":"Erika","birth_date":"1980-02-29",
		"birth_place":"Köln","nationality":"deutsch","place":"Musterstadt","signed_on":"2026-10-02"}`))
	r := c.run("ingest", "--form", "registration", "--values", vals, "--citizen", "P-1")
	if r.code != 0 {
		t.Fatalf("ingest: exit %d: %s", r.code, r.stderr)
	}
	id := strings.TrimSpace(r.stdout)
	for _, q := range [][]string{{"Mueller"}, {"Anmeldungen"}, {"bürger:P-1", "Lindenstraße"}} {
		r = c.run(append([]string{"search"}, q...)...)
		if r.code != 0 || !strings.Contains(r.stdout, id) || !strings.Contains(r.stdout, "1 hits") {
			t.Fatalf("search %v: exit %d: %s%s", q, r.code, r.stdout, r.stderr)
		}
	}
	if r = c.run("search", `"offen`); r.code != exitRefused {
		t.Fatalf("bad query: exit %d, want %d: %s", r.code, exitRefused, r.stderr)
	}
	if r = c.run("reindex"); r.code != 0 {
		t.Fatalf("reindex: exit %d: %s", r.code, r.stderr)
	}
	if r = c.run("search", "--json", "Mueller"); r.code != 0 || !strings.Contains(r.stdout, id) {
		t.Fatalf("after reindex: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
}
