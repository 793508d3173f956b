package signing

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

// Seal is the authority's signing identity: a key (any crypto.Signer, so
// an HSM fits) and its certificate chain, signer first.
type Seal struct {
	Signer crypto.Signer
	Chain  []*x509.Certificate
	// PSS signs with RSASSA-PSS instead of PKCS #1 v1.5 (RSA keys only).
	PSS bool
}

// Certificate is the signer's certificate.
func (s *Seal) Certificate() *x509.Certificate { return s.Chain[0] }

// Development reports whether this is a self-signed development seal —
// not a seal any relying party should accept.
func (s *Seal) Development() bool {
	c := s.Chain[0]
	return bytes.Equal(c.RawIssuer, c.RawSubject) && c.Subject.OrganizationalUnit != nil &&
		c.Subject.OrganizationalUnit[0] == devSealUnit
}

const devSealUnit = "Akte development seal - NOT A REAL SEAL"

// validate checks that the key matches the certificate and is a kind we sign with.
func (s *Seal) validate() error {
	if s == nil || s.Signer == nil || len(s.Chain) == 0 {
		return fmt.Errorf("%w: a seal needs a key and a certificate", ErrKey)
	}
	pub, ok := s.Signer.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(s.Chain[0].PublicKey) {
		return fmt.Errorf("%w: the key does not belong to the certificate %q", ErrKey, s.Chain[0].Subject.CommonName)
	}
	switch k := s.Signer.Public().(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < 2048 {
			return fmt.Errorf("%w: RSA keys need at least 2048 bits, this one has %d", ErrKey, k.N.BitLen())
		}
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() && k.Curve != elliptic.P384() {
			return fmt.Errorf("%w: ECDSA keys must be P-256 or P-384", ErrKey)
		}
		if s.PSS {
			return fmt.Errorf("%w: PSS needs an RSA key", ErrKey)
		}
	default:
		return fmt.Errorf("%w: unsupported key type %T (RSA or ECDSA P-256/P-384)", ErrKey, k)
	}
	return nil
}

// LoadPEM reads a seal from PEM: the certificate chain (signer first) and
// a PKCS #8, PKCS #1 or SEC 1 private key. Both may be in one file.
func LoadPEM(certPEM, keyPEM []byte) (*Seal, error) {
	var s Seal
	for _, src := range [][]byte{certPEM, keyPEM} {
		for rest := src; ; {
			var b *pem.Block
			b, rest = pem.Decode(rest)
			if b == nil {
				break
			}
			switch b.Type {
			case "CERTIFICATE":
				c, err := x509.ParseCertificate(b.Bytes)
				if err != nil {
					return nil, fmt.Errorf("%w: certificate: %v", ErrKey, err)
				}
				if !containsCert(s.Chain, c) {
					s.Chain = append(s.Chain, c)
				}
			case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY":
				if s.Signer != nil {
					continue
				}
				k, err := parseKey(b)
				if err != nil {
					return nil, err
				}
				s.Signer = k
			}
		}
	}
	if s.Signer == nil {
		return nil, fmt.Errorf("%w: no private key found in the PEM data", ErrKey)
	}
	if len(s.Chain) == 0 {
		return nil, fmt.Errorf("%w: no certificate found in the PEM data", ErrKey)
	}
	s.Chain = signerFirst(s.Signer, s.Chain)
	return &s, s.validate()
}

func containsCert(cs []*x509.Certificate, c *x509.Certificate) bool {
	for _, x := range cs {
		if x.Equal(c) {
			return true
		}
	}
	return false
}

func parseKey(b *pem.Block) (crypto.Signer, error) {
	var k any
	var err error
	switch b.Type {
	case "RSA PRIVATE KEY":
		k, err = x509.ParsePKCS1PrivateKey(b.Bytes)
	case "EC PRIVATE KEY":
		k, err = x509.ParseECPrivateKey(b.Bytes)
	default:
		k, err = x509.ParsePKCS8PrivateKey(b.Bytes)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: private key: %v", ErrKey, err)
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%w: private key of type %T cannot sign", ErrKey, k)
	}
	return s, nil
}

// signerFirst moves the certificate of key to the front.
func signerFirst(key crypto.Signer, chain []*x509.Certificate) []*x509.Certificate {
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok {
		return chain
	}
	for i, c := range chain {
		if pub.Equal(c.PublicKey) {
			out := append([]*x509.Certificate{c}, chain[:i]...)
			return append(out, chain[i+1:]...)
		}
	}
	return chain
}

// LoadPKCS12 reads a seal from a PKCS #12 (.p12/.pfx) file.
func LoadPKCS12(data []byte, password string) (*Seal, error) {
	key, cert, cas, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		if errors.Is(err, pkcs12.ErrIncorrectPassword) {
			return nil, fmt.Errorf("%w: pkcs12: wrong password", ErrKey)
		}
		return nil, fmt.Errorf("%w: pkcs12: %v", ErrKey, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%w: pkcs12 key of type %T cannot sign", ErrKey, key)
	}
	s := &Seal{Signer: signer, Chain: append([]*x509.Certificate{cert}, cas...)}
	return s, s.validate()
}

// NewDevelopmentSeal creates a self-signed ECDSA P-256 seal for the
// embedded default: usable for trying Akte, worthless as evidence. It is
// marked in its subject so that Development reports it. now is the start
// of its validity (10 years).
func NewDevelopmentSeal(organization string, now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject: pkix.Name{CommonName: organization + " (development seal)", Organization: []string{organization},
			OrganizationalUnit: []string{devSealUnit}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		UnknownExtKeyUsage:    []asn1.ObjectIdentifier{oidEKUDocumentSigning},
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, nil, err
	}
	k, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: k}), nil
}

// prepared holds what every signature with one seal shares, computed once.
type prepared struct {
	seal   *Seal
	hash   crypto.Hash
	sigAlg pkix.AlgorithmIdentifier
	opts   crypto.SignerOpts
	sid    []byte // IssuerAndSerialNumber DER
	certs  []byte // the chain, DER SET OF content
	ess    []byte // signing-certificate-v2 attribute
	maxSig int    // upper bound of the signature value's length
}

func prepare(s *Seal) (*prepared, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	cert := s.Chain[0]
	p := &prepared{seal: s, hash: crypto.SHA256, opts: crypto.SHA256}
	null := asn1.RawValue{Tag: asn1.TagNull}
	switch k := s.Signer.Public().(type) {
	case *rsa.PublicKey:
		p.maxSig = (k.N.BitLen() + 7) / 8
		if s.PSS {
			p.opts = &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}
			p.sigAlg = pkix.AlgorithmIdentifier{Algorithm: oidRSAPSS, Parameters: asn1.RawValue{FullBytes: pssParams(crypto.SHA256)}}
		} else {
			p.sigAlg = pkix.AlgorithmIdentifier{Algorithm: oidSHA256WithRSA, Parameters: null}
		}
	case *ecdsa.PublicKey:
		p.maxSig = 2*((k.Curve.Params().BitSize+7)/8) + 9
		p.sigAlg = pkix.AlgorithmIdentifier{Algorithm: oidECDSAWithSHA256}
		if k.Curve == elliptic.P384() {
			p.hash, p.opts = crypto.SHA384, crypto.SHA384
			p.sigAlg.Algorithm = oidECDSAWithSHA384
		}
	}
	p.sid = mustMarshal(issuerAndSerial{Issuer: asn1.RawValue{FullBytes: cert.RawIssuer}, Serial: cert.SerialNumber})
	var ders [][]byte
	for _, c := range s.Chain {
		ders = append(ders, c.Raw)
	}
	p.certs = derSet(ders)
	p.ess = essAttribute(cert)
	return p, nil
}

type pssParameters struct {
	Hash         pkix.AlgorithmIdentifier `asn1:"explicit,tag:0"`
	MGF          pkix.AlgorithmIdentifier `asn1:"explicit,tag:1"`
	SaltLength   int                      `asn1:"explicit,tag:2"`
	TrailerField int                      `asn1:"optional,explicit,tag:3,default:1"`
}

func pssParams(h crypto.Hash) []byte {
	halg := pkix.AlgorithmIdentifier{Algorithm: digestOID(h), Parameters: asn1.NullRawValue}
	return mustMarshal(pssParameters{
		Hash:         halg,
		MGF:          pkix.AlgorithmIdentifier{Algorithm: oidMGF1, Parameters: asn1.RawValue{FullBytes: mustMarshal(halg)}},
		SaltLength:   h.Size(),
		TrailerField: 1,
	})
}
