package main

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"akte/internal/fsutil"
)

type keysNewOptions struct {
	out, name, org, country, keyType string
}

func cmdKeys(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"keys needs a subcommand: new or show"}
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprint(stdout, keysHelp)
		return nil
	case "new":
		var o keysNewOptions
		fs := newFlagSet(g, "keys new", "keys new --name NAME [--org ORG] [--country DE] [--type p256|p384|rsa3072|rsa2048] [--out DIR]", stderr)
		fs.StringVar(&o.out, "out", ".", "write seal.key and seal.csr into `DIR`")
		fs.StringVar(&o.name, "name", "", "the seal's common name, e.g. \"Stadt Musterstadt – Bürgeramt\"")
		fs.StringVar(&o.org, "org", "", "organization (the authority)")
		fs.StringVar(&o.country, "country", "DE", "two-letter country code")
		fs.StringVar(&o.keyType, "type", "p256", "key type: p256, p384, rsa3072 or rsa2048")
		pos, err := parseArgs(fs, args[1:])
		if err != nil {
			return err
		}
		if len(pos) != 0 || o.name == "" {
			return usageError{"keys new takes no arguments and needs --name"}
		}
		return runKeysNew(o, stdout)
	case "show":
		fs := newFlagSet(g, "keys show", "keys show", stderr)
		if _, err := parseArgs(fs, args[1:]); err != nil {
			return err
		}
		return runKeysShow(g, stdout, stderr)
	}
	return usageError{"keys needs a subcommand: new or show"}
}

const keysHelp = `Usage:
  akte keys new --name NAME [--org ORG] [--type p256|p384|rsa3072|rsa2048] [--out DIR]
      create a private key (seal.key, mode 0600) and a certificate signing
      request (seal.csr) for the authority's seal; send the CSR to your CA
      and configure seal.cert (the issued chain) and seal.key.
  akte keys show
      show the active seal: subject, issuer, validity, key, fingerprint,
      and whether it is the self-signed development seal.
`

func newKey(kind string) (crypto.Signer, error) {
	switch kind {
	case "p256":
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "p384":
		return ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case "rsa3072":
		return rsa.GenerateKey(rand.Reader, 3072)
	case "rsa2048":
		return rsa.GenerateKey(rand.Reader, 2048)
	}
	return nil, usageError{fmt.Sprintf("unknown key type %q: p256, p384, rsa3072 or rsa2048", kind)}
}

var oidDocumentSigning = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 36}

func runKeysNew(o keysNewOptions, stdout io.Writer) error {
	key, err := newKey(o.keyType)
	if err != nil {
		return err
	}
	subject := pkix.Name{CommonName: o.name}
	if o.org != "" {
		subject.Organization = []string{o.org}
	}
	if o.country != "" {
		subject.Country = []string{o.country}
	}
	// Ask for what a seal needs: digitalSignature + nonRepudiation, and the
	// RFC 9336 document-signing extended key usage.
	ku, err := asn1.Marshal(asn1.BitString{Bytes: []byte{0b1100_0000}, BitLength: 2})
	if err != nil {
		return err
	}
	eku, err := asn1.Marshal([]asn1.ObjectIdentifier{oidDocumentSigning})
	if err != nil {
		return err
	}
	csr, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: subject,
		ExtraExtensions: []pkix.Extension{
			{Id: asn1.ObjectIdentifier{2, 5, 29, 15}, Critical: true, Value: ku},
			{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Value: eku},
		},
	}, key)
	if err != nil {
		return fmt.Errorf("create csr: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.out, 0o700); err != nil {
		return err
	}
	keyFile, csrFile := filepath.Join(o.out, "seal.key"), filepath.Join(o.out, "seal.csr")
	if err := fsutil.WriteNew(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return fmt.Errorf("write key (never overwritten): %w", err)
	}
	if err := fsutil.WriteNew(csrFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csr}), 0o644); err != nil {
		return fmt.Errorf("write csr: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s (private key, keep it safe) and %s\n", keyFile, csrFile)
	fmt.Fprintf(stdout, "next: send %s to your CA, then configure\n  seal:\n    cert: <the issued chain, PEM>\n    key: %s\n", csrFile, keyFile)
	return nil
}

type sealView struct {
	Subject     string    `json:"subject"`
	Issuer      string    `json:"issuer"`
	Serial      string    `json:"serial"`
	Key         string    `json:"key"`
	NotBefore   time.Time `json:"not_before"`
	NotAfter    time.Time `json:"not_after"`
	SHA256      string    `json:"sha256"`
	Chain       int       `json:"chain"`
	Development bool      `json:"development"`
	Level       string    `json:"level"`
	TSA         string    `json:"tsa,omitempty"`
}

func runKeysShow(g *globals, stdout, stderr io.Writer) error {
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	seal, err := loadSeal(cfg, newLogger(stderr, g.json), time.Now())
	if err != nil {
		return err
	}
	c := seal.Certificate()
	fp := sha256.Sum256(c.Raw)
	v := sealView{Subject: c.Subject.String(), Issuer: c.Issuer.String(), Serial: fmt.Sprintf("%X", c.SerialNumber),
		Key: keyName(c.PublicKey, seal.PSS), NotBefore: c.NotBefore, NotAfter: c.NotAfter, SHA256: fmt.Sprintf("%X", fp),
		Chain: len(seal.Chain), Development: seal.Development(), Level: "B-B", TSA: cfg.TSA.URL}
	if cfg.TSA.URL != "" {
		v.Level = "B-T"
	}
	if g.json {
		return writeJSON(stdout, v)
	}
	fmt.Fprintf(stdout, "subject:     %s\nissuer:      %s\nserial:      %s\nkey:         %s\nvalid:       %s – %s\nsha256:      %s\nchain:       %d certificate(s)\nlevel:       PAdES %s\n",
		v.Subject, v.Issuer, v.Serial, v.Key, v.NotBefore.Format(time.DateOnly), v.NotAfter.Format(time.DateOnly), v.SHA256, v.Chain, v.Level)
	if v.TSA != "" {
		fmt.Fprintf(stdout, "tsa:         %s\n", v.TSA)
	}
	if v.Development {
		fmt.Fprintln(stdout, "WARNING:     this is the self-signed DEVELOPMENT seal — not a real seal. Create a key with 'akte keys new'.")
	}
	return nil
}

func keyName(pub crypto.PublicKey, pss bool) string {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if pss {
			return fmt.Sprintf("RSA-%d (PSS)", k.N.BitLen())
		}
		return fmt.Sprintf("RSA-%d", k.N.BitLen())
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name
	}
	return fmt.Sprintf("%T", pub)
}
