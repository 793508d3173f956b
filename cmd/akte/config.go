package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"akte/retention"

	"akte/archive/store"
	"akte/archive/store/s3store"
)

// Config is Akte's one typed configuration: Default(), then a YAML file,
// then AKTE_* environment overrides, then Validate().
type Config struct {
	// Data is the data directory: catalog, audit log, and (for the file
	// backend) the store.
	Data   string       `yaml:"data"`
	Listen string       `yaml:"listen"`
	Server ServerConfig `yaml:"server"`
	Store  StoreConfig  `yaml:"store"`
	Ingest struct {
		MaxBytes int64 `yaml:"max_bytes"`
	} `yaml:"ingest"`
	Retention RetentionConfig `yaml:"retention"`
	Audit     struct {
		SealEvery    int           `yaml:"seal_every"`
		SealInterval time.Duration `yaml:"seal_interval"`
	} `yaml:"audit"`
	Seal SealConfig `yaml:"seal"`
	TSA  TSAConfig  `yaml:"tsa"`
	OCR  OCRConfig  `yaml:"ocr"`
}

// OCRConfig: text recognition of scans (tesseract).
type OCRConfig struct {
	// Mode: "auto" (default) recognises scans when tesseract is installed
	// and archives them without text otherwise (saying so at start); "on"
	// refuses to archive a scan it cannot recognise (retry later); "off".
	Mode        string        `yaml:"mode"`
	Languages   string        `yaml:"languages"`    // tesseract models; default deu+eng
	PageTimeout time.Duration `yaml:"page_timeout"` // per page; default 2m
	// Rotate: detect pages scanned sideways or upside down (tesseract
	// osd) and turn them upright; about 1 CPU s more per page. Default off.
	Rotate bool `yaml:"rotate"`
}

// ServerConfig: akte serve's TLS, limits and timeouts.
type ServerConfig struct {
	// TLSCert and TLSKey are PEM files; with both the server speaks HTTPS
	// only (and session cookies are Secure, __Host-).
	TLSCert string `yaml:"tls_cert"`
	TLSKey  string `yaml:"tls_key"`
	// RateLimit is the requests per second one client (an authenticated
	// principal, else an IP address) may send, RateBurst how many at once;
	// rate_limit 0 turns the limit off.
	RateLimit float64 `yaml:"rate_limit"`
	RateBurst int     `yaml:"rate_burst"`
	// Timeouts of net/http.Server. ReadTimeout covers reading a whole
	// request, so it is sized for the largest upload over a slow line;
	// WriteTimeout covers handling and answering it (an OCR'd scan).
	ReadHeaderTimeout time.Duration `yaml:"read_header_timeout"`
	ReadTimeout       time.Duration `yaml:"read_timeout"`
	WriteTimeout      time.Duration `yaml:"write_timeout"`
	IdleTimeout       time.Duration `yaml:"idle_timeout"`
	// ShutdownDrain is how long /readyz answers 503 before the listener
	// closes (for a load balancer to notice); ShutdownGrace how long
	// requests in flight, then a running sweep, may take to finish.
	ShutdownDrain time.Duration `yaml:"shutdown_drain"`
	ShutdownGrace time.Duration `yaml:"shutdown_grace"`
}

// RetentionConfig: the schedule and the sweeper.
type RetentionConfig struct {
	// Schedule is the Aktenplan YAML file; empty means the shipped example
	// (print it with `akte retention schedule`). Its classes are the
	// classes Akte accepts.
	Schedule string `yaml:"schedule"`
	// RollingLock (ISO 8601) is how far ahead a version is locked while its
	// earliest disposal date is not yet known.
	RollingLock string `yaml:"rolling_lock"`
	// SweepInterval is how often `akte serve` sweeps; 0 turns it off.
	SweepInterval time.Duration `yaml:"sweep_interval"`
	// CertificateLockYears: how long disposal certificates stay locked.
	CertificateLockYears int `yaml:"certificate_lock_years"`
}

// SealConfig names the authority's seal: a PKCS #12 file, or PEM
// certificate and key files. With neither, a self-signed development seal
// is created under the data directory (and every start warns about it).
type SealConfig struct {
	PKCS12   string         `yaml:"pkcs12"`
	Password s3store.Secret `yaml:"password"` // of the PKCS #12 file; env AKTE_SEAL_PASSWORD
	Cert     string         `yaml:"cert"`     // PEM chain, signer first or in any order
	Key      string         `yaml:"key"`      // PEM private key
	PSS      bool           `yaml:"pss"`      // RSA keys: RSASSA-PSS instead of PKCS #1 v1.5
	// Organization names the authority in a development seal.
	Organization string `yaml:"organization"`
	Reason       string `yaml:"reason"`
	Location     string `yaml:"location"`
	Visible      bool   `yaml:"visible"` // draw the seal on the first page
	// TrustRoots are PEM files of the roots seals must chain to (default:
	// the root of the seal's own chain).
	TrustRoots []string `yaml:"trust_roots"`
}

// TSAConfig enables PAdES B-T timestamps.
type TSAConfig struct {
	URL     string        `yaml:"url"`
	Timeout time.Duration `yaml:"timeout"`
	Retries int           `yaml:"retries"`
	// TrustRoots anchor the TSA's certificate (default: the seal's roots).
	TrustRoots []string `yaml:"trust_roots"`
}

// StoreConfig chooses and configures the backend.
type StoreConfig struct {
	Backend string     `yaml:"backend"` // "file" (default) or "s3"
	Mode    store.Mode `yaml:"mode"`    // COMPLIANCE (default) or GOVERNANCE
	S3      S3Config   `yaml:"s3"`
}

// S3Config mirrors s3store.Config in YAML.
type S3Config struct {
	Endpoint     string         `yaml:"endpoint"`
	Bucket       string         `yaml:"bucket"`
	Region       string         `yaml:"region"`
	AccessKey    string         `yaml:"access_key"`
	SecretKey    s3store.Secret `yaml:"secret_key"`
	Secure       bool           `yaml:"secure"`
	CreateBucket bool           `yaml:"create_bucket"`
}

// Default is the embedded default: ./akte-data with the file backend.
func Default() Config {
	var c Config
	c.Data = "./akte-data"
	c.Listen = "127.0.0.1:8080"
	c.Store.Backend = "file"
	c.Store.Mode = store.Compliance
	c.Store.S3.Secure = true
	c.Ingest.MaxBytes = 64 << 20
	c.Server.RateLimit = 50
	c.Server.RateBurst = 100
	c.Server.ReadHeaderTimeout = 10 * time.Second
	c.Server.ReadTimeout = 15 * time.Minute // 64 MiB at 75 KB/s
	c.Server.WriteTimeout = 15 * time.Minute
	c.Server.IdleTimeout = 2 * time.Minute
	c.Server.ShutdownDrain = time.Second
	c.Server.ShutdownGrace = time.Minute
	c.Retention.RollingLock = "P1Y"
	c.Retention.SweepInterval = time.Hour
	c.Retention.CertificateLockYears = 30
	c.Seal.Organization = "Akte"
	c.Seal.Reason = "Archivierung"
	c.TSA.Timeout = 10 * time.Second
	c.TSA.Retries = 2
	c.OCR.Mode = "auto"
	c.OCR.Languages = "deu+eng"
	c.OCR.PageTimeout = 2 * time.Minute
	return c
}

// Load reads YAML over c. Unknown fields are an error naming the field.
func (c *Config) Load(r io.Reader) error {
	b, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return fmt.Errorf("read config: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("parse config: %w", err)
	}
	return nil
}

// ApplyEnv applies AKTE_* overrides read through getenv.
func (c *Config) ApplyEnv(getenv func(string) string) error {
	str := map[string]*string{
		"AKTE_DATA": &c.Data, "AKTE_LISTEN": &c.Listen, "AKTE_STORE": &c.Store.Backend,
		"AKTE_S3_ENDPOINT": &c.Store.S3.Endpoint, "AKTE_S3_BUCKET": &c.Store.S3.Bucket,
		"AKTE_S3_REGION": &c.Store.S3.Region, "AKTE_S3_ACCESS_KEY": &c.Store.S3.AccessKey,
		"AKTE_SEAL_PKCS12": &c.Seal.PKCS12, "AKTE_SEAL_CERT": &c.Seal.Cert, "AKTE_SEAL_KEY": &c.Seal.Key,
		"AKTE_TSA_URL": &c.TSA.URL, "AKTE_OCR": &c.OCR.Mode,
	}
	for name, p := range str {
		if v := getenv(name); v != "" {
			*p = v
		}
	}
	if v := getenv("AKTE_SEAL_PASSWORD"); v != "" {
		c.Seal.Password = s3store.Secret(v)
	}
	if v := getenv("AKTE_S3_SECRET_KEY"); v != "" {
		c.Store.S3.SecretKey = s3store.Secret(v)
	}
	if v := getenv("AKTE_STORE_MODE"); v != "" {
		c.Store.Mode = store.Mode(strings.ToUpper(v))
	}
	bools := map[string]*bool{"AKTE_S3_SECURE": &c.Store.S3.Secure, "AKTE_S3_CREATE_BUCKET": &c.Store.S3.CreateBucket}
	for name, p := range bools {
		if v := getenv(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("%s=%q: want true or false", name, v)
			}
			*p = b
		}
	}
	if v := getenv("AKTE_MAX_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("AKTE_MAX_BYTES=%q: want a number of bytes", v)
		}
		c.Ingest.MaxBytes = n
	}
	return nil
}

// Validate names the first bad field.
func (c *Config) Validate() error {
	switch {
	case c.Data == "":
		return errors.New("config data: must name a directory")
	case c.OCR.Mode != "auto" && c.OCR.Mode != "on" && c.OCR.Mode != "off":
		return fmt.Errorf("config ocr.mode: %q must be auto, on or off", c.OCR.Mode)
	case c.OCR.PageTimeout <= 0:
		return fmt.Errorf("config ocr.page_timeout: %v must be positive", c.OCR.PageTimeout)
	case c.Ingest.MaxBytes <= 0:
		return fmt.Errorf("config ingest.max_bytes: %d must be positive", c.Ingest.MaxBytes)
	case c.Retention.SweepInterval < 0:
		return fmt.Errorf("config retention.sweep_interval: %v must not be negative", c.Retention.SweepInterval)
	case c.Retention.CertificateLockYears < 1:
		return fmt.Errorf("config retention.certificate_lock_years: %d must be at least 1", c.Retention.CertificateLockYears)
	case !c.Store.Mode.Valid():
		return fmt.Errorf("config store.mode: %q must be COMPLIANCE or GOVERNANCE", c.Store.Mode)
	case (c.Server.TLSCert == "") != (c.Server.TLSKey == ""):
		return errors.New("config server.tls_cert, server.tls_key: both are needed")
	case c.Server.RateLimit < 0:
		return fmt.Errorf("config server.rate_limit: %g must not be negative", c.Server.RateLimit)
	case c.Server.RateBurst < 0:
		return fmt.Errorf("config server.rate_burst: %d must not be negative", c.Server.RateBurst)
	case c.Server.ShutdownDrain < 0:
		return fmt.Errorf("config server.shutdown_drain: %v must not be negative", c.Server.ShutdownDrain)
	}
	for name, d := range map[string]time.Duration{"read_header_timeout": c.Server.ReadHeaderTimeout,
		"read_timeout": c.Server.ReadTimeout, "write_timeout": c.Server.WriteTimeout,
		"idle_timeout": c.Server.IdleTimeout, "shutdown_grace": c.Server.ShutdownGrace} {
		if d <= 0 {
			return fmt.Errorf("config server.%s: %v must be positive", name, d)
		}
	}
	switch {
	case c.Seal.PKCS12 != "" && (c.Seal.Cert != "" || c.Seal.Key != ""):
		return errors.New("config seal: give either pkcs12 or cert and key, not both")
	case (c.Seal.Cert == "") != (c.Seal.Key == ""):
		return errors.New("config seal.cert, seal.key: both are needed")
	case c.TSA.URL != "" && !strings.HasPrefix(c.TSA.URL, "http://") && !strings.HasPrefix(c.TSA.URL, "https://"):
		return fmt.Errorf("config tsa.url: %q must be an http(s) URL", c.TSA.URL)
	case c.TSA.Timeout <= 0:
		return fmt.Errorf("config tsa.timeout: %v must be positive", c.TSA.Timeout)
	case c.TSA.Retries < 0 || c.TSA.Retries > 10:
		return fmt.Errorf("config tsa.retries: %d must be 0..10", c.TSA.Retries)
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return fmt.Errorf("config listen: %q must be host:port", c.Listen)
	}
	if p, err := retention.ParsePeriod(c.Retention.RollingLock); err != nil || p == (retention.Period{}) {
		return fmt.Errorf("config retention.rolling_lock: %q must be an ISO 8601 period such as P1Y", c.Retention.RollingLock)
	}
	switch c.Store.Backend {
	case "file":
	case "s3":
		if err := c.s3().Validate(); err != nil {
			return fmt.Errorf("config store.s3: %w", err)
		}
	default:
		return fmt.Errorf("config store.backend: %q must be file or s3", c.Store.Backend)
	}
	return nil
}

func (c *Config) s3() s3store.Config {
	s := c.Store.S3
	return s3store.Config{
		Endpoint: s.Endpoint, Bucket: s.Bucket, Region: s.Region, AccessKey: s.AccessKey, SecretKey: s.SecretKey,
		Secure: s.Secure, Mode: c.Store.Mode, CreateBucket: s.CreateBucket,
	}
}

// schedule reads the configured retention schedule (or the shipped
// example) and returns it with an ID of its content.
func (c *Config) schedule() (*retention.Schedule, string, error) {
	data, err := c.scheduleYAML()
	if err != nil {
		return nil, "", err
	}
	s, err := retention.Parse(data)
	if err != nil {
		return nil, "", configError{fmt.Errorf("retention schedule %s: %w", cmpOr(c.Retention.Schedule, "(shipped example)"), err)}
	}
	sum := sha256.Sum256(data)
	return s, hex.EncodeToString(sum[:8]), nil
}

// scheduleYAML reads the configured schedule file, or returns the shipped
// example when none is configured.
func (c *Config) scheduleYAML() ([]byte, error) {
	if c.Retention.Schedule == "" {
		return retention.DefaultYAML(), nil
	}
	b, err := os.ReadFile(c.Retention.Schedule)
	if err != nil {
		return nil, configError{fmt.Errorf("config retention.schedule: %w", err)}
	}
	return b, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
