package signing_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"akte/archive/archivetest"
	"akte/signing"
	"akte/signing/signingtest"
)

func TestLoadSeals(t *testing.T) {
	ca := signingtest.NewCA(t, "load")
	chain, key := ca.Issue(t, signingtest.LeafOptions{KeyType: signingtest.RSA2048})
	pfx, err := pkcs12.Modern.Encode(key, chain[0], chain[1:], "geheim")
	if err != nil {
		t.Fatal(err)
	}
	s, err := signing.LoadPKCS12(pfx, "geheim")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Chain) != 2 || !s.Certificate().Equal(chain[0]) || s.Development() {
		t.Errorf("pkcs12 seal: chain %d, dev %v", len(s.Chain), s.Development())
	}
	if _, err := signing.LoadPKCS12(pfx, "falsch"); !errors.Is(err, signing.ErrKey) {
		t.Errorf("wrong password: %v", err)
	}

	der, _ := x509.MarshalPKCS8PrivateKey(key)
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	var certPEM []byte
	for _, c := range []*x509.Certificate{chain[1], chain[0]} { // intermediate first: LoadPEM reorders
		certPEM = append(certPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	s, err = signing.LoadPEM(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Certificate().Equal(chain[0]) {
		t.Error("LoadPEM did not put the signer first")
	}
	other, _ := ca.Issue(t, signingtest.LeafOptions{})
	otherPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: other[0].Raw})
	if _, err := signing.LoadPEM(otherPEM, keyPEM); !errors.Is(err, signing.ErrKey) {
		t.Errorf("key of another certificate: %v", err)
	}
	if _, err := signing.LoadPEM(nil, keyPEM); !errors.Is(err, signing.ErrKey) {
		t.Errorf("no certificate: %v", err)
	}
}

func TestDevelopmentSeal(t *testing.T) {
	now := time.Now()
	certPEM, keyPEM, err := signing.NewDevelopmentSeal("Stadt Musterstadt", now)
	if err != nil {
		t.Fatal(err)
	}
	s, err := signing.LoadPEM(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Development() {
		t.Error("a development seal does not say so")
	}
	sealer, err := signing.NewSealer(signing.Options{Seal: s})
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := sealer.Sign(context.Background(), archivetest.MakePDFA(t, "Dev"), now)
	if err != nil {
		t.Fatal(err)
	}
	// Trusted only where it is configured as its own root.
	roots := x509.NewCertPool()
	roots.AddCert(s.Certificate())
	if rep, _ := signing.Verify(context.Background(), out, signing.Trust{Roots: roots}, now); !rep.Valid() {
		t.Errorf("dev seal with itself as root: %v", rep.Reasons())
	}
	if rep, _ := signing.Verify(context.Background(), out, signing.Trust{Roots: x509.NewCertPool()}, now); rep.Valid() {
		t.Error("dev seal trusted without being a root")
	}
}
