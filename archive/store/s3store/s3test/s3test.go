// Package s3test runs a real MinIO server for tests and hands out fresh
// buckets on it.
//
// One server runs per test binary, started on the first call to Start or
// StartNoLock (packages that never call them pay nothing), on 127.0.0.1 with a
// free port, its data in a temporary directory. A package using it must stop
// it from TestMain:
//
//	func TestMain(m *testing.M) { s3test.Main(m) }
//
// The server binary is found via $AKTE_MINIO, else minio on $PATH, else in
// the cache scripts/test.sh installs it to ($XDG_CACHE_HOME or
// $HOME/.cache)/akte/minio-VERSION/minio, else $HOME/.cache/akte/bin/minio,
// else $GOPATH/bin/minio. When there is none the
// test is skipped with a message saying what to install, or fails when
// AKTE_TEST_STRICT=1 (as in CI). On Linux the server gets SIGKILL when the
// test binary dies, so it never outlives the tests.
//
// The server is a test fixture only (MinIO is AGPL): nothing outside _test.go
// files may import this package.
package s3test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"go/build"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"akte/archive/store/s3store"
)

// Environment variables the harness reads.
const (
	// EnvBinary names the MinIO server binary to run.
	EnvBinary = "AKTE_MINIO"
	// EnvStrict=1 turns a missing binary from a skip into a failure.
	EnvStrict = "AKTE_TEST_STRICT"
)

// MinIOModule is the pinned MinIO server the tests run.
const MinIOModule = "github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c"

// Fixed test credentials of the server.
const (
	AccessKey = "akte-test"
	SecretKey = "akte-test-secret-key"
)

const (
	readyTimeout = 60 * time.Second
	tailBytes    = 4096
)

var (
	once      sync.Once
	srv       *server
	srvErr    error  // the server failed to start
	missing   string // why there is no binary to start
	mainUsed  atomic.Bool
	bucketSeq atomic.Int64
)

// Main runs the tests of a package that uses the server and stops the server
// afterwards, whatever the outcome. Call it from TestMain.
func Main(m *testing.M) { os.Exit(Run(m)) }

// Run is Main for a TestMain that has more to clean up: it runs the tests,
// stops the server and returns the exit code instead of exiting.
func Run(m *testing.M) int {
	mainUsed.Store(true)
	code := m.Run()
	stop()
	return code
}

// Start returns the configuration of a new, empty bucket with versioning and
// Object Lock on the shared server, starting the server if needed.
func Start(tb testing.TB) s3store.Config {
	tb.Helper()
	return newBucket(tb, true)
}

// StartNoLock returns the configuration of a new, empty bucket without
// versioning or Object Lock, which s3store.New must refuse.
func StartNoLock(tb testing.TB) s3store.Config {
	tb.Helper()
	return newBucket(tb, false)
}

// Client returns a raw S3 client on cfg's server, for tests that act behind
// the store's back (delete markers, bucket settings).
func Client(tb testing.TB, cfg s3store.Config) *minio.Client {
	tb.Helper()
	c, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, string(cfg.SecretKey), ""),
		Secure: cfg.Secure,
		Region: cfg.Region,
	})
	if err != nil {
		tb.Fatalf("s3test: client for %s: %v", cfg.Endpoint, err)
	}
	return c
}

func newBucket(tb testing.TB, lock bool) s3store.Config {
	tb.Helper()
	s := shared(tb)
	cfg := s3store.Config{
		Endpoint:  s.addr,
		Bucket:    bucketName(),
		Region:    "us-east-1",
		AccessKey: AccessKey,
		SecretKey: SecretKey,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := Client(tb, cfg).MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: cfg.Region, ObjectLocking: lock}); err != nil {
		tb.Fatalf("s3test: make bucket %s: %v", cfg.Bucket, err)
	}
	return cfg
}

// bucketName returns a bucket name unique within the server's life.
func bucketName() string {
	var b [3]byte
	rand.Read(b[:])
	return fmt.Sprintf("akte-test-%04d-%s", bucketSeq.Add(1), hex.EncodeToString(b[:]))
}

// shared returns the running server, starting it once; it skips or fails tb
// when that is impossible.
func shared(tb testing.TB) *server {
	tb.Helper()
	if !mainUsed.Load() {
		tb.Fatal("s3test: the package's TestMain must call s3test.Main(m), which stops the MinIO server")
	}
	once.Do(func() {
		bin, why := findBinary()
		if bin == "" {
			missing = why
			return
		}
		srv, srvErr = startServer(bin)
	})
	switch {
	case missing != "" && os.Getenv(EnvStrict) == "1":
		tb.Fatalf("%s (%s=1 forbids skipping)", missing, EnvStrict)
	case missing != "":
		tb.Skip(missing)
	case srvErr != nil:
		tb.Fatalf("s3test: %v", srvErr)
	}
	return srv
}

// findBinary returns the MinIO binary to run, or why there is none.
func findBinary() (path, why string) {
	howTo := fmt.Sprintf("run scripts/test.sh, which installs it, or `go install %s` and put the binary on PATH "+
		"or name it in $%s", MinIOModule, EnvBinary)
	if p := os.Getenv(EnvBinary); p != "" {
		if isExecutable(p) {
			return p, ""
		}
		return "", fmt.Sprintf("MinIO server binary missing: $%s=%s is not an executable file; %s", EnvBinary, p, howTo)
	}
	if p, err := exec.LookPath("minio"); err == nil {
		return p, ""
	}
	tried := cachedBinaries()
	for _, p := range tried {
		if isExecutable(p) {
			return p, ""
		}
	}
	return "", fmt.Sprintf("MinIO server binary missing: $%s is unset, no minio on PATH, none at %s; %s",
		EnvBinary, strings.Join(tried, ", "), howTo)
}

// cachedBinaries lists where MinIO may have been installed before: the cache
// of scripts/test.sh, $HOME/.cache/akte/bin, and $GOPATH/bin.
func cachedBinaries() []string {
	var paths []string
	if dir, err := os.UserCacheDir(); err == nil {
		version := MinIOModule[strings.LastIndex(MinIOModule, "@")+1:]
		paths = append(paths, filepath.Join(dir, "akte", "minio-"+version, "minio"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		paths = append(paths, filepath.Join(home, ".cache", "akte", "bin", "minio"))
	}
	if build.Default.GOPATH != "" {
		paths = append(paths, filepath.Join(build.Default.GOPATH, "bin", "minio"))
	}
	return paths
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// server is a running MinIO process.
type server struct {
	addr   string
	dir    string
	cmd    *exec.Cmd
	out    *tail
	exited chan struct{} // closed when the process has exited
}

// startServer starts MinIO in a new temporary directory and waits until it
// is ready. A port taken between choosing and binding it is retried.
func startServer(bin string) (*server, error) {
	removeStale()
	dir, err := os.MkdirTemp("", fmt.Sprintf("%s%d-", dirPrefix, os.Getpid()))
	if err != nil {
		return nil, fmt.Errorf("start minio: %w", err)
	}
	for attempt := 1; ; attempt++ {
		s, err := launch(bin, dir)
		if err == nil {
			return s, nil
		}
		if attempt == 3 || !strings.Contains(err.Error(), "address already in use") {
			os.RemoveAll(dir)
			return nil, err
		}
	}
}

// dirPrefix starts the name of a server's temporary directory, followed by
// the process ID of the test binary that owns it.
const dirPrefix = "akte-minio-"

// removeStale removes the directories of servers whose test binary died
// without cleaning up (killed, or timed out).
func removeStale() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), dirPrefix+"*"))
	for _, d := range dirs {
		pidText, _, _ := strings.Cut(strings.TrimPrefix(filepath.Base(d), dirPrefix), "-")
		if pid, err := strconv.Atoi(pidText); err == nil && pid != os.Getpid() && !alive(pid) {
			os.RemoveAll(d)
		}
	}
}

// launch starts one MinIO process on a free port and waits for it.
func launch(bin, dir string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, fmt.Errorf("start minio: %w", err)
	}
	s := &server{
		addr:   fmt.Sprintf("127.0.0.1:%d", port),
		dir:    dir,
		out:    &tail{},
		exited: make(chan struct{}),
	}
	s.cmd = exec.Command(bin, "server", "--quiet", "--address", s.addr,
		"--certs-dir", filepath.Join(dir, "certs"), filepath.Join(dir, "data"))
	s.cmd.Env = serverEnv(dir)
	s.cmd.Stdout = s.out
	s.cmd.Stderr = s.out
	s.cmd.SysProcAttr = sysProcAttr()
	if err := s.run(); err != nil {
		return nil, fmt.Errorf("start minio %s: %w", bin, err)
	}
	if err := s.waitReady(readyTimeout); err != nil {
		s.kill()
		return nil, fmt.Errorf("minio on %s: %w; server output:\n%s", s.addr, err, s.out.String())
	}
	return s, nil
}

// run starts the process from a goroutine locked to its OS thread, which
// stays alive until the process exits: the parent-death signal is tied to the
// thread that started the child, not to the whole test binary.
func (s *server) run() error {
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := s.cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		s.cmd.Wait()
		close(s.exited)
	}()
	return <-started
}

// serverEnv is the environment of the server: ours without MINIO_ variables
// that could change its behaviour, plus the test settings.
func serverEnv(dir string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MINIO_") && !strings.HasPrefix(kv, "HOME=") {
			env = append(env, kv)
		}
	}
	return append(env,
		"HOME="+dir,
		"MINIO_ROOT_USER="+AccessKey,
		"MINIO_ROOT_PASSWORD="+SecretKey,
		"MINIO_BROWSER=off",
		"MINIO_UPDATE=off",
	)
}

// waitReady polls the readiness endpoint until it answers 200.
func (s *server) waitReady(timeout time.Duration) error {
	client := &http.Client{Timeout: 2 * time.Second}
	url := "http://" + s.addr + "/minio/health/ready"
	deadline := time.Now().Add(timeout)
	for {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.exited:
			return fmt.Errorf("server exited before it was ready (%v)", s.cmd.ProcessState)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not ready after %v (last: %v)", timeout, errOrStatus(resp, err))
		}
	}
}

func errOrStatus(resp *http.Response, err error) any {
	if err != nil {
		return err
	}
	return resp.Status
}

// kill stops the process and waits for it.
func (s *server) kill() {
	s.cmd.Process.Kill()
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
	}
}

// stop kills the shared server, if any, and removes its data.
func stop() {
	if srv == nil {
		return
	}
	srv.kill()
	os.RemoveAll(srv.dir)
	srv = nil
}

// freePort asks the kernel for a free loopback TCP port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tail keeps the last tailBytes of the server's output.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > tailBytes {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-tailBytes:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.buf) == 0 {
		return "(no output)"
	}
	return string(t.buf)
}
