package main

import (
	"fmt"
	"strings"
	"testing"

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
  classes: [building-permit]
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
		cfg.Ingest.MaxBytes != 2048 || string(cfg.Store.S3.SecretKey) != "very-secret" || !cfg.Store.S3.Secure {
		t.Fatalf("loaded %+v", cfg)
	}
	if cl := cfg.classes(); cl[len(cl)-1] != "building-permit" {
		t.Fatalf("classes %v", cl)
	}
	for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg)} {
		if strings.Contains(s, "very-secret") {
			t.Fatalf("secret printed: %s", s)
		}
	}
}

func TestConfigValidateNamesField(t *testing.T) {
	cases := map[string]string{
		"ingest:\n  max_bytes: -1\n":        "ingest.max_bytes",
		"store:\n  mode: FOREVER\n":         "store.mode",
		"listen: nowhere\n":                 "listen",
		"ingest:\n  classes: [Bad Class]\n": "ingest.classes",
		"store:\n  backend: s3\n":           "store.s3",
		"data: ''\n":                        "data",
	}
	for yaml, field := range cases {
		cfg := Default()
		if err := cfg.Load(strings.NewReader(yaml)); err != nil {
			t.Fatalf("%q: %v", yaml, err)
		}
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("%q: got %v, want an error naming %s", yaml, err, field)
		}
	}
	env := map[string]string{"AKTE_S3_SECURE": "maybe"}
	cfg := Default()
	if err := cfg.ApplyEnv(func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "AKTE_S3_SECURE") {
		t.Fatalf("bad bool env: %v", err)
	}
}
