package signingtest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
	"sync"
	"testing"
	"time"
)

// OIDDocumentSigning is id-kp-documentSigning (RFC 9336), the extended key
// usage of a certificate meant to sign documents.
var OIDDocumentSigning = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 36}

// KeyType names a key algorithm for test certificates.
type KeyType string

// The key types a test certificate may have.
const (
	RSA2048 KeyType = "rsa2048"
	RSA3072 KeyType = "rsa3072"
	P256    KeyType = "p256"
	P384    KeyType = "p384"
)

// NewKey makes a fresh key of type kt. It always generates a new key, which
// for RSA takes tens to hundreds of milliseconds; benchmarks that do not care
// about the key being fresh use [CachedKey]. An unknown kt (including "") is
// an error.
func NewKey(kt KeyType) (crypto.Signer, error) {
	switch kt {
	case RSA2048:
		return rsa.GenerateKey(rand.Reader, 2048)
	case RSA3072:
		return rsa.GenerateKey(rand.Reader, 3072)
	case P256:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case P384:
		return ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	}
	return nil, fmt.Errorf("new key: unknown key type %q", kt)
}

// cachedKeys maps a KeyType to its *cachedKey; see CachedKey.
var cachedKeys sync.Map

type cachedKey struct {
	once sync.Once
	key  crypto.Signer
	err  error
}

// CachedKey returns a key of type kt that is generated once per process and
// then shared: every call with the same kt returns the same key. It is meant
// for benchmarks, where generating RSA keys would dominate; tests that need
// distinct keys use [NewKey]. It is safe for concurrent use and panics if kt
// is unknown.
func CachedKey(kt KeyType) crypto.Signer {
	v, _ := cachedKeys.LoadOrStore(kt, new(cachedKey))
	c := v.(*cachedKey)
	c.once.Do(func() { c.key, c.err = NewKey(kt) })
	if c.err != nil {
		panic(c.err)
	}
	return c.key
}

// CA is a test certificate authority: a self-signed root and an intermediate
// that issues leaves. Its fields are read-only after [NewCA].
type CA struct {
	Root            *x509.Certificate
	RootKey         crypto.Signer
	Intermediate    *x509.Certificate // the issuing CA for leaves
	IntermediateKey crypto.Signer
	Pool            *x509.CertPool // contains Root only
}

// NewCA makes a CA whose root is "Akte Test Root <name>" and whose
// intermediate is "Akte Test Issuing CA <name>". Both have ECDSA P-256 keys,
// are valid from an hour ago for ten years, and carry critical
// BasicConstraints (CA, the intermediate with path length 0), KeyUsage
// CertSign|CRLSign and a SubjectKeyId. It fails tb on error.
func NewCA(tb testing.TB, name string) *CA {
	tb.Helper()
	now := time.Now()
	rootKey := mustKey(tb, P256)
	root := mustCreate(tb, &x509.Certificate{
		Subject:               pkix.Name{CommonName: "Akte Test Root " + name, Organization: []string{"Akte Test"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            1,
	}, nil, rootKey.Public(), rootKey)

	interKey := mustKey(tb, P256)
	inter := mustCreate(tb, &x509.Certificate{
		Subject:               pkix.Name{CommonName: "Akte Test Issuing CA " + name, Organization: []string{"Akte Test"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}, root, interKey.Public(), rootKey)

	pool := x509.NewCertPool()
	pool.AddCert(root)
	return &CA{Root: root, RootKey: rootKey, Intermediate: inter, IntermediateKey: interKey, Pool: pool}
}

// LeafOptions describe a leaf certificate. The zero value asks for the
// default seal: CommonName "Akte Test Seal", a new P-256 key, KeyUsage
// DigitalSignature|ContentCommitment, the single extended key usage
// id-kp-documentSigning, valid from an hour ago for two years, issued by the
// intermediate.
type LeafOptions struct {
	CommonName   string // "" means "Akte Test Seal"
	Organization string // "" means no O attribute

	Key     crypto.Signer // the leaf's key; nil means a new key of KeyType
	KeyType KeyType       // used only when Key is nil; "" means P256

	// KeyUsage 0 means DigitalSignature|ContentCommitment. To issue a
	// certificate without a KeyUsage extension set OmitKeyUsage (and leave
	// KeyUsage 0).
	KeyUsage     x509.KeyUsage
	OmitKeyUsage bool

	// ExtKeyUsage and UnknownExtKeyUsage both empty mean the single usage
	// OIDDocumentSigning; otherwise exactly the usages given are included.
	// To issue a certificate without an ExtendedKeyUsage extension set
	// OmitExtKeyUsage (and leave both lists empty).
	ExtKeyUsage        []x509.ExtKeyUsage
	UnknownExtKeyUsage []asn1.ObjectIdentifier
	OmitExtKeyUsage    bool

	// Zero NotBefore means an hour ago; zero NotAfter means two years from
	// now. Either may lie in the past or future to make an expired or
	// not-yet-valid certificate.
	NotBefore, NotAfter time.Time

	// SelfSigned issues the leaf signed by its own key instead of by the
	// intermediate; such a leaf does not chain to Pool.
	SelfSigned bool
}

// Issue issues a leaf certificate as described by o. It returns the chain
// leaf first — the leaf and the intermediate, or only the leaf when
// o.SelfSigned — and the leaf's key. It fails tb on error, including
// contradictory options (an Omit flag together with usages to include).
func (ca *CA) Issue(tb testing.TB, o LeafOptions) (chain []*x509.Certificate, key crypto.Signer) {
	tb.Helper()
	now := time.Now()
	tmpl := &x509.Certificate{
		Subject:               pkix.Name{CommonName: o.CommonName},
		NotBefore:             o.NotBefore,
		NotAfter:              o.NotAfter,
		KeyUsage:              o.KeyUsage,
		ExtKeyUsage:           o.ExtKeyUsage,
		UnknownExtKeyUsage:    o.UnknownExtKeyUsage,
		BasicConstraintsValid: true,
	}
	if tmpl.Subject.CommonName == "" {
		tmpl.Subject.CommonName = "Akte Test Seal"
	}
	if o.Organization != "" {
		tmpl.Subject.Organization = []string{o.Organization}
	}
	if tmpl.NotBefore.IsZero() {
		tmpl.NotBefore = now.Add(-time.Hour)
	}
	if tmpl.NotAfter.IsZero() {
		tmpl.NotAfter = now.AddDate(2, 0, 0)
	}
	switch {
	case o.OmitKeyUsage && o.KeyUsage != 0:
		tb.Fatalf("issue leaf: OmitKeyUsage with KeyUsage %#x", o.KeyUsage)
	case o.KeyUsage == 0 && !o.OmitKeyUsage:
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
	}
	noEKU := len(o.ExtKeyUsage) == 0 && len(o.UnknownExtKeyUsage) == 0
	switch {
	case o.OmitExtKeyUsage && !noEKU:
		tb.Fatalf("issue leaf: OmitExtKeyUsage with extended key usages")
	case noEKU && !o.OmitExtKeyUsage:
		tmpl.UnknownExtKeyUsage = []asn1.ObjectIdentifier{OIDDocumentSigning}
	}

	key = o.Key
	if key == nil {
		kt := o.KeyType
		if kt == "" {
			kt = P256
		}
		key = mustKey(tb, kt)
	}
	if o.SelfSigned {
		leaf := mustCreate(tb, tmpl, nil, key.Public(), key)
		return []*x509.Certificate{leaf}, key
	}
	leaf := mustCreate(tb, tmpl, ca.Intermediate, key.Public(), ca.IntermediateKey)
	return []*x509.Certificate{leaf, ca.Intermediate}, key
}

func mustKey(tb testing.TB, kt KeyType) crypto.Signer {
	tb.Helper()
	key, err := NewKey(kt)
	if err != nil {
		tb.Fatal(err)
	}
	return key
}

// mustCreate completes tmpl with a random serial number and a SubjectKeyId
// and signs it by signer as parent; a nil parent means self-signed.
func mustCreate(tb testing.TB, tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) *x509.Certificate {
	tb.Helper()
	cert, err := create(tmpl, parent, pub, signer)
	if err != nil {
		tb.Fatalf("create certificate %q: %v", tmpl.Subject.CommonName, err)
	}
	return cert
}

func create(tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) (*x509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, err
	}
	tmpl.SerialNumber = serial.Add(serial, big.NewInt(1)) // positive, at most 16 bytes
	if tmpl.SubjectKeyId, err = subjectKeyID(pub); err != nil {
		return nil, err
	}
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// subjectKeyID is the SHA-1 of the subjectPublicKey bits, method (1) of
// RFC 5280 section 4.2.1.2.
func subjectKeyID(pub crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(der, &spki); err != nil {
		return nil, err
	}
	sum := sha1.Sum(spki.PublicKey.Bytes)
	return sum[:], nil
}
