package web

import (
	"bufio"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Metrics in the Prometheus text exposition format (version 0.0.4),
// written by hand: counters per route pattern and status class, a latency
// histogram per route, ingests by outcome, document reads, and gauges of
// the search index and the audit log.

// durationBuckets are the histogram's upper bounds in seconds.
var durationBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

// Routes whose successful answers are document reads (each audited): the
// API's, and the web UI's opening of a document (answered 303 to the page
// that shows what was read).
var readRoutes = []string{
	"GET /api/v1/records/{id}",
	"GET /api/v1/records/{id}/document",
	"GET /api/v1/records/{id}/seal",
	"POST /ui/records/{id}/open",
}

const ingestRoute = "POST /api/v1/records"

// routeStats are one route's figures, updated without locks.
type routeStats struct {
	classes [6]atomic.Uint64 // by status / 100 (0: no status written)
	buckets []atomic.Uint64  // by durationBuckets, not cumulative; the last is +Inf
	sumNS   atomic.Uint64
	count   atomic.Uint64
}

type metrics struct {
	mu     sync.RWMutex
	routes map[string]*routeStats

	ingests [3]atomic.Uint64 // ok, refused, failed
	reads   atomic.Uint64
}

func newMetrics() *metrics { return &metrics{routes: map[string]*routeStats{}} }

func (m *metrics) route(pattern string) *routeStats {
	m.mu.RLock()
	rs := m.routes[pattern]
	m.mu.RUnlock()
	if rs != nil {
		return rs
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if rs = m.routes[pattern]; rs == nil {
		rs = &routeStats{buckets: make([]atomic.Uint64, len(durationBuckets)+1)}
		m.routes[pattern] = rs
	}
	return rs
}

// observe counts one answered request.
func (m *metrics) observe(pattern string, status int, d time.Duration) {
	if pattern == "" {
		pattern = "unmatched"
	}
	rs := m.route(pattern)
	rs.classes[min(max(status/100, 0), 5)].Add(1)
	i, _ := slices.BinarySearch(durationBuckets, d.Seconds())
	rs.buckets[i].Add(1)
	rs.sumNS.Add(uint64(d))
	rs.count.Add(1)
	switch {
	case pattern == ingestRoute && status < 300:
		m.ingests[0].Add(1)
	case pattern == ingestRoute && status >= 500:
		m.ingests[2].Add(1)
	case pattern == ingestRoute && status != http.StatusUnauthorized && status != http.StatusForbidden && status != http.StatusTooManyRequests:
		m.ingests[1].Add(1)
	case status < 400 && slices.Contains(readRoutes, pattern):
		m.reads.Add(1)
	}
}

// statusWriter remembers the status a handler answered.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// instrument serves r with h and counts it under the pattern the mux
// matched.
func (m *metrics) instrument(h http.Handler, w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w}
	h.ServeHTTP(sw, r)
	if sw.status == 0 {
		sw.status = http.StatusOK
	}
	m.observe(r.Pattern, sw.status, time.Since(start))
}

// serveMetrics answers GET /metrics.
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	b := bufio.NewWriter(w)
	defer b.Flush()
	m := s.metrics
	m.mu.RLock()
	patterns := make([]string, 0, len(m.routes))
	for p := range m.routes {
		patterns = append(patterns, p)
	}
	m.mu.RUnlock()
	slices.Sort(patterns)

	fmt.Fprintln(b, "# HELP akte_http_requests_total HTTP requests answered, by route pattern and status class.")
	fmt.Fprintln(b, "# TYPE akte_http_requests_total counter")
	for _, p := range patterns {
		rs := m.route(p)
		for c := 1; c <= 5; c++ {
			if n := rs.classes[c].Load(); n > 0 {
				fmt.Fprintf(b, "akte_http_requests_total{route=%s,code=\"%dxx\"} %d\n", label(p), c, n)
			}
		}
	}
	fmt.Fprintln(b, "# HELP akte_http_request_duration_seconds Time to answer an HTTP request, by route pattern.")
	fmt.Fprintln(b, "# TYPE akte_http_request_duration_seconds histogram")
	for _, p := range patterns {
		rs := m.route(p)
		var cum uint64
		for i, le := range durationBuckets {
			cum += rs.buckets[i].Load()
			fmt.Fprintf(b, "akte_http_request_duration_seconds_bucket{route=%s,le=\"%g\"} %d\n", label(p), le, cum)
		}
		cum += rs.buckets[len(durationBuckets)].Load()
		fmt.Fprintf(b, "akte_http_request_duration_seconds_bucket{route=%s,le=\"+Inf\"} %d\n", label(p), cum)
		fmt.Fprintf(b, "akte_http_request_duration_seconds_sum{route=%s} %g\n", label(p), time.Duration(rs.sumNS.Load()).Seconds())
		fmt.Fprintf(b, "akte_http_request_duration_seconds_count{route=%s} %d\n", label(p), rs.count.Load())
	}
	fmt.Fprintln(b, "# HELP akte_ingests_total Documents sent to POST /api/v1/records: archived (ok), refused by the archive (refused), failed on the server (failed).")
	fmt.Fprintln(b, "# TYPE akte_ingests_total counter")
	for i, o := range []string{"ok", "refused", "failed"} {
		fmt.Fprintf(b, "akte_ingests_total{outcome=%q} %d\n", o, m.ingests[i].Load())
	}
	fmt.Fprintln(b, "# HELP akte_document_reads_total Records and documents served (each one audit entry).")
	fmt.Fprintln(b, "# TYPE akte_document_reads_total counter")
	fmt.Fprintf(b, "akte_document_reads_total %d\n", m.reads.Load())
	fmt.Fprintln(b, "# HELP akte_audit_head_seq Seq of the newest audit log entry.")
	fmt.Fprintln(b, "# TYPE akte_audit_head_seq gauge")
	fmt.Fprintf(b, "akte_audit_head_seq %d\n", s.a.AuditHead())
	if st, err := s.a.SearchStats(); err == nil {
		busy := 0
		if st.Busy {
			busy = 1
		}
		for _, g := range []struct {
			name, help string
			v          uint64
		}{
			{"akte_search_documents", "Documents in the search index.", st.Docs},
			{"akte_search_segments", "Index segments a search reads (hundreds: merging lags behind).", uint64(st.Segments)},
			{"akte_search_bytes", "Size of the search index on disk.", st.Bytes},
			{"akte_search_busy", "1 while the index is still writing or merging.", uint64(busy)},
		} {
			fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s gauge\n%s %d\n", g.name, g.help, g.name, g.name, g.v)
		}
	}
}

// label quotes a label value as the exposition format wants.
func label(v string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v) + `"`
}
