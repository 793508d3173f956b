package main

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"akte/internal/fsutil"
	"akte/signing"
)

// Where the embedded default keeps its development seal.
func devSealPaths(data string) (cert, key string) {
	dir := filepath.Join(data, "seal")
	return filepath.Join(dir, "development-seal.pem"), filepath.Join(dir, "development-seal.key")
}

// loadSeal reads the configured seal, or creates (once) and reads the
// development seal. Every start with a development seal warns.
func loadSeal(cfg *Config, log *slog.Logger, now time.Time) (*signing.Seal, error) {
	var s *signing.Seal
	var err error
	switch {
	case cfg.Seal.PKCS12 != "":
		b, rerr := os.ReadFile(cfg.Seal.PKCS12)
		if rerr != nil {
			return nil, configError{fmt.Errorf("config seal.pkcs12: %w", rerr)}
		}
		s, err = signing.LoadPKCS12(b, string(cfg.Seal.Password))
	case cfg.Seal.Cert != "":
		c, cerr := os.ReadFile(cfg.Seal.Cert)
		k, kerr := os.ReadFile(cfg.Seal.Key)
		if err := errors.Join(cerr, kerr); err != nil {
			return nil, configError{fmt.Errorf("config seal: %w", err)}
		}
		s, err = signing.LoadPEM(c, k)
	default:
		s, err = developmentSeal(cfg, now)
	}
	if err != nil {
		return nil, configError{fmt.Errorf("config seal: %w", err)}
	}
	s.PSS = cfg.Seal.PSS
	if s.Development() {
		log.Warn("sealing with a self-signed DEVELOPMENT seal: not a real seal, worthless as evidence; configure seal.pkcs12 or seal.cert/seal.key",
			"subject", s.Certificate().Subject.String())
	}
	if na := s.Certificate().NotAfter; now.After(na) {
		return nil, configError{fmt.Errorf("config seal: the seal certificate expired on %s", na.Format(time.DateOnly))}
	} else if now.Add(30 * 24 * time.Hour).After(na) {
		log.Warn("the seal certificate expires soon", "not_after", na)
	}
	return s, nil
}

func developmentSeal(cfg *Config, now time.Time) (*signing.Seal, error) {
	certFile, keyFile := devSealPaths(cfg.Data)
	c, cerr := os.ReadFile(certFile)
	k, kerr := os.ReadFile(keyFile)
	if errors.Is(cerr, fs.ErrNotExist) && errors.Is(kerr, fs.ErrNotExist) {
		var err error
		c, k, err = signing.NewDevelopmentSeal(cfg.Seal.Organization, now)
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(certFile), 0o700); err != nil {
			return nil, err
		}
		if err := fsutil.WriteNew(keyFile, k, 0o600); err != nil {
			return nil, err
		}
		if err := fsutil.WriteNew(certFile, c, 0o644); err != nil {
			return nil, err
		}
	} else if err := errors.Join(cerr, kerr); err != nil {
		return nil, fmt.Errorf("development seal: %w", err)
	}
	return signing.LoadPEM(c, k)
}

// sealer builds the Sealer and the configured trust anchors; without
// seal.trust_roots, archive.Open trusts the root of the seal's own chain.
func sealer(cfg *Config, seal *signing.Seal) (*signing.Sealer, signing.Trust, error) {
	opts := signing.Options{Seal: seal, Reason: cfg.Seal.Reason, Location: cfg.Seal.Location}
	if cfg.Seal.Visible {
		opts.Visible = &signing.Appearance{}
	}
	if cfg.TSA.URL != "" {
		retries := cfg.TSA.Retries
		if retries == 0 {
			retries = -1
		}
		opts.TSA = &signing.TSA{URL: cfg.TSA.URL, Timeout: cfg.TSA.Timeout, Retries: retries}
	}
	s, err := signing.NewSealer(opts)
	if err != nil {
		return nil, signing.Trust{}, configError{fmt.Errorf("config seal: %w", err)}
	}
	var trust signing.Trust
	if trust.Roots, err = certPool("seal.trust_roots", cfg.Seal.TrustRoots); err != nil {
		return nil, trust, err
	}
	if trust.TSARoots, err = certPool("tsa.trust_roots", cfg.TSA.TrustRoots); err != nil {
		return nil, trust, err
	}
	return s, trust, nil
}

// certPool reads PEM certificate files; nil when none are named.
func certPool(field string, files []string) (*x509.CertPool, error) {
	if len(files) == 0 {
		return nil, nil
	}
	pool := x509.NewCertPool()
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, configError{fmt.Errorf("config %s: %w", field, err)}
		}
		n := 0
		for rest := b; ; {
			var blk *pem.Block
			blk, rest = pem.Decode(rest)
			if blk == nil {
				break
			}
			c, err := x509.ParseCertificate(blk.Bytes)
			if err != nil {
				return nil, configError{fmt.Errorf("config %s: %s: %w", field, f, err)}
			}
			pool.AddCert(c)
			n++
		}
		if n == 0 {
			return nil, configError{fmt.Errorf("config %s: %s holds no PEM certificate", field, f)}
		}
	}
	return pool, nil
}
