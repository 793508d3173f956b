package pdfa

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"time"
)

// The worker: Check may run the parser in a child process, the current
// binary re-executed with workerEnv set. The child reads the PDF on stdin,
// sets rlimits on its address space and CPU time, and writes one JSON
// workerReply on stdout. A hang or a memory bomb then kills the child, never
// the caller.

const (
	workerEnv    = "AKTE_PDFA_CHECK_WORKER"
	workerMemEnv = "AKTE_PDFA_CHECK_MEM"
	workerCPUEnv = "AKTE_PDFA_CHECK_CPU"
	// fastPathMaxBytes is the largest file parsed in-process under
	// IsolationAuto (after cheap structural pre-checks).
	fastPathMaxBytes = 1 << 20
	// fastPathMaxMemory is the decode budget of the in-process fast path.
	fastPathMaxMemory = 64 << 20
	// workerAddrSpace is added to MaxMemory for the RLIMIT_AS backstop: the
	// Go runtime reserves address space it never touches, and cgo threads
	// (present in test binaries) need room for their stacks. The budget is
	// the real memory control; the rlimit stops what escapes it.
	workerAddrSpace = 4 << 30
)

var workerOn atomic.Bool

type workerReply struct {
	Report *Report `json:"report,omitempty"`
	Kind   string  `json:"kind,omitempty"`
	Error  string  `json:"error,omitempty"`
}

// RunWorkerIfRequested must be called first thing in main (and in TestMain
// of packages that test Check). In a process started as a check worker it
// runs the check and exits; otherwise it returns at once and enables the
// worker for Check's IsolationAuto and IsolationSubprocess.
func RunWorkerIfRequested() {
	if os.Getenv(workerEnv) != "1" {
		workerOn.Store(true)
		return
	}
	os.Exit(runWorker(os.Stdin, os.Stdout))
}

func workerEnabled() bool { return workerOn.Load() }

func runWorker(in io.Reader, out io.Writer) int {
	mem, _ := strconv.ParseInt(os.Getenv(workerMemEnv), 10, 64)
	if mem <= 0 {
		mem = defaultMaxMemory
	}
	cpu, _ := strconv.Atoi(os.Getenv(workerCPUEnv))
	if cpu <= 0 {
		cpu = int(defaultTimeout / time.Second)
	}
	limitSelf(uint64(mem)+workerAddrSpace, uint64(cpu))
	debug.SetMemoryLimit(2 * mem)
	data, err := io.ReadAll(io.LimitReader(in, defaultMaxBytes*4))
	reply := workerReply{}
	if err != nil {
		reply.Kind, reply.Error = "failed", err.Error()
	} else {
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(cpu)*time.Second)
		rep, err := safeRunCheck(ctx, data, mem)
		cancel()
		reply.Report = rep
		if err != nil {
			reply.Kind, reply.Error = errKind(err), err.Error()
		}
	}
	if err := json.NewEncoder(out).Encode(reply); err != nil {
		return 1
	}
	return 0
}

func safeRunCheck(ctx context.Context, data []byte, mem int64) (r *Report, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, fmt.Errorf("check pdf: %w: %v", ErrCheckerFailed, p)
		}
	}()
	return runCheck(ctx, data, mem)
}

var errKinds = []struct {
	kind string
	err  error
}{
	{"notpdf", ErrNotPDF}, {"toolarge", ErrTooLarge}, {"complex", ErrTooComplex},
	{"timeout", ErrTimeout}, {"failed", ErrCheckerFailed},
}

func errKind(err error) string {
	for _, k := range errKinds {
		if errors.Is(err, k.err) {
			return k.kind
		}
	}
	return "failed"
}

func kindErr(kind string) error {
	for _, k := range errKinds {
		if k.kind == kind {
			return k.err
		}
	}
	return ErrCheckerFailed
}

// checkInWorker runs the check in a child process under rlimits.
func checkInWorker(ctx context.Context, data []byte, o CheckOptions) (*Report, error) {
	if !workerEnabled() {
		return nil, fmt.Errorf("check pdf: %w: no worker (RunWorkerIfRequested was not called)", ErrCheckerFailed)
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("check pdf: %w: %v", ErrCheckerFailed, err)
	}
	cpu := int(o.Timeout/time.Second) + 1
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), workerEnv+"=1",
		workerMemEnv+"="+strconv.FormatInt(o.MaxMemory, 10),
		workerCPUEnv+"="+strconv.Itoa(cpu))
	cmd.Stdin = bytes.NewReader(data)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &limitedBuffer{buf: &stdout, max: 16 << 20}
	cmd.Stderr = &limitedBuffer{buf: &stderr, max: 64 << 10}
	cmd.WaitDelay = time.Second
	runErr := cmd.Run()
	if ctx.Err() != nil {
		return nil, fmt.Errorf("check pdf: %w", ErrTimeout)
	}
	var reply workerReply
	if jerr := json.Unmarshal(stdout.Bytes(), &reply); jerr != nil || (reply.Report == nil && reply.Kind == "") {
		// Killed by an rlimit, or the runtime ran out of memory.
		return nil, fmt.Errorf("check pdf: %w: worker died (%v: %s)", ErrTooComplex, runErr, firstLine(stderr.Bytes()))
	}
	if reply.Kind != "" {
		return nil, &workerError{kind: kindErr(reply.Kind), msg: reply.Error}
	}
	return reply.Report, nil
}

// workerError carries the worker's message and error kind across the
// process boundary.
type workerError struct {
	kind error
	msg  string
}

func (e *workerError) Error() string { return e.msg }
func (e *workerError) Unwrap() error { return e.kind }

type limitedBuffer struct {
	buf *bytes.Buffer
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.buf.Len(); room > 0 {
		if len(p) > room {
			l.buf.Write(p[:room])
		} else {
			l.buf.Write(p)
		}
	}
	return len(p), nil
}

// fastPathEligible: small files with a clean header and tail are parsed
// in-process; the budget bounds them, and they dominate archive traffic.
func fastPathEligible(data []byte) bool {
	if len(data) > fastPathMaxBytes || !bytes.HasPrefix(data, []byte("%PDF-1.")) {
		return false
	}
	tail := data
	if len(tail) > 1024 {
		tail = tail[len(tail)-1024:]
	}
	return bytes.Contains(tail, []byte("startxref")) && bytes.Contains(tail, []byte("%%EOF"))
}

// firstLine is the first non-blank line of a dead worker's stderr: the Go
// runtime's "fatal error: …" or "panic: …", which says why it died.
func firstLine(b []byte) string {
	for _, l := range bytes.Split(b, []byte("\n")) {
		if l := bytes.TrimSpace(l); len(l) > 0 {
			if len(l) > 200 {
				l = l[:200]
			}
			return string(l)
		}
	}
	return "no output"
}
