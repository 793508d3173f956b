package signing

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
	"slices"
)

// CMS SignedData (RFC 5652) as PAdES baseline wants it: detached, exactly
// one SignerInfo identified by issuer and serial, signed attributes
// content-type, message-digest and ESS signing-certificate-v2 (RFC 5035),
// no signing-time; the RFC 3161 signature timestamp as an unsigned
// attribute. Built with encoding/asn1 so nothing is added behind our back.

var (
	oidData                 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSignedData           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidAttrContentType      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidAttrMessageDigest    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidAttrSigningTime      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidAttrSigningCertV2    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
	oidAttrTimeStampToken   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}
	oidSHA256               = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384               = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512               = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
	oidRSAEncryption        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidSHA256WithRSA        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	oidSHA384WithRSA        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}
	oidSHA512WithRSA        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}
	oidRSAPSS               = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
	oidMGF1                 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 8}
	oidECDSAWithSHA256      = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	oidECDSAWithSHA384      = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}
	oidECDSAWithSHA512      = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}
	oidEKUDocumentSigning   = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 36}
	oidEKUAdobeAuthenticDoc = asn1.ObjectIdentifier{1, 2, 840, 113583, 1, 1, 5}
)

type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"explicit,tag:0"` // written by hand: the RawValue is the [0] element
}

type signedData struct {
	Version          int
	DigestAlgorithms []pkix.AlgorithmIdentifier `asn1:"set"`
	EncapContentInfo encapContentInfo
	Certificates     asn1.RawValue `asn1:"optional,tag:0"`
	CRLs             asn1.RawValue `asn1:"optional,tag:1"`
	SignerInfos      []signerInfo  `asn1:"set"`
}

type encapContentInfo struct {
	EContentType asn1.ObjectIdentifier
	EContent     asn1.RawValue `asn1:"optional,explicit,tag:0"`
}

type signerInfo struct {
	Version            int
	SID                asn1.RawValue // IssuerAndSerialNumber (version 1) or [0] SubjectKeyIdentifier (version 3)
	DigestAlgorithm    pkix.AlgorithmIdentifier
	SignedAttrs        asn1.RawValue `asn1:"optional,tag:0"`
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          []byte
	UnsignedAttrs      asn1.RawValue `asn1:"optional,tag:1"`
}

type issuerAndSerial struct {
	Issuer asn1.RawValue
	Serial *big.Int
}

type attribute struct {
	Type   asn1.ObjectIdentifier
	Values asn1.RawValue // the SET OF values, kept raw
}

type essCertIDv2 struct {
	HashAlgorithm pkix.AlgorithmIdentifier `asn1:"optional"` // absent = SHA-256
	CertHash      []byte
	IssuerSerial  essIssuerSerial `asn1:"optional"`
}

type essIssuerSerial struct {
	Issuer asn1.RawValue // GeneralNames
	Serial *big.Int
}

type signingCertificateV2 struct {
	Certs []essCertIDv2
}

// digestOID names h for CMS.
func digestOID(h crypto.Hash) asn1.ObjectIdentifier {
	switch h {
	case crypto.SHA384:
		return oidSHA384
	case crypto.SHA512:
		return oidSHA512
	}
	return oidSHA256
}

func hashFromOID(o asn1.ObjectIdentifier) (crypto.Hash, bool) {
	switch {
	case o.Equal(oidSHA256):
		return crypto.SHA256, true
	case o.Equal(oidSHA384):
		return crypto.SHA384, true
	case o.Equal(oidSHA512):
		return crypto.SHA512, true
	}
	return 0, false
}

func derSet(elems [][]byte) []byte {
	// DER: the elements of a SET OF in ascending order of their encodings.
	slices.SortFunc(elems, bytes.Compare)
	return bytes.Join(elems, nil)
}

func mustMarshal(v any) []byte {
	b, err := asn1.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("signing: marshal %T: %v", v, err)) // our own fixed structures: a bug
	}
	return b
}

func makeAttribute(oid asn1.ObjectIdentifier, value []byte) []byte {
	return mustMarshal(attribute{Type: oid, Values: asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: value}})
}

// essAttribute is the signing-certificate-v2 attribute for cert.
func essAttribute(cert *x509.Certificate) []byte {
	h := crypto.SHA256.New()
	h.Write(cert.Raw)
	dirName := asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 4, IsCompound: true, Bytes: cert.RawIssuer}
	generalNames := asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSequence, IsCompound: true, Bytes: mustMarshal(dirName)}
	v := signingCertificateV2{Certs: []essCertIDv2{{
		CertHash:     h.Sum(nil),
		IssuerSerial: essIssuerSerial{Issuer: generalNames, Serial: cert.SerialNumber},
	}}}
	return makeAttribute(oidAttrSigningCertV2, mustMarshal(v))
}

// signedAttrs returns the attributes as the DER SET that is signed and the
// same content for the [0] IMPLICIT field of the SignerInfo.
func signedAttrs(ess []byte, digest []byte) (set []byte, content []byte) {
	content = derSet([][]byte{
		makeAttribute(oidAttrContentType, mustMarshal(oidData)),
		makeAttribute(oidAttrMessageDigest, mustMarshal(digest)),
		ess,
	})
	set = mustMarshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: content})
	return set, content
}

// assembleCMS builds the ContentInfo for one signer.
func assembleCMS(p *prepared, attrs []byte, sig []byte, timestampToken []byte) []byte {
	si := signerInfo{
		Version:            1,
		SID:                asn1.RawValue{FullBytes: p.sid},
		DigestAlgorithm:    pkix.AlgorithmIdentifier{Algorithm: digestOID(p.hash)},
		SignedAttrs:        asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: attrs},
		SignatureAlgorithm: p.sigAlg,
		Signature:          sig,
	}
	if timestampToken != nil {
		si.UnsignedAttrs = asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 1, IsCompound: true,
			Bytes: makeAttribute(oidAttrTimeStampToken, timestampToken)}
	}
	sd := signedData{
		Version:          1,
		DigestAlgorithms: []pkix.AlgorithmIdentifier{{Algorithm: digestOID(p.hash)}},
		EncapContentInfo: encapContentInfo{EContentType: oidData},
		Certificates:     asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: p.certs},
		SignerInfos:      []signerInfo{si},
	}
	return mustMarshal(contentInfo{ContentType: oidSignedData,
		Content: asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: mustMarshal(sd)}})
}

// parsedCMS is a SignedData read back for verification.
type parsedCMS struct {
	sd    signedData
	certs []*x509.Certificate
}

func parseCMS(der []byte) (*parsedCMS, error) {
	var ci contentInfo
	rest, err := asn1.Unmarshal(der, &ci)
	if err != nil {
		return nil, fmt.Errorf("parse cms: %w", err)
	}
	// /Contents is zero-padded after the DER.
	if len(bytes.TrimRight(rest, "\x00")) != 0 {
		return nil, fmt.Errorf("parse cms: data after the signature")
	}
	if !ci.ContentType.Equal(oidSignedData) {
		return nil, fmt.Errorf("parse cms: content type %v is not signed-data", ci.ContentType)
	}
	var p parsedCMS
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &p.sd); err != nil {
		return nil, fmt.Errorf("parse cms signed-data: %w", err)
	}
	if len(p.sd.Certificates.Bytes) > 0 {
		p.certs, err = x509.ParseCertificates(p.sd.Certificates.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse cms certificates: %w", err)
		}
	}
	return &p, nil
}

// attributes splits a [0]/[1] attribute block.
func attributes(block []byte) (map[string][]asn1.RawValue, error) {
	out := map[string][]asn1.RawValue{}
	for len(block) > 0 {
		var a attribute
		rest, err := asn1.Unmarshal(block, &a)
		if err != nil {
			return nil, fmt.Errorf("parse cms attribute: %w", err)
		}
		block = rest
		var vals []asn1.RawValue
		inner := a.Values.Bytes
		for len(inner) > 0 {
			var v asn1.RawValue
			r, err := asn1.Unmarshal(inner, &v)
			if err != nil {
				return nil, fmt.Errorf("parse cms attribute value: %w", err)
			}
			vals = append(vals, v)
			inner = r
		}
		out[a.Type.String()] = append(out[a.Type.String()], vals...)
	}
	return out, nil
}
