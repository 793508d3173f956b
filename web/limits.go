package web

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"akte/web/auth"
)

// errRateLimited: the client sent more requests than its rate allows.
var errRateLimited = errors.New("too many requests")

// limiter is a token bucket per client: per principal for authenticated
// requests, per IP address for the rest. A nil *limiter allows everything.
type limiter struct {
	rate, burst float64
	now         func() time.Time
	fail        func(http.ResponseWriter, *http.Request, error)

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

// newLimiter returns nil (no limit) for a rate of zero or less; a burst
// of zero or less is twice the rate.
func newLimiter(rate float64, burst int, fail func(http.ResponseWriter, *http.Request, error)) *limiter {
	if rate <= 0 {
		return nil
	}
	if burst <= 0 {
		burst = max(1, int(2*rate))
	}
	return &limiter{rate: rate, burst: float64(burst), now: time.Now, fail: fail, buckets: map[string]*bucket{}}
}

// take takes one token from key's bucket, or says how long until one is
// there.
func (l *limiter) take(key string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) > time.Minute {
		// A bucket idle long enough to be full again is the same as none.
		full := time.Duration(l.burst / l.rate * float64(time.Second))
		for k, b := range l.buckets {
			if now.Sub(b.at) > full {
				delete(l.buckets, k)
			}
		}
		l.lastSweep = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

// allow charges the request to its client and answers 429 rate_limited
// with Retry-After when the client's bucket is empty.
func (l *limiter) allow(w http.ResponseWriter, r *http.Request, p auth.Principal, authed bool) bool {
	if l == nil {
		return true
	}
	key := "ip:" + clientHost(r)
	if authed {
		key = "principal:" + p.Name
	}
	ok, wait := l.take(key)
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
		l.fail(w, r, fmt.Errorf("%w: more than %g requests per second (burst %g); slow down", errRateLimited, l.rate, l.burst))
	}
	return ok
}

// public limits a route that needs no authentication, per IP address.
func (l *limiter) public(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if l.allow(w, r, auth.Principal{}, false) {
			h.ServeHTTP(w, r)
		}
	})
}

// fromLoopback serves requests from the machine itself (127.0.0.0/8, ::1)
// with local and all others with other. The TCP peer decides: behind a
// reverse proxy on the same machine every request looks local, so such a
// proxy must not forward the route.
func fromLoopback(local, other http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ip := net.ParseIP(clientHost(r)); ip != nil && ip.IsLoopback() {
			local.ServeHTTP(w, r)
			return
		}
		other.ServeHTTP(w, r)
	})
}
