package signing_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"akte/archive/archivetest"
	"akte/pdfa"
	"akte/signing"
	"akte/signing/signingtest"
)

// signTime is now: the test CA issues certificates valid from an hour ago.
var signTime = time.Now().UTC().Truncate(time.Second)

// need reports a missing external program: a skip, or a failure under
// AKTE_TEST_STRICT=1.
func need(t testing.TB, prog string) string {
	t.Helper()
	p, err := exec.LookPath(prog)
	if err != nil {
		msg := fmt.Sprintf("%s is not installed (Debian: apt-get install poppler-utils qpdf)", prog)
		if os.Getenv("AKTE_TEST_STRICT") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

type fixture struct {
	ca    *signingtest.CA
	trust signing.Trust
}

func newFixture(t testing.TB) *fixture {
	ca := signingtest.NewCA(t, "signing")
	return &fixture{ca: ca, trust: signing.Trust{Roots: ca.Pool}}
}

func (f *fixture) sealer(t testing.TB, o signingtest.LeafOptions, opts signing.Options) *signing.Sealer {
	t.Helper()
	chain, key := f.ca.Issue(t, o)
	opts.Seal = &signing.Seal{Signer: key, Chain: chain, PSS: opts.Seal != nil && opts.Seal.PSS}
	s, err := signing.NewSealer(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// assertShape checks what DEPENDENCIES.md asks after every signature.
func assertShape(t testing.TB, out []byte, info *signing.Info) {
	t.Helper()
	if n := bytes.Count(out, []byte("%PDF-")); n != 1 {
		t.Errorf("%d %%PDF- headers", n)
	}
	br := info.ByteRange
	if br[2]+br[3] != len(out) {
		t.Errorf("ByteRange %v does not end at the file's end %d", br, len(out))
	}
	gap := out[br[1]:br[2]]
	if gap[0] != '<' || gap[len(gap)-1] != '>' || !regexp.MustCompile(`^<[0-9a-fA-F]+>$`).Match(gap) {
		t.Errorf("the gap is not exactly a hex string")
	}
	if l := len(gap) - 2; l%2 != 0 || l >= 32<<10 {
		t.Errorf("/Contents has %d hex digits: odd or not under 32 KB", l)
	}
	if !bytes.Equal(out[br[1]-len("/Contents "):br[1]], []byte("/Contents ")) {
		t.Errorf("the gap does not follow /Contents")
	}
}

func checkPDFA(t testing.TB, pdf []byte) {
	t.Helper()
	rep, err := pdfa.Check(context.Background(), pdf, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Errorf("the signed file is no longer PDF/A-2b: %v", rep.Violations)
	}
}

// pdfsig runs poppler's verifier and returns its text.
func pdfsig(t testing.TB, pdf []byte) string {
	t.Helper()
	p := need(t, "pdfsig")
	f := filepath.Join(t.TempDir(), "in.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command(p, f).CombinedOutput() // its exit code says nothing
	return string(out)
}

func pdfsigAccepts(out string) bool {
	return strings.Contains(out, "Signature Validation: Signature is Valid.") &&
		strings.Contains(out, "Total document signed") && !strings.Contains(out, "not total document signed")
}

func TestSealVerifiesEverywhere(t *testing.T) {
	f := newFixture(t)
	tsa := signingtest.StartTSA(t, f.ca, signingtest.TSAOptions{})
	in := archivetest.MakePDFA(t, "Müller")
	for _, tc := range []struct {
		name string
		kt   signingtest.KeyType
		pss  bool
		tsa  bool
	}{
		{"p256-bb", signingtest.P256, false, false},
		{"p256-bt", signingtest.P256, false, true},
		{"p384-bb", signingtest.P384, false, false},
		{"rsa2048-bb", signingtest.RSA2048, false, false},
		{"rsa3072-bt", signingtest.RSA3072, false, true},
		{"rsa2048-pss-bb", signingtest.RSA2048, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := signing.Options{Reason: "Archivierung", Location: "Musterstadt"}
			if tc.pss {
				opts.Seal = &signing.Seal{PSS: true}
			}
			if tc.tsa {
				opts.TSA = &signing.TSA{URL: tsa.URL, Timeout: 5 * time.Second}
			}
			s := f.sealer(t, signingtest.LeafOptions{Key: signingtest.CachedKey(tc.kt), CommonName: "Stadt Musterstadt – Siegel"}, opts)
			out, info, err := s.Sign(context.Background(), in, signTime)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(out, in) {
				t.Fatal("the input is not an unchanged prefix of the output")
			}
			assertShape(t, out, info)
			wantLevel := signing.LevelBB
			if tc.tsa {
				wantLevel = signing.LevelBT
			}
			if info.Level != wantLevel {
				t.Errorf("level %s, want %s", info.Level, wantLevel)
			}
			rep, err := signing.Verify(context.Background(), out, f.trust, signTime)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Valid() || len(rep.Signatures) != 1 {
				t.Fatalf("our verifier refuses: %v", rep.Reasons())
			}
			v := rep.Signatures[0]
			if v.Level != wantLevel || !v.SignedAt.Equal(signTime) || len(v.Notes) != 0 {
				t.Errorf("verdict %+v", v)
			}
			if tc.tsa && v.Timestamp.IsZero() {
				t.Error("no timestamp time reported for B-T")
			}
			checkPDFA(t, out)
			if out := pdfsig(t, out); !pdfsigAccepts(out) {
				t.Errorf("pdfsig does not accept the seal:\n%s", out)
			}
			pdfcpuAgrees(t, out, true)
		})
	}
}

func TestTamperingIsDetected(t *testing.T) {
	f := newFixture(t)
	s := f.sealer(t, signingtest.LeafOptions{}, signing.Options{})
	in := archivetest.MakePDFA(t, "Schäfer")
	out, info, err := s.Sign(context.Background(), in, signTime)
	if err != nil {
		t.Fatal(err)
	}
	br := info.ByteRange
	// Positions spread over both signed ranges, including the first and
	// last byte and bytes of the signature dictionary.
	var positions []int
	for i := 0; i < 120; i++ {
		positions = append(positions, i*(br[1]-1)/119)
	}
	for i := 0; i < 40; i++ {
		positions = append(positions, br[2]+i*(br[3]-1)/39)
	}
	pdfsigEvery := 8 // pdfsig costs a process each; check every 8th position with it
	for i, pos := range positions {
		bad := bytes.Clone(out)
		bad[pos] ^= 0x01
		rep, err := signing.Verify(context.Background(), bad, f.trust, signTime)
		if err == nil && rep.Valid() {
			t.Errorf("flipped byte %d (%q): our verifier still accepts", pos, out[pos])
		}
		if i%pdfsigEvery == 0 {
			if o := pdfsig(t, bad); pdfsigAccepts(o) {
				t.Errorf("flipped byte %d: pdfsig still accepts:\n%s", pos, o)
			}
		}
	}

	t.Run("appended", func(t *testing.T) {
		for _, extra := range []string{"\n", "%%EOF\n", "\n1 0 obj\n<< >>\nendobj\n"} {
			bad := append(bytes.Clone(out), extra...)
			rep, err := signing.Verify(context.Background(), bad, f.trust, signTime)
			if err == nil && rep.Valid() {
				t.Errorf("appended %q: our verifier still accepts", extra)
			}
			if o := pdfsig(t, bad); pdfsigAccepts(o) {
				t.Errorf("appended %q: pdfsig still accepts:\n%s", extra, o)
			}
		}
	})

	t.Run("certificate replaced", func(t *testing.T) {
		orig := rep1(t, out, f.trust).Certificate
		contents := out[br[1]+1 : br[2]-1]
		der, _ := hex.DecodeString(string(contents))
		// Another certificate of the same length, same CA, same name.
		var other *x509.Certificate
		for range 200 {
			c, _ := f.ca.Issue(t, signingtest.LeafOptions{})
			if len(c[0].Raw) == len(orig.Raw) {
				other = c[0]
				break
			}
		}
		if other == nil {
			t.Fatal("no replacement certificate of equal length")
		}
		i := bytes.Index(der, orig.Raw)
		if i < 0 {
			t.Fatal("signer certificate not found in the CMS")
		}
		copy(der[i:], other.Raw)
		bad := bytes.Clone(out)
		copy(bad[br[1]+1:], strings.ToLower(hex.EncodeToString(der)))
		rep, err := signing.Verify(context.Background(), bad, f.trust, signTime)
		if err == nil && rep.Valid() {
			t.Error("replaced certificate: our verifier still accepts")
		}
		if o := pdfsig(t, bad); pdfsigAccepts(o) {
			t.Errorf("replaced certificate: pdfsig still accepts:\n%s", o)
		}
	})
}

func rep1(t *testing.T, pdf []byte, trust signing.Trust) *signing.Verdict {
	t.Helper()
	rep, err := signing.Verify(context.Background(), pdf, trust, signTime)
	if err != nil {
		t.Fatal(err)
	}
	return rep.Signatures[0]
}

func TestUntrustedSigner(t *testing.T) {
	f := newFixture(t)
	in := archivetest.MakePDFA(t, "Weiß")
	good, _ := f.ca.Issue(t, signingtest.LeafOptions{CommonName: "Trusted bystander"})
	cases := []struct {
		name string
		o    signingtest.LeafOptions
		want string
	}{
		{"self-signed beside a chaining certificate", signingtest.LeafOptions{SelfSigned: true}, "not trusted"},
		{"server-auth only", signingtest.LeafOptions{ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, "document signing"},
		{"key encipherment only", signingtest.LeafOptions{KeyUsage: x509.KeyUsageKeyEncipherment}, "key usage"},
		{"expired", signingtest.LeafOptions{NotBefore: signTime.AddDate(-3, 0, 0), NotAfter: signTime.AddDate(-1, 0, 0)}, "not trusted"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			chain, key := f.ca.Issue(t, tc.o)
			// Embed other certificates that do chain: the verifier must not
			// take them for the signer.
			chain = append(chain, good...)
			s, err := signing.NewSealer(signing.Options{Seal: &signing.Seal{Signer: key, Chain: chain}})
			if err != nil {
				t.Fatal(err)
			}
			out, _, err := s.Sign(context.Background(), in, signTime)
			if err != nil {
				t.Fatal(err)
			}
			v := rep1(t, out, f.trust)
			if v.Trusted || !v.Intact {
				t.Fatalf("trusted=%v intact=%v, want untrusted but intact", v.Trusted, v.Intact)
			}
			if !strings.Contains(strings.Join(v.Problems, "; "), tc.want) {
				t.Errorf("problems %q do not mention %q", v.Problems, tc.want)
			}
		})
	}
}

func TestSecondSealKeepsTheFirst(t *testing.T) {
	f := newFixture(t)
	s := f.sealer(t, signingtest.LeafOptions{}, signing.Options{})
	in := archivetest.MakePDFA(t, "Özdemir")
	once, _, err := s.Sign(context.Background(), in, signTime)
	if err != nil {
		t.Fatal(err)
	}
	twice, info, err := s.Sign(context.Background(), once, signTime.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	assertShape(t, twice, info)
	rep, err := signing.Verify(context.Background(), twice, f.trust, signTime)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Signatures) != 2 || !rep.Valid() {
		t.Fatalf("%d signatures, valid=%v: %v", len(rep.Signatures), rep.Valid(), rep.Reasons())
	}
	if first := rep.Signatures[1]; !first.Intact || first.WholeFile {
		t.Errorf("the first seal: intact=%v wholeFile=%v", first.Intact, first.WholeFile)
	}
	names := map[string]bool{}
	for _, v := range rep.Signatures {
		names[v.Field] = true
	}
	if len(names) != 2 {
		t.Errorf("field names %v are not distinct", names)
	}
	checkPDFA(t, twice)
}

func TestVisibleSeal(t *testing.T) {
	f := newFixture(t)
	s := f.sealer(t, signingtest.LeafOptions{CommonName: "Stadt Großheim"}, signing.Options{Visible: &signing.Appearance{}})
	out, info, err := s.Sign(context.Background(), archivetest.MakePDFA(t, "Groß"), signTime)
	if err != nil {
		t.Fatal(err)
	}
	assertShape(t, out, info)
	if !rep1(t, out, f.trust).Valid() {
		t.Fatal("visible seal does not verify")
	}
	checkPDFA(t, out)
	if o := pdfsig(t, out); !pdfsigAccepts(o) {
		t.Errorf("pdfsig:\n%s", o)
	}
	p := need(t, "pdffonts")
	file := filepath.Join(t.TempDir(), "v.pdf")
	os.WriteFile(file, out, 0o600)
	fonts, err := exec.Command(p, file).CombinedOutput()
	if err != nil {
		t.Fatalf("pdffonts: %v\n%s", err, fonts)
	}
	if !strings.Contains(string(fonts), "GoRegular") {
		t.Errorf("the seal's font is not listed:\n%s", fonts)
	}
	for _, line := range strings.Split(string(fonts), "\n")[2:] {
		if f := strings.Fields(line); len(f) >= 5 && f[len(f)-5] != "yes" {
			t.Errorf("a font is not embedded: %s", line)
		}
	}
}

func TestTSARetryAndTimeout(t *testing.T) {
	f := newFixture(t)
	flaky := signingtest.StartTSA(t, f.ca, signingtest.TSAOptions{FailFirst: 2})
	s := f.sealer(t, signingtest.LeafOptions{}, signing.Options{TSA: &signing.TSA{URL: flaky.URL, Retries: 2, Timeout: 2 * time.Second}})
	in := archivetest.MakePDFA(t, "Becker")
	if _, info, err := s.Sign(context.Background(), in, signTime); err != nil || info.Level != signing.LevelBT {
		t.Fatalf("after two 503s: %v", err)
	}
	if n := flaky.Requests(); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
	slow := signingtest.StartTSA(t, f.ca, signingtest.TSAOptions{Delay: 5 * time.Second})
	s = f.sealer(t, signingtest.LeafOptions{}, signing.Options{TSA: &signing.TSA{URL: slow.URL, Retries: 1, Timeout: 200 * time.Millisecond}})
	start := time.Now()
	_, _, err := s.Sign(context.Background(), in, signTime)
	if !errors.Is(err, signing.ErrTSA) {
		t.Fatalf("slow TSA: %v, want ErrTSA", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("timeout took %v", d)
	}
}

func TestUnsignedAndBrokenInputs(t *testing.T) {
	f := newFixture(t)
	if _, err := signing.Verify(context.Background(), archivetest.MakePDFA(t, "Kaya"), f.trust, signTime); !errors.Is(err, signing.ErrNotSigned) {
		t.Errorf("unsigned: %v", err)
	}
	s := f.sealer(t, signingtest.LeafOptions{}, signing.Options{})
	for name, in := range map[string][]byte{
		"empty":     nil,
		"not a pdf": []byte("hello"),
		"truncated": archivetest.MakePDFA(t, "Kaya")[:500],
	} {
		if _, _, err := s.Sign(context.Background(), in, signTime); !errors.Is(err, signing.ErrMalformed) {
			t.Errorf("%s: %v, want ErrMalformed", name, err)
		}
	}
}

func TestKeepsInfoAndFormFields(t *testing.T) {
	f := newFixture(t)
	s := f.sealer(t, signingtest.LeafOptions{}, signing.Options{})
	in := archivetest.MakePDF("Antrag", "mit Formularfeld")
	// Add a text field through an incremental update of our own making.
	in = withTextField(t, in)
	out, _, err := s.Sign(context.Background(), in, signTime)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out[len(in):]), "/Info") && bytes.Contains(in, []byte("/Info")) {
		t.Error("the update's trailer dropped /Info")
	}
	if !rep1(t, out, f.trust).Valid() {
		t.Fatal("does not verify")
	}
	p := need(t, "qpdf")
	file := filepath.Join(t.TempDir(), "f.pdf")
	os.WriteFile(file, out, 0o600)
	js, err := exec.Command(p, "--json", "--json-key=acroform", file).Output()
	if err != nil {
		t.Fatalf("qpdf: %v", err)
	}
	for _, want := range []string{`"fullname": "Name"`, `"fieldtype": "/Sig"`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("form after sealing lacks %s:\n%s", want, js)
		}
	}
}

// withTextField appends an AcroForm with one text field to a MakePDF file.
func withTextField(t *testing.T, in []byte) []byte {
	t.Helper()
	startxref := bytes.LastIndex(in, []byte("startxref"))
	prev, _ := strconv.Atoi(strings.Fields(string(in[startxref+9:]))[0])
	var b bytes.Buffer
	b.Write(in)
	off := map[int]int{}
	off[6] = b.Len()
	b.WriteString("6 0 obj\n<< /FT /Tx /T (Name) /V (Erika) /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 4 /P 3 0 R >>\nendobj\n")
	off[1] = b.Len()
	b.WriteString("1 0 obj\n<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R] >> >>\nendobj\n")
	off[3] = b.Len()
	b.WriteString("3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R /Annots [6 0 R] >>\nendobj\n")
	off[7] = b.Len()
	b.WriteString("7 0 obj\n<< /Title (Antrag) >>\nendobj\n")
	x := b.Len()
	fmt.Fprintf(&b, "xref\n1 1\n%010d 00000 n\r\n3 1\n%010d 00000 n\r\n6 2\n%010d 00000 n\r\n%010d 00000 n\r\n", off[1], off[3], off[6], off[7])
	fmt.Fprintf(&b, "trailer\n<< /Size 8 /Root 1 0 R /Info 7 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n", prev, x)
	return b.Bytes()
}

// The timestamp must come from a TSA the verifier trusts, and bytes added
// after a seal are reported as such.
func TestTimestampTrustAndLaterUpdates(t *testing.T) {
	f := newFixture(t)
	tsa := signingtest.StartTSA(t, f.ca, signingtest.TSAOptions{})
	s := f.sealer(t, signingtest.LeafOptions{}, signing.Options{TSA: &signing.TSA{URL: tsa.URL}})
	out, _, err := s.Sign(context.Background(), archivetest.MakePDFA(t, "Zeit"), signTime)
	if err != nil {
		t.Fatal(err)
	}
	other := signingtest.NewCA(t, "other")
	rep, err := signing.Verify(context.Background(), out, signing.Trust{Roots: f.ca.Pool, TSARoots: other.Pool}, signTime)
	if err != nil {
		t.Fatal(err)
	}
	v := rep.Signatures[0]
	if rep.Valid() || !v.Timestamp.IsZero() || !strings.Contains(strings.Join(v.Problems, ";"), "TSA certificate is not trusted") {
		t.Errorf("untrusted TSA: valid=%v timestamp=%v problems=%q", rep.Valid(), v.Timestamp, v.Problems)
	}
	later := append(bytes.Clone(out), "\n% a later incremental update\n"...)
	rep, err = signing.Verify(context.Background(), later, f.trust, signTime)
	if err != nil {
		t.Fatal(err)
	}
	v = rep.Signatures[0]
	if rep.Valid() || v.WholeFile || !v.Intact || !strings.Contains(strings.Join(v.Notes, ";"), "added after this signature") ||
		!strings.Contains(strings.Join(rep.Reasons(), ";"), "changed after the last signature") {
		t.Errorf("later update: valid=%v whole=%v intact=%v notes=%q reasons=%q", rep.Valid(), v.WholeFile, v.Intact, v.Notes, rep.Reasons())
	}
}
