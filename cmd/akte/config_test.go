package main

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"akte/archive/store"
)

func TestConfigLoadEnvValidate(t *testing.T) {
	cfg := Default()
	err := cfg.Load(strings.NewReader(`
data: /srv/akte
listen: 0.0.0.0:9000
store:
  backend: s3
  mode: GOVERNANCE
  s3:
    endpoint: s3.example.org
    bucket: akte-musterstadt
    access_key: AK
    secret_key: very-secret
ingest:
  max_bytes: 1000
retention:
  sweep_interval: 15m
  rolling_lock: P2Y
seal:
  pkcs12: /etc/akte/seal.p12
  password: very-secret-too
`))
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"AKTE_S3_BUCKET": "akte-other", "AKTE_MAX_BYTES": "2048"}
	if err := cfg.ApplyEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.Data != "/srv/akte" || cfg.Store.Mode != store.Governance || cfg.Store.S3.Bucket != "akte-other" ||
		cfg.Ingest.MaxBytes != 2048 || string(cfg.Store.S3.SecretKey) != "very-secret" || !cfg.Store.S3.Secure ||
		string(cfg.Seal.Password) != "very-secret-too" {
		t.Fatalf("loaded %+v", cfg)
	}
	if cfg.Retention.SweepInterval != 15*time.Minute || cfg.Retention.RollingLock != "P2Y" {
		t.Fatalf("retention %+v", cfg.Retention)
	}
	asYAML, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), string(asYAML)} {
		if strings.Contains(s, "very-secret") {
			t.Fatalf("secret printed: %s", s)
		}
	}
}

func TestConfigValidateNamesField(t *testing.T) {
	cases := map[string]string{
		"ingest:\n  max_bytes: -1\n":         "ingest.max_bytes",
		"store:\n  mode: FOREVER\n":          "store.mode",
		"listen: nowhere\n":                  "listen",
		"retention:\n  rolling_lock: 1y\n":   "retention.rolling_lock",
		"store:\n  backend: s3\n":            "store.s3",
		"data: ''\n":                         "data",
		"seal:\n  cert: c.pem\n":             "seal.key",
		"seal:\n  pkcs12: s.p12\n  key: k\n": "seal",
		"tsa:\n  url: ftp://tsa\n":           "tsa.url",
		"tsa:\n  timeout: 0s\n":              "tsa.timeout",
		"tsa:\n  retries: 11\n":              "tsa.retries",
		"ocr:\n  mode: sometimes\n":          "ocr.mode",
		"ocr:\n  page_timeout: 0s\n":         "ocr.page_timeout",
	}
	for in, field := range cases {
		cfg := Default()
		if err := cfg.Load(strings.NewReader(in)); err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("%q: got %v, want an error naming %s", in, err, field)
		}
	}
	env := map[string]string{"AKTE_S3_SECURE": "maybe"}
	cfg := Default()
	if err := cfg.ApplyEnv(func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "AKTE_S3_SECURE") {
		t.Fatalf("bad bool env: %v", err)
	}
}

// The ocr section reaches the OCR options: languages, timeout, rotation;
// mode off means no OCR at all.
func TestConfigOCROptions(t *testing.T) {
	cfg := Default()
	if err := cfg.Load(strings.NewReader("ocr:\n  mode: \"on\"\n  languages: deu\n  page_timeout: 30s\n  rotate: true\n")); err != nil {
		t.Fatal(err)
	}
	o := ocrOptions(cfg.OCR, newLogger(io.Discard, false))
	if o == nil || o.Languages != "deu" || o.Timeout != 30*time.Second || !o.Rotate {
		t.Fatalf("options %+v", o)
	}
	if Default().OCR.Rotate {
		t.Error("rotation on by default")
	}
	cfg.OCR.Mode = "off"
	if o := ocrOptions(cfg.OCR, newLogger(io.Discard, false)); o != nil {
		t.Errorf("mode off gave %+v", o)
	}
}
