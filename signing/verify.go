package signing

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/digitorus/pkcs7"
	"github.com/digitorus/timestamp"
)

// Trust is what Verify trusts.
type Trust struct {
	// Roots are the trust anchors for seals. Only the signer's own
	// certificate is checked against them, never "any embedded certificate".
	Roots *x509.CertPool
	// TSARoots anchor timestamp authorities (nil: Roots).
	TSARoots *x509.CertPool
}

// Verdict is the result for one signature.
type Verdict struct {
	Field       string
	SubFilter   string
	Signer      string // the signer certificate's subject
	Certificate *x509.Certificate
	Level       Level
	SignedAt    time.Time // /M as written by the signer (a claim)
	Timestamp   time.Time // the TSA's time, zero when there is no valid timestamp
	// Intact: the ByteRange excludes exactly /Contents, the digest matches
	// the signed bytes and the signature verifies with the signer's key.
	Intact bool
	// Trusted: the signer certificate chains to a trust root and may sign
	// documents.
	Trusted bool
	// WholeFile: the signed range reaches the end of the file — nothing
	// was added after signing.
	WholeFile bool
	// Problems say why a check failed; Notes are findings that do not make
	// the signature invalid (e.g. not PAdES baseline).
	Problems []string
	Notes    []string
}

// Valid reports whether this signature holds for the whole file.
func (v *Verdict) Valid() bool { return v.Intact && v.Trusted && v.WholeFile && len(v.Problems) == 0 }

func (v *Verdict) problem(format string, args ...any) {
	v.Problems = append(v.Problems, fmt.Sprintf(format, args...))
}

// Report lists every signature of a document: the one covering the whole
// file first, then the earlier ones in file order.
type Report struct {
	Signatures []*Verdict
}

// Valid: the document has a signature covering the whole file and that
// signature is intact and trusted. Earlier signatures are reported but
// need not cover the whole file.
func (r *Report) Valid() bool {
	for _, v := range r.Signatures {
		if v.WholeFile {
			return v.Valid()
		}
	}
	return false
}

// Reasons lists every problem, prefixed with its field.
func (r *Report) Reasons() []string {
	var out []string
	for _, v := range r.Signatures {
		for _, p := range v.Problems {
			out = append(out, v.Field+": "+p)
		}
	}
	if len(r.Signatures) > 0 && !slices.ContainsFunc(r.Signatures, func(v *Verdict) bool { return v.WholeFile }) {
		out = append(out, "no signature covers the whole file: it was changed after the last signature")
	}
	return out
}

// Verify checks every signature of pdf. now is the validation time when a
// signature has no valid timestamp. A PDF without signatures gives
// ErrNotSigned; unreadable PDFs ErrMalformed.
func Verify(ctx context.Context, pdf []byte, trust Trust, now time.Time) (*Report, error) {
	d, err := openDocument(ctx, pdf)
	if err != nil {
		return nil, fmt.Errorf("verify pdf: %w", err)
	}
	sigs, err := d.signatureFields()
	if err != nil {
		return nil, fmt.Errorf("verify pdf: %w", err)
	}
	if len(sigs) == 0 {
		return nil, fmt.Errorf("verify pdf: %w", ErrNotSigned)
	}
	if trust.TSARoots == nil {
		trust.TSARoots = trust.Roots
	}
	rep := &Report{}
	for _, f := range sigs {
		rep.Signatures = append(rep.Signatures, verifyOne(d, f, trust, now))
	}
	slices.SortStableFunc(rep.Signatures, func(a, b *Verdict) int { return -cmpBool(a.WholeFile, b.WholeFile) })
	return rep, nil
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

type sigField struct {
	name     string
	sig      dict
	cStart   int // /Contents '<' in the file, -1 when unknown
	cEnd     int
	objStart int
}

// signatureFields walks the form for signature fields with a value.
func (d *document) signatureFields() ([]sigField, error) {
	catalog, err := d.dictOf(d.trailer.get("Root"))
	if err != nil {
		return nil, err
	}
	form, err := d.dictOf(catalog.get("AcroForm"))
	if err != nil {
		return nil, err
	}
	fv, err := d.resolve(form.get("Fields"))
	if err != nil {
		return nil, err
	}
	var out []sigField
	seen := map[int]bool{}
	var walk func(fields array, prefix string, ft any, depth int) error
	walk = func(fields array, prefix string, ft any, depth int) error {
		if depth > maxDepth {
			return fmt.Errorf("%w: form fields nest deeper than %d", ErrMalformed, maxDepth)
		}
		for _, f := range fields {
			if r, ok := f.(ref); ok {
				if seen[r.num] {
					continue
				}
				seen[r.num] = true
			}
			fd, err := d.dictOf(f)
			if err != nil || fd == nil {
				return err
			}
			n := prefix
			if t, ok := fd.get("T").(pdfString); ok {
				n = strings.TrimPrefix(prefix+"."+decodeText(t), ".")
			}
			fft := ft
			if x := fd.get("FT"); x != nil {
				fft = x
			}
			if kids, ok := fd.get("Kids").(array); ok {
				if err := walk(kids, n, fft, depth+1); err != nil {
					return err
				}
			}
			vr, ok := fd.get("V").(ref)
			if fft != name("Sig") || !ok {
				continue
			}
			sf, err := d.sigDict(vr)
			if err != nil {
				return err
			}
			sf.name = n
			out = append(out, sf)
		}
		return nil
	}
	fields, _ := fv.(array)
	if err := walk(fields, "", nil, 0); err != nil {
		return nil, err
	}
	return out, nil
}

// sigDict reads a signature dictionary and where its /Contents lies in the
// file.
func (d *document) sigDict(r ref) (sigField, error) {
	sf := sigField{cStart: -1, cEnd: -1}
	e, ok := d.xref[r.num]
	if !ok || e.kind != 1 || e.off < 0 || e.off >= len(d.data) {
		v, err := d.object(r)
		sf.sig, _ = v.(dict)
		return sf, err // compressed: /Contents cannot be located, reported by the caller
	}
	sf.objStart = e.off
	l := &lexer{b: d.data, pos: e.off}
	for range 3 { // num gen obj
		l.skipSpace()
		l.word()
	}
	l.skipSpace()
	if !bytes.HasPrefix(d.data[l.pos:], []byte("<<")) {
		return sf, fmt.Errorf("%w: signature value %d is not a dictionary", ErrMalformed, r.num)
	}
	l.pos += 2
	for {
		l.skipSpace()
		if l.pos >= len(d.data) {
			return sf, l.errorf("unterminated signature dictionary")
		}
		if bytes.HasPrefix(d.data[l.pos:], []byte(">>")) {
			return sf, nil
		}
		k, err := l.value(1)
		if err != nil {
			return sf, err
		}
		kn, ok := k.(name)
		if !ok {
			return sf, l.errorf("dictionary key is not a name")
		}
		l.skipSpace()
		start := l.pos
		v, err := l.value(1)
		if err != nil {
			return sf, err
		}
		if kn == "Contents" {
			sf.cStart, sf.cEnd = start, l.pos
		}
		sf.sig = append(sf.sig, entry{kn, v})
	}
}

func verifyOne(d *document, f sigField, trust Trust, now time.Time) *Verdict {
	v := &Verdict{Field: f.name, Level: LevelBB}
	sub, _ := f.sig.get("SubFilter").(name)
	v.SubFilter = string(sub)
	if m, ok := f.sig.get("M").(pdfString); ok {
		v.SignedAt, _ = parsePDFDate(string(m))
	}
	switch sub {
	case "ETSI.CAdES.detached":
	case "adbe.pkcs7.detached":
		v.Notes = append(v.Notes, "adbe.pkcs7.detached is not PAdES")
	default:
		v.problem("unsupported /SubFilter %q", sub)
		return v
	}
	// The byte range: [0, '<' of /Contents, after '>', to the end].
	br, ok := byteRange(f.sig.get("ByteRange"))
	switch {
	case !ok:
		v.problem("the /ByteRange is not four non-negative numbers")
		return v
	case f.cStart < 0:
		v.problem("the signature dictionary is compressed or unreadable, so /Contents cannot be located")
		return v
	case br[0] != 0 || br[1] != f.cStart || br[2] != f.cEnd || br[2]+br[3] > len(d.data):
		v.problem("the /ByteRange %v does not cover the file except exactly /Contents (bytes %d–%d)", br, f.cStart, f.cEnd)
		return v
	}
	v.WholeFile = br[2]+br[3] == len(d.data)
	if !v.WholeFile {
		v.Notes = append(v.Notes, fmt.Sprintf("%d bytes were added after this signature", len(d.data)-br[2]-br[3]))
	}
	contents, _ := f.sig.get("Contents").(pdfString)
	p, err := parseCMS(contents)
	if err != nil {
		v.problem("%v", err)
		return v
	}
	if len(p.sd.SignerInfos) != 1 {
		v.problem("the CMS has %d SignerInfos; PAdES needs exactly one", len(p.sd.SignerInfos))
		return v
	}
	si := p.sd.SignerInfos[0]
	cert := findSigner(si, p.certs)
	if cert == nil {
		v.problem("the signer certificate is not in the signature")
		return v
	}
	v.Certificate, v.Signer = cert, cert.Subject.String()

	h, ok := hashFromOID(si.DigestAlgorithm.Algorithm)
	if !ok {
		v.problem("unsupported digest algorithm %v", si.DigestAlgorithm.Algorithm)
		return v
	}
	dh := h.New()
	dh.Write(d.data[br[0] : br[0]+br[1]])
	dh.Write(d.data[br[2] : br[2]+br[3]])
	digest := dh.Sum(nil)

	if len(si.SignedAttrs.Bytes) == 0 {
		v.problem("the signature has no signed attributes")
		return v
	}
	attrs, err := attributes(si.SignedAttrs.Bytes)
	if err != nil {
		v.problem("%v", err)
		return v
	}
	intact := true
	var md []byte
	if mv := attrs[oidAttrMessageDigest.String()]; len(mv) != 1 {
		v.problem("the signed attributes have no single message digest")
		intact = false
	} else if _, err := asn1.Unmarshal(mv[0].FullBytes, &md); err != nil || !bytes.Equal(md, digest) {
		v.problem("the message digest does not match the signed bytes: the document was altered")
		intact = false
	}
	if ct := attrs[oidAttrContentType.String()]; len(ct) != 1 || !bytes.Equal(ct[0].FullBytes, mustMarshal(oidData)) {
		v.problem("the content-type attribute is missing or not id-data")
		intact = false
	}
	if _, ok := attrs[oidAttrSigningTime.String()]; ok && sub == "ETSI.CAdES.detached" {
		v.Notes = append(v.Notes, "a CMS signing-time attribute is present, which PAdES baseline forbids")
	}
	if ess, ok := attrs[oidAttrSigningCertV2.String()]; ok {
		if !essMatches(ess, cert) {
			v.problem("the signing-certificate-v2 attribute does not name the signer certificate: a certificate was replaced")
			intact = false
		}
	} else if sub == "ETSI.CAdES.detached" {
		v.problem("no signing-certificate-v2 attribute (required by PAdES)")
		intact = false
	}
	set := mustMarshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: si.SignedAttrs.Bytes})
	if alg, ok := x509Algorithms[algKey{si.SignatureAlgorithm.Algorithm.String(), h}]; !ok {
		v.problem("unsupported signature algorithm %v with %v", si.SignatureAlgorithm.Algorithm, h)
		intact = false
	} else if err := cert.CheckSignature(alg, set, si.Signature); err != nil {
		v.problem("the signature does not verify with the signer's key: %v", err)
		intact = false
	}
	v.Intact = intact

	// Timestamp (B-T): about this signature value, from a trusted TSA.
	at := now
	if len(si.UnsignedAttrs.Bytes) > 0 {
		ua, err := attributes(si.UnsignedAttrs.Bytes)
		if err != nil {
			v.problem("%v", err)
		} else if tok := ua[oidAttrTimeStampToken.String()]; len(tok) > 0 {
			if t, err := checkTimestamp(tok[0].FullBytes, si.Signature, trust.TSARoots); err != nil {
				v.problem("signature timestamp: %v", err)
			} else {
				v.Level, v.Timestamp, at = LevelBT, t, t
			}
		}
	}

	// Trust: the signer's own certificate, its chain, its usage.
	inter := x509.NewCertPool()
	for _, c := range p.certs {
		if c != cert {
			inter.AddCert(c)
		}
	}
	if trust.Roots == nil {
		v.problem("no trust roots are configured")
	} else if _, err := cert.Verify(x509.VerifyOptions{Roots: trust.Roots, Intermediates: inter, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		v.problem("the signer certificate is not trusted: %v", err)
	} else if why := documentSigningUsage(cert); why != "" {
		v.problem("the signer certificate may not sign documents: %s", why)
	} else {
		v.Trusted = true
	}
	return v
}

func byteRange(v any) ([4]int, bool) {
	var br [4]int
	a, ok := v.(array)
	if !ok || len(a) != 4 {
		return br, false
	}
	for i, x := range a {
		n, ok := x.(int64)
		if !ok || n < 0 || n > 1<<40 {
			return br, false
		}
		br[i] = int(n)
	}
	return br, true
}

func findSigner(si signerInfo, certs []*x509.Certificate) *x509.Certificate {
	var ias issuerAndSerial
	if _, err := asn1.Unmarshal(si.SID.FullBytes, &ias); err == nil {
		for _, c := range certs {
			if bytes.Equal(c.RawIssuer, ias.Issuer.FullBytes) && c.SerialNumber.Cmp(ias.Serial) == 0 {
				return c
			}
		}
		return nil
	}
	if si.SID.Class == asn1.ClassContextSpecific && si.SID.Tag == 0 {
		for _, c := range certs {
			if len(c.SubjectKeyId) > 0 && bytes.Equal(c.SubjectKeyId, si.SID.Bytes) {
				return c
			}
		}
	}
	return nil
}

func essMatches(vals []asn1.RawValue, cert *x509.Certificate) bool {
	if len(vals) != 1 {
		return false
	}
	var sc signingCertificateV2
	if _, err := asn1.Unmarshal(vals[0].FullBytes, &sc); err != nil || len(sc.Certs) == 0 {
		return false
	}
	id := sc.Certs[0]
	h := crypto.SHA256
	if len(id.HashAlgorithm.Algorithm) > 0 {
		var ok bool
		if h, ok = hashFromOID(id.HashAlgorithm.Algorithm); !ok {
			return false
		}
	}
	hh := h.New()
	hh.Write(cert.Raw)
	if !bytes.Equal(hh.Sum(nil), id.CertHash) {
		return false
	}
	if id.IssuerSerial.Serial != nil && id.IssuerSerial.Serial.Cmp(cert.SerialNumber) != 0 {
		return false
	}
	return true
}

type algKey struct {
	oid  string
	hash crypto.Hash
}

// x509Algorithms maps a CMS signature algorithm and digest to what
// x509.Certificate.CheckSignature takes; built once, read on every verify.
var x509Algorithms = map[algKey]x509.SignatureAlgorithm{
	{oidRSAEncryption.String(), crypto.SHA256}:   x509.SHA256WithRSA,
	{oidRSAEncryption.String(), crypto.SHA384}:   x509.SHA384WithRSA,
	{oidRSAEncryption.String(), crypto.SHA512}:   x509.SHA512WithRSA,
	{oidSHA256WithRSA.String(), crypto.SHA256}:   x509.SHA256WithRSA,
	{oidSHA384WithRSA.String(), crypto.SHA384}:   x509.SHA384WithRSA,
	{oidSHA512WithRSA.String(), crypto.SHA512}:   x509.SHA512WithRSA,
	{oidRSAPSS.String(), crypto.SHA256}:          x509.SHA256WithRSAPSS,
	{oidRSAPSS.String(), crypto.SHA384}:          x509.SHA384WithRSAPSS,
	{oidRSAPSS.String(), crypto.SHA512}:          x509.SHA512WithRSAPSS,
	{oidECDSAWithSHA256.String(), crypto.SHA256}: x509.ECDSAWithSHA256,
	{oidECDSAWithSHA384.String(), crypto.SHA384}: x509.ECDSAWithSHA384,
	{oidECDSAWithSHA512.String(), crypto.SHA512}: x509.ECDSAWithSHA512,
}

// documentSigningUsage explains why cert may not sign documents, or "".
func documentSigningUsage(cert *x509.Certificate) string {
	if cert.KeyUsage != 0 && cert.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return "its key usage has neither digitalSignature nor nonRepudiation"
	}
	if len(cert.ExtKeyUsage) == 0 && len(cert.UnknownExtKeyUsage) == 0 {
		return ""
	}
	if slices.Contains(cert.ExtKeyUsage, x509.ExtKeyUsageAny) {
		return ""
	}
	for _, o := range cert.UnknownExtKeyUsage {
		if o.Equal(oidEKUDocumentSigning) || o.Equal(oidEKUAdobeAuthenticDoc) {
			return ""
		}
	}
	return "its extended key usage lacks document signing (RFC 9336)"
}

// checkTimestamp verifies an RFC 3161 token over sig and returns its time.
func checkTimestamp(token, sig []byte, roots *x509.CertPool) (time.Time, error) {
	ts, err := timestamp.Parse(token) // checks the token's own signature
	if err != nil {
		return time.Time{}, err
	}
	if !ts.HashAlgorithm.Available() {
		return time.Time{}, fmt.Errorf("unsupported hash")
	}
	h := ts.HashAlgorithm.New()
	h.Write(sig)
	if !bytes.Equal(h.Sum(nil), ts.HashedMessage) {
		return time.Time{}, fmt.Errorf("the timestamp is not about this signature")
	}
	p7, err := pkcs7.Parse(token)
	if err != nil {
		return time.Time{}, err
	}
	tsa := p7.GetOnlySigner()
	if tsa == nil {
		return time.Time{}, fmt.Errorf("the token does not contain the TSA certificate")
	}
	inter := x509.NewCertPool()
	for _, c := range p7.Certificates {
		inter.AddCert(c)
	}
	if roots == nil {
		return time.Time{}, fmt.Errorf("no trust roots for timestamp authorities")
	}
	if _, err := tsa.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: ts.Time,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}}); err != nil {
		return time.Time{}, fmt.Errorf("the TSA certificate is not trusted: %v", err)
	}
	return ts.Time, nil
}

// parsePDFDate reads D:YYYYMMDDHHmmSS with an optional zone.
func parsePDFDate(s string) (time.Time, bool) {
	s = strings.TrimPrefix(s, "D:")
	if len(s) < 14 {
		return time.Time{}, false
	}
	t, err := time.Parse("20060102150405", s[:14])
	if err != nil {
		return time.Time{}, false
	}
	z := s[14:]
	if len(z) >= 3 && (z[0] == '+' || z[0] == '-') {
		hh, _ := strconv.Atoi(z[1:3])
		mm := 0
		if len(z) >= 6 {
			mm, _ = strconv.Atoi(z[4:6])
		}
		off := (hh*60 + mm) * 60
		if z[0] == '+' {
			off = -off
		}
		t = t.Add(time.Duration(off) * time.Second)
	}
	return t.UTC(), true
}
