package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"akte/archive/archivetest"
)

// String returns what was written so far (syncBuffer: retention_test.go).
func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// served is a running `akte serve`.
type served struct {
	url    string
	stop   context.CancelFunc
	done   chan struct{} // closed when runServe returned err
	err    error
	stdout *syncBuffer
}

// startServe runs akte serve on a free loopback port with the config
// YAML (the data directory is c's) and waits for it to listen.
func startServe(t *testing.T, c cli, config string) *served {
	t.Helper()
	g := &globals{config: writeTemp(t, "akte.yaml", []byte(config)), getenv: func(k string) string { return c.env[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	s := &served{stop: cancel, done: make(chan struct{}), stdout: &syncBuffer{}}
	var stderr syncBuffer
	go func() {
		defer close(s.done)
		s.err = runServe(ctx, g, serveOptions{listen: "127.0.0.1:0"}, s.stdout, &stderr)
	}()
	re := regexp.MustCompile(`on (https?://[0-9.:]+) `)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := re.FindStringSubmatch(s.stdout.String()); m != nil {
			s.url = m[1]
			break
		}
		select {
		case <-s.done:
			t.Fatalf("serve ended at start: %v\n%s", s.err, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s", stderr.String())
		}
	}
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(time.Minute):
			t.Error("serve did not stop")
		}
	})
	return s
}

func newToken(t *testing.T, c cli, role string) string {
	t.Helper()
	r := c.run("users", "token", "add", "test-"+role, "--role", role)
	if r.code != 0 {
		t.Fatalf("token add: exit %d: %s", r.code, r.stderr)
	}
	return strings.TrimSpace(r.stdout)
}

// TestServeGracefulShutdown: an ingest in flight when the shutdown starts
// is finished, acknowledged and archived; meanwhile /readyz says 503 and,
// once draining ends, no new connection is taken.
func TestServeGracefulShutdown(t *testing.T) {
	c, _ := newCLI(t)
	token := newToken(t, c, "intake")
	s := startServe(t, c, "server:\n  shutdown_drain: 400ms\n  shutdown_grace: 30s\n")
	get := func(path string) (int, error) {
		resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Get(s.url + path)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	if code, err := get("/readyz"); err != nil || code != 200 {
		t.Fatalf("readyz before: %d %v", code, err)
	}
	pdf := archivetest.MakePDF("Bescheid", "waehrend des Herunterfahrens")
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", s.url+"/api/v1/records?citizen=P-77&class=tax", pr)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/pdf")
	req.ContentLength = int64(len(pdf))
	type answer struct {
		code int
		body []byte
		err  error
	}
	answered := make(chan answer, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- answer{err: err}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		answered <- answer{code: resp.StatusCode, body: b}
	}()
	pw.Write(pdf[:len(pdf)/2]) // the request is in the handler, reading its body

	s.stop() // SIGTERM
	sawNotReady := false
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		code, err := get("/readyz")
		if err == nil && code == http.StatusServiceUnavailable {
			sawNotReady = true
		}
		if err != nil { // the listener is closed: shutdown has begun
			break
		}
	}
	if !sawNotReady {
		t.Error("/readyz never answered 503 while draining")
	}
	if _, err := get("/healthz"); err == nil {
		t.Fatal("a new connection was served after the drain")
	}
	select {
	case <-s.done:
		t.Fatalf("serve ended with an ingest in flight: %v", s.err)
	default:
	}
	pw.Write(pdf[len(pdf)/2:])
	pw.Close()
	a := <-answered
	if a.err != nil || a.code != http.StatusCreated {
		t.Fatalf("ingest in flight: %d %v %s", a.code, a.err, a.body)
	}
	var res struct {
		Record struct{ ID string }
	}
	if err := json.Unmarshal(a.body, &res); err != nil || res.Record.ID == "" {
		t.Fatalf("ingest answer %s: %v", a.body, err)
	}
	if <-s.done; s.err != nil {
		t.Fatalf("serve: %v", s.err)
	}
	if !strings.Contains(s.stdout.String(), "akte: stopped") {
		t.Errorf("stdout: %s", s.stdout.String())
	}
	// The archive is closed; the record is there, whole.
	if r := c.run("verify", res.Record.ID); r.code != 0 {
		t.Fatalf("verify %s after shutdown: exit %d: %s%s", res.Record.ID, r.code, r.stdout, r.stderr)
	}
	if r := c.run("get", res.Record.ID, "--original", "--purpose", "test"); r.code != 0 || r.stdout != string(pdf) {
		t.Fatalf("get after shutdown: exit %d, %d bytes", r.code, len(r.stdout))
	}
}

// TestServeTLS: with server.tls_cert and tls_key the server speaks HTTPS
// only, and the session cookie is Secure with the __Host- prefix.
func TestServeTLS(t *testing.T) {
	c, _ := newCLI(t)
	certPEM, keyPEM := selfSigned(t)
	pw := writeTemp(t, "pw", []byte("ein-sehr-langes-passwort\n"))
	if r := c.run("users", "add", "erika", "--role", "clerk", "--password-file", pw); r.code != 0 {
		t.Fatalf("users add: %s", r.stderr)
	}
	s := startServe(t, c, "server:\n  tls_cert: "+writeTemp(t, "cert.pem", certPEM)+"\n  tls_key: "+writeTemp(t, "key.pem", keyPEM)+"\n  shutdown_drain: 0s\n")
	if !strings.HasPrefix(s.url, "https://") {
		t.Fatalf("serving on %s", s.url)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Post(s.url+"/api/v1/session", "application/json",
		strings.NewReader(`{"name": "erika", "password": "ein-sehr-langes-passwort"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || resp.TLS == nil {
		t.Fatalf("login over TLS: %d", resp.StatusCode)
	}
	cookies := resp.Cookies()
	if len(cookies) != 1 || cookies[0].Name != "__Host-akte_session" || !cookies[0].Secure || !cookies[0].HttpOnly {
		t.Fatalf("cookies %+v", cookies)
	}
	// Plain HTTP on the same port is not served.
	plain, err := http.Get(strings.Replace(s.url, "https://", "http://", 1) + "/healthz")
	if err == nil {
		plain.Body.Close()
		if plain.StatusCode == 200 {
			t.Fatal("plain HTTP served on the TLS port")
		}
	}
	// A bad key file stops the start with a configuration error.
	c2, _ := newCLI(t)
	g := &globals{config: writeTemp(t, "bad.yaml", []byte("server:\n  tls_cert: "+writeTemp(t, "c.pem", certPEM)+"\n  tls_key: "+writeTemp(t, "k.pem", []byte("nope"))+"\n")),
		getenv: func(k string) string { return c2.env[k] }}
	err = runServe(context.Background(), g, serveOptions{listen: "127.0.0.1:0"}, io.Discard, io.Discard)
	if exitCode(err) != exitConfig || !strings.Contains(err.Error(), "tls_key") {
		t.Fatalf("bad key: %v (exit %d)", err, exitCode(err))
	}
}

// selfSigned returns a certificate for 127.0.0.1 and its key, PEM.
func selfSigned(t *testing.T) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "akte test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
}

// The server section: defaults valid, each bad value refused naming it.
func TestServerConfigValidate(t *testing.T) {
	for field, yaml := range map[string]string{
		"server.tls_cert, server.tls_key": "server:\n  tls_cert: a.pem\n",
		"server.rate_limit":               "server:\n  rate_limit: -1\n",
		"server.rate_burst":               "server:\n  rate_burst: -5\n",
		"server.read_timeout":             "server:\n  read_timeout: 0s\n",
		"server.shutdown_grace":           "server:\n  shutdown_grace: -1s\n",
		"server.shutdown_drain":           "server:\n  shutdown_drain: -1s\n",
	} {
		cfg := Default()
		if err := cfg.Load(strings.NewReader(yaml)); err != nil {
			t.Fatal(err)
		}
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("%q: %v, want an error naming %s", yaml, err, field)
		}
	}
	cfg := Default()
	if err := cfg.Validate(); err != nil || cfg.Server.RateLimit != 50 || cfg.Server.RateBurst != 100 {
		t.Fatalf("defaults: %v %+v", err, cfg.Server)
	}
}
