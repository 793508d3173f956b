package signingtest_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"io"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/timestamp"

	"akte/signing/signingtest"
)

var (
	oidKeyUsage    = asn1.ObjectIdentifier{2, 5, 29, 15}
	oidExtKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 37}
)

func TestLeafChainsToPool(t *testing.T) {
	ca := signingtest.NewCA(t, "leaf")
	chain, key := ca.Issue(t, signingtest.LeafOptions{Organization: "Akte Test Org"})
	if len(chain) != 2 || chain[1] != ca.Intermediate {
		t.Fatalf("chain = %d certificates, want leaf and intermediate", len(chain))
	}
	leaf := chain[0]
	if _, err := leaf.Verify(verifyOpts(ca, chain, x509.ExtKeyUsageAny)); err != nil {
		t.Fatalf("verify leaf: %v", err)
	}
	if got, want := leaf.Subject.CommonName, "Akte Test Seal"; got != want {
		t.Errorf("CommonName = %q, want %q", got, want)
	}
	if got := leaf.Subject.Organization; !slices.Equal(got, []string{"Akte Test Org"}) {
		t.Errorf("Organization = %q", got)
	}
	if want := x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment; leaf.KeyUsage != want {
		t.Errorf("KeyUsage = %#x, want %#x", leaf.KeyUsage, want)
	}
	if len(leaf.ExtKeyUsage) != 0 || len(leaf.UnknownExtKeyUsage) != 1 ||
		!leaf.UnknownExtKeyUsage[0].Equal(signingtest.OIDDocumentSigning) {
		t.Errorf("EKU = %v + %v, want only documentSigning", leaf.ExtKeyUsage, leaf.UnknownExtKeyUsage)
	}
	if leaf.IsCA || len(leaf.SubjectKeyId) == 0 || !bytes.Equal(leaf.AuthorityKeyId, ca.Intermediate.SubjectKeyId) {
		t.Errorf("IsCA = %v, SubjectKeyId = %x, AuthorityKeyId = %x", leaf.IsCA, leaf.SubjectKeyId, leaf.AuthorityKeyId)
	}
	checkKeyMatches(t, leaf, key)

	for _, c := range []*x509.Certificate{ca.Root, ca.Intermediate} {
		if !c.IsCA || !c.BasicConstraintsValid || c.KeyUsage != x509.KeyUsageCertSign|x509.KeyUsageCRLSign || len(c.SubjectKeyId) == 0 {
			t.Errorf("%s: IsCA %v, KeyUsage %#x, SubjectKeyId %x", c.Subject.CommonName, c.IsCA, c.KeyUsage, c.SubjectKeyId)
		}
		if _, ok := c.PublicKey.(*ecdsa.PublicKey); !ok {
			t.Errorf("%s: key %T, want ECDSA", c.Subject.CommonName, c.PublicKey)
		}
	}
	if ca.Root.Subject.CommonName != "Akte Test Root leaf" || ca.Intermediate.Subject.CommonName != "Akte Test Issuing CA leaf" {
		t.Errorf("CA names %q, %q", ca.Root.Subject.CommonName, ca.Intermediate.Subject.CommonName)
	}
}

func TestSelfSignedLeafDoesNotChain(t *testing.T) {
	ca := signingtest.NewCA(t, "self")
	chain, _ := ca.Issue(t, signingtest.LeafOptions{SelfSigned: true})
	if len(chain) != 1 {
		t.Fatalf("chain = %d certificates, want 1", len(chain))
	}
	_, err := chain[0].Verify(verifyOpts(ca, chain, x509.ExtKeyUsageAny))
	var unknown x509.UnknownAuthorityError
	if !errors.As(err, &unknown) {
		t.Fatalf("verify self-signed leaf: err = %v, want UnknownAuthorityError", err)
	}
	// CheckSignatureFrom would refuse a non-CA parent; check the signature
	// against the leaf's own key directly.
	if err := chain[0].CheckSignature(chain[0].SignatureAlgorithm, chain[0].RawTBSCertificate, chain[0].Signature); err != nil {
		t.Errorf("self-signed leaf is not signed by its own key: %v", err)
	}
	if !bytes.Equal(chain[0].RawIssuer, chain[0].RawSubject) {
		t.Errorf("issuer %q != subject %q", chain[0].Issuer, chain[0].Subject)
	}
}

func TestLeafOptions(t *testing.T) {
	ca := signingtest.NewCA(t, "opts")
	notBefore := time.Now().Add(-48 * time.Hour).Truncate(time.Second)
	notAfter := time.Now().Add(-24 * time.Hour).Truncate(time.Second)
	key := signingtest.CachedKey(signingtest.P256)
	chain, got := ca.Issue(t, signingtest.LeafOptions{
		CommonName:      "Expired Seal",
		Key:             key,
		OmitKeyUsage:    true,
		OmitExtKeyUsage: true,
		NotBefore:       notBefore,
		NotAfter:        notAfter,
	})
	leaf := chain[0]
	if got != key {
		t.Errorf("Issue returned another key than LeafOptions.Key")
	}
	for _, e := range leaf.Extensions {
		if e.Id.Equal(oidKeyUsage) || e.Id.Equal(oidExtKeyUsage) {
			t.Errorf("extension %v present, want omitted", e.Id)
		}
	}
	if leaf.Subject.CommonName != "Expired Seal" || !leaf.NotBefore.Equal(notBefore) || !leaf.NotAfter.Equal(notAfter) {
		t.Errorf("got %q valid %v..%v", leaf.Subject.CommonName, leaf.NotBefore, leaf.NotAfter)
	}
	var invalid x509.CertificateInvalidError
	if _, err := leaf.Verify(verifyOpts(ca, chain, x509.ExtKeyUsageAny)); !errors.As(err, &invalid) || invalid.Reason != x509.Expired {
		t.Errorf("verify expired leaf: err = %v, want Expired", err)
	}

	chain, _ = ca.Issue(t, signingtest.LeafOptions{
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
	})
	leaf = chain[0]
	if leaf.KeyUsage != x509.KeyUsageDigitalSignature ||
		!slices.Equal(leaf.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}) || len(leaf.UnknownExtKeyUsage) != 0 {
		t.Errorf("KeyUsage %#x, EKU %v + %v", leaf.KeyUsage, leaf.ExtKeyUsage, leaf.UnknownExtKeyUsage)
	}
	if _, err := leaf.Verify(verifyOpts(ca, chain, x509.ExtKeyUsageEmailProtection)); err != nil {
		t.Errorf("verify email leaf: %v", err)
	}
}

// TestKeyTypes issues a leaf of every key type. RSA-2048 is covered by
// TestTSAKeyTypes, to generate no more than one RSA key per test.
func TestKeyTypes(t *testing.T) {
	ca := signingtest.NewCA(t, "keys")
	for _, tc := range []struct {
		kt   signingtest.KeyType
		bits int
	}{
		{signingtest.P256, 256},
		{signingtest.P384, 384},
		{signingtest.RSA3072, 3072},
	} {
		t.Run(string(tc.kt), func(t *testing.T) {
			chain, key := ca.Issue(t, signingtest.LeafOptions{KeyType: tc.kt})
			if got := keyBits(t, key.Public()); got != tc.bits {
				t.Errorf("key has %d bits, want %d", got, tc.bits)
			}
			if _, err := chain[0].Verify(verifyOpts(ca, chain, x509.ExtKeyUsageAny)); err != nil {
				t.Errorf("verify: %v", err)
			}
			checkKeyMatches(t, chain[0], key)
		})
	}
}

func TestNewKeyUnknownType(t *testing.T) {
	for _, kt := range []signingtest.KeyType{"", "ed25519", "P256"} {
		if _, err := signingtest.NewKey(kt); err == nil {
			t.Errorf("NewKey(%q) succeeded, want error", kt)
		}
	}
}

func TestNewKeyIsFresh(t *testing.T) {
	a, err := signingtest.NewKey(signingtest.P256)
	if err != nil {
		t.Fatal(err)
	}
	b, err := signingtest.NewKey(signingtest.P256)
	if err != nil {
		t.Fatal(err)
	}
	if a.Public().(*ecdsa.PublicKey).Equal(b.Public()) {
		t.Error("NewKey returned the same key twice")
	}
}

func TestCachedKey(t *testing.T) {
	a := signingtest.CachedKey(signingtest.P384)
	b := signingtest.CachedKey(signingtest.P384)
	if a != b {
		t.Error("CachedKey(P384) returned two keys")
	}
	if c := signingtest.CachedKey(signingtest.P256); c == a {
		t.Error("CachedKey(P256) returned the P384 key")
	}
	defer func() {
		if recover() == nil {
			t.Error("CachedKey(unknown) did not panic")
		}
	}()
	signingtest.CachedKey("unknown")
}

func TestTSAGrantsToken(t *testing.T) {
	ca := signingtest.NewCA(t, "tsa")
	genTime := time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)
	tsa := signingtest.StartTSA(t, ca, signingtest.TSAOptions{Clock: func() time.Time { return genTime.Add(500 * time.Millisecond) }})

	checkTSACert(t, ca, tsa)
	for _, h := range []crypto.Hash{crypto.SHA256, crypto.SHA384, crypto.SHA512} {
		t.Run(h.String(), func(t *testing.T) {
			nonce := big.NewInt(int64(h) * 1000003)
			query, err := timestamp.CreateRequest(strings.NewReader("document "+h.String()), &timestamp.RequestOptions{
				Hash: h, Certificates: true, Nonce: nonce,
			})
			if err != nil {
				t.Fatal(err)
			}
			req, err := timestamp.ParseRequest(query)
			if err != nil {
				t.Fatal(err)
			}
			code, body := post(t, http.DefaultClient, tsa.URL, "application/timestamp-query", query)
			if code != http.StatusOK {
				t.Fatalf("status %d: %s", code, body)
			}
			ts, err := timestamp.ParseResponse(body)
			if err != nil {
				t.Fatalf("parse response: %v", err)
			}
			if ts.HashAlgorithm != h || !bytes.Equal(ts.HashedMessage, req.HashedMessage) {
				t.Errorf("imprint %v %x, want %v %x", ts.HashAlgorithm, ts.HashedMessage, h, req.HashedMessage)
			}
			if ts.Nonce == nil || ts.Nonce.Cmp(nonce) != 0 {
				t.Errorf("nonce %v, want %v", ts.Nonce, nonce)
			}
			if !ts.Time.Equal(genTime) {
				t.Errorf("genTime %v, want %v", ts.Time, genTime)
			}
			if !ts.Policy.Equal(signingtest.OIDTSAPolicy) || ts.Accuracy != time.Second || ts.Ordering {
				t.Errorf("policy %v, accuracy %v, ordering %v", ts.Policy, ts.Accuracy, ts.Ordering)
			}
			if ts.SerialNumber == nil || ts.SerialNumber.Sign() <= 0 {
				t.Errorf("serial number %v", ts.SerialNumber)
			}
			if len(ts.Certificates) != 2 || !ts.Certificates[0].Equal(tsa.Cert) || !ts.Certificates[1].Equal(ca.Intermediate) {
				t.Fatalf("token carries %d certificates, want TSA and intermediate", len(ts.Certificates))
			}
			if _, err := ts.Certificates[0].Verify(verifyOpts(ca, ts.Certificates, x509.ExtKeyUsageTimeStamping)); err != nil {
				t.Errorf("verify TSA certificate from token: %v", err)
			}
		})
	}
	if got := tsa.Requests(); got != 3 {
		t.Errorf("Requests() = %d, want 3", got)
	}
}

func TestTSAWithoutCertReq(t *testing.T) {
	ca := signingtest.NewCA(t, "nocert")
	tsa := signingtest.StartTSA(t, ca, signingtest.TSAOptions{})
	query, err := timestamp.CreateRequest(strings.NewReader("document"), &timestamp.RequestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	code, body := post(t, http.DefaultClient, tsa.URL, "application/timestamp-query", query)
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	ts, err := timestamp.ParseResponse(body)
	if err != nil {
		t.Fatalf("parse response: %v", err)
	}
	if len(ts.Certificates) != 0 || ts.AddTSACertificate {
		t.Errorf("token carries %d certificates without certReq", len(ts.Certificates))
	}
	if ts.Nonce != nil {
		t.Errorf("nonce %v without one in the query", ts.Nonce)
	}
}

// TestTSAKeyTypes has the TSA sign with every key type but RSA-3072, which
// TestKeyTypes covers.
func TestTSAKeyTypes(t *testing.T) {
	ca := signingtest.NewCA(t, "tsakeys")
	for _, kt := range []signingtest.KeyType{"", signingtest.P256, signingtest.P384, signingtest.RSA2048} {
		t.Run(string(kt), func(t *testing.T) {
			tsa := signingtest.StartTSA(t, ca, signingtest.TSAOptions{KeyType: kt})
			checkTSACert(t, ca, tsa)
			want := map[signingtest.KeyType]int{"": 256, signingtest.P256: 256, signingtest.P384: 384, signingtest.RSA2048: 2048}[kt]
			if got := keyBits(t, tsa.Cert.PublicKey); got != want {
				t.Errorf("TSA key has %d bits, want %d", got, want)
			}
			query, err := timestamp.CreateRequest(strings.NewReader("document"), &timestamp.RequestOptions{Certificates: true})
			if err != nil {
				t.Fatal(err)
			}
			code, body := post(t, http.DefaultClient, tsa.URL, "application/timestamp-query", query)
			if code != http.StatusOK {
				t.Fatalf("status %d: %s", code, body)
			}
			if _, err := timestamp.ParseResponse(body); err != nil {
				t.Fatalf("parse response: %v", err)
			}
		})
	}
}

func TestTSARejectsBadRequests(t *testing.T) {
	ca := signingtest.NewCA(t, "bad")
	tsa := signingtest.StartTSA(t, ca, signingtest.TSAOptions{})
	good, err := timestamp.CreateRequest(strings.NewReader("document"), nil)
	if err != nil {
		t.Fatal(err)
	}
	sha1Query, err := (&timestamp.Request{HashAlgorithm: crypto.SHA1, HashedMessage: make([]byte, 20)}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	shortQuery, err := (&timestamp.Request{HashAlgorithm: crypto.SHA256, HashedMessage: make([]byte, 20)}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, contentType string
		body              []byte
	}{
		{"garbage", "application/timestamp-query", []byte("not DER")},
		{"trailing data", "application/timestamp-query", append(slices.Clone(good), 0)},
		{"wrong content type", "application/octet-stream", good},
		{"sha1", "application/timestamp-query", sha1Query},
		{"short imprint", "application/timestamp-query", shortQuery},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code, body := post(t, http.DefaultClient, tsa.URL, tc.contentType, tc.body); code != http.StatusBadRequest {
				t.Errorf("status %d, want 400: %s", code, body)
			}
		})
	}
	resp, err := http.Get(tsa.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: status %d, want 405", resp.StatusCode)
	}
}

func TestTSAFailFirst(t *testing.T) {
	ca := signingtest.NewCA(t, "fail")
	tsa := signingtest.StartTSA(t, ca, signingtest.TSAOptions{FailFirst: 2})
	query, err := timestamp.CreateRequest(strings.NewReader("document"), nil)
	if err != nil {
		t.Fatal(err)
	}
	var codes []int
	for range 3 {
		code, _ := post(t, http.DefaultClient, tsa.URL, "application/timestamp-query", query)
		codes = append(codes, code)
	}
	if want := []int{503, 503, 200}; !slices.Equal(codes, want) {
		t.Errorf("status codes %v, want %v", codes, want)
	}
	if tsa.Requests() != 3 {
		t.Errorf("Requests() = %d, want 3", tsa.Requests())
	}
}

func TestTSADelayTimesOut(t *testing.T) {
	start := time.Now()
	t.Run("timeout", func(t *testing.T) {
		ca := signingtest.NewCA(t, "slow")
		tsa := signingtest.StartTSA(t, ca, signingtest.TSAOptions{Delay: time.Minute})
		query, err := timestamp.CreateRequest(strings.NewReader("document"), nil)
		if err != nil {
			t.Fatal(err)
		}
		client := &http.Client{Timeout: 100 * time.Millisecond}
		resp, err := client.Post(tsa.URL, "application/timestamp-query", bytes.NewReader(query))
		if err == nil {
			resp.Body.Close()
			t.Fatalf("got status %d, want a timeout", resp.StatusCode)
		}
		var timeout interface{ Timeout() bool }
		if !errors.As(err, &timeout) || !timeout.Timeout() {
			t.Errorf("err = %v, want a timeout", err)
		}
		if tsa.Requests() != 1 {
			t.Errorf("Requests() = %d, want 1", tsa.Requests())
		}
	})
	// The subtest's cleanup closed the TSA; it must not have waited out Delay.
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("timed-out request and cleanup took %v", d)
	}
}

func TestTSADelayAnswers(t *testing.T) {
	ca := signingtest.NewCA(t, "delay")
	tsa := signingtest.StartTSA(t, ca, signingtest.TSAOptions{Delay: 50 * time.Millisecond})
	query, err := timestamp.CreateRequest(strings.NewReader("document"), nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	code, body := post(t, http.DefaultClient, tsa.URL, "application/timestamp-query", query)
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("answered after %v, before Delay", d)
	}
}

func verifyOpts(ca *signingtest.CA, chain []*x509.Certificate, eku x509.ExtKeyUsage) x509.VerifyOptions {
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	return x509.VerifyOptions{Roots: ca.Pool, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{eku}}
}

// checkTSACert checks the TSA's certificate: chained to ca, only
// TimeStamping, its ExtendedKeyUsage critical.
func checkTSACert(t *testing.T, ca *signingtest.CA, tsa *signingtest.TSA) {
	t.Helper()
	if len(tsa.Chain) != 2 || tsa.Chain[0] != tsa.Cert || tsa.Chain[1] != ca.Intermediate {
		t.Fatalf("Chain has %d certificates, want TSA and intermediate", len(tsa.Chain))
	}
	if _, err := tsa.Cert.Verify(verifyOpts(ca, tsa.Chain, x509.ExtKeyUsageTimeStamping)); err != nil {
		t.Errorf("verify TSA certificate: %v", err)
	}
	if !slices.Equal(tsa.Cert.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}) {
		t.Errorf("TSA EKU %v", tsa.Cert.ExtKeyUsage)
	}
	critical := false
	for _, e := range tsa.Cert.Extensions {
		if e.Id.Equal(oidExtKeyUsage) {
			critical = e.Critical
		}
	}
	if !critical {
		t.Error("TSA ExtendedKeyUsage is not critical")
	}
}

func checkKeyMatches(t *testing.T, cert *x509.Certificate, key crypto.Signer) {
	t.Helper()
	digest := sha256.Sum256([]byte("to be signed"))
	sig, err := key.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	alg := x509.ECDSAWithSHA256
	if _, ok := key.Public().(*rsa.PublicKey); ok {
		alg = x509.SHA256WithRSA
	}
	if err := cert.CheckSignature(alg, []byte("to be signed"), sig); err != nil {
		t.Errorf("certificate does not match key: %v", err)
	}
}

func keyBits(t *testing.T, pub crypto.PublicKey) int {
	t.Helper()
	switch pub := pub.(type) {
	case *ecdsa.PublicKey:
		if pub.Curve != elliptic.P256() && pub.Curve != elliptic.P384() {
			t.Errorf("unexpected curve %s", pub.Curve.Params().Name)
		}
		return pub.Curve.Params().BitSize
	case *rsa.PublicKey:
		return pub.N.BitLen()
	}
	t.Fatalf("unexpected key %T", pub)
	return 0
}

func post(t *testing.T, client *http.Client, url, contentType string, body []byte) (int, []byte) {
	t.Helper()
	resp, err := client.Post(url, contentType, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode == http.StatusOK && resp.Header.Get("Content-Type") != "application/timestamp-reply" {
		t.Errorf("Content-Type %q", resp.Header.Get("Content-Type"))
	}
	return resp.StatusCode, b
}
