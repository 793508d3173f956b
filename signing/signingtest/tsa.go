package signingtest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/digitorus/timestamp"
)

// OIDTSAPolicy is the TSA policy under which a [TSA] grants time-stamps, an
// arc for tests only.
var OIDTSAPolicy = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}

// oidExtKeyUsage and oidTimeStamping spell the critical ExtendedKeyUsage
// extension a TSA certificate must carry (RFC 3161 section 2.3); crypto/x509
// would mark it non-critical.
var (
	oidExtKeyUsage  = asn1.ObjectIdentifier{2, 5, 29, 37}
	oidTimeStamping = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 8}
)

// maxQuery bounds the body of a time-stamp query; real ones are < 200 bytes.
const maxQuery = 64 << 10

// TSA is a local RFC 3161 time-stamping authority served over HTTP by an
// httptest server. Its certificate "Akte Test TSA" is issued by a [CA]'s
// intermediate with the single extended key usage TimeStamping, marked
// critical, and it grants tokens under [OIDTSAPolicy].
//
// The exported fields are read-only; the TSA is safe for concurrent use.
type TSA struct {
	URL   string              // POST time-stamp queries here
	Cert  *x509.Certificate   // the TSA's signing certificate
	Chain []*x509.Certificate // Cert first, then the intermediate

	key      crypto.Signer
	hash     crypto.Hash // digest of the token's signature
	opts     TSAOptions
	stop     chan struct{} // closed when the test ends, to cut Delay short
	requests atomic.Int64
}

// TSAOptions change how a [TSA] behaves; the zero value answers every valid
// query at once with the current time and a P-256 key.
type TSAOptions struct {
	// FailFirst answers the first FailFirst requests, valid or not, with
	// HTTP 503 Service Unavailable, to test retries.
	FailFirst int

	// Delay is waited before each answer, to test timeouts. The wait ends
	// early, without an answer, when the client gives up or the test ends.
	Delay time.Duration

	// Clock returns the genTime of each token; nil means time.Now. The time
	// is encoded in UTC with whole seconds. It does not change the CMS
	// signing-time attribute, which the signature library always sets to
	// the real time.
	Clock func() time.Time

	// KeyType is the TSA key's type; "" means P256.
	KeyType KeyType
}

// StartTSA issues a TSA certificate from ca's intermediate and starts a TSA
// that is closed by tb.Cleanup. It fails tb on error.
//
// The TSA answers POST requests of Content-Type application/timestamp-query
// with application/timestamp-reply. A granted token echoes the query's
// message imprint (SHA-256, SHA-384 or SHA-512) and nonce, has accuracy 1 s
// and ordering false, and carries Chain when the query sets certReq. Other
// methods get 405; a wrong Content-Type, an unparsable query or another hash
// algorithm get 400.
//
// Token serial numbers are random 160-bit numbers chosen by
// github.com/digitorus/timestamp, which ignores any serial number given to
// it; they are unique but not increasing.
func StartTSA(tb testing.TB, ca *CA, o TSAOptions) *TSA {
	tb.Helper()
	kt := o.KeyType
	if kt == "" {
		kt = P256
	}
	key := mustKey(tb, kt)
	eku, err := asn1.Marshal([]asn1.ObjectIdentifier{oidTimeStamping})
	if err != nil {
		tb.Fatal(err)
	}
	now := time.Now()
	cert := mustCreate(tb, &x509.Certificate{
		Subject:               pkix.Name{CommonName: "Akte Test TSA", Organization: []string{"Akte Test"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(5, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		ExtraExtensions:       []pkix.Extension{{Id: oidExtKeyUsage, Critical: true, Value: eku}},
	}, ca.Intermediate, key.Public(), ca.IntermediateKey)

	t := &TSA{
		Cert:  cert,
		Chain: []*x509.Certificate{cert, ca.Intermediate},
		key:   key,
		hash:  crypto.SHA256,
		opts:  o,
		stop:  make(chan struct{}),
	}
	if pub, ok := key.Public().(*ecdsa.PublicKey); ok && pub.Curve == elliptic.P384() {
		t.hash = crypto.SHA384
	}
	srv := httptest.NewServer(http.HandlerFunc(t.serve))
	t.URL = srv.URL
	tb.Cleanup(func() {
		close(t.stop)
		srv.Close()
	})
	return t
}

// Requests returns the number of requests received so far, including those
// answered with an error status.
func (t *TSA) Requests() int {
	return int(t.requests.Load())
}

func (t *TSA) serve(w http.ResponseWriter, r *http.Request) {
	n := t.requests.Add(1)
	// Read the query first: net/http notices that the client went away,
	// and cancels r.Context(), only once the body has been read to its end.
	body, readErr := io.ReadAll(http.MaxBytesReader(w, r.Body, maxQuery))
	if t.opts.Delay > 0 {
		timer := time.NewTimer(t.opts.Delay)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-r.Context().Done():
			return
		case <-t.stop:
			return
		}
	}
	if n <= int64(t.opts.FailFirst) {
		http.Error(w, "failing on purpose", http.StatusServiceUnavailable)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/timestamp-query" {
		http.Error(w, "want Content-Type application/timestamp-query", http.StatusBadRequest)
		return
	}
	if readErr != nil {
		http.Error(w, "read query: "+readErr.Error(), http.StatusBadRequest)
		return
	}
	req, err := timestamp.ParseRequest(body)
	if err != nil {
		http.Error(w, "parse query: "+err.Error(), http.StatusBadRequest)
		return
	}
	switch req.HashAlgorithm {
	case crypto.SHA256, crypto.SHA384, crypto.SHA512:
	default:
		http.Error(w, "unsupported hash algorithm "+req.HashAlgorithm.String(), http.StatusBadRequest)
		return
	}
	if len(req.HashedMessage) != req.HashAlgorithm.Size() {
		http.Error(w, "message imprint has the wrong length", http.StatusBadRequest)
		return
	}

	now := time.Now
	if t.opts.Clock != nil {
		now = t.opts.Clock
	}
	ts := timestamp.Timestamp{
		HashAlgorithm:     req.HashAlgorithm,
		HashedMessage:     req.HashedMessage,
		Time:              now().UTC(),
		Accuracy:          time.Second,
		Policy:            OIDTSAPolicy,
		Ordering:          false,
		Nonce:             req.Nonce,
		AddTSACertificate: req.Certificates,
		Certificates:      t.Chain[1:], // the signer's parents; Cert itself is added by the library
	}
	resp, err := ts.CreateResponseWithOpts(t.Cert, t.key, t.hash)
	if err != nil {
		http.Error(w, "create response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/timestamp-reply")
	w.Write(resp)
}
