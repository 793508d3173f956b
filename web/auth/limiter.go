package auth

import (
	"sync"
	"time"
)

// limiter counts failed logins per key (a user name, a client address).
// From the max-th failure on, a key must wait base·2^(n−max), at most
// maxWait, before the next attempt. A key is forgotten maxWait after its
// last failure. Safe for concurrent use.
type limiter struct {
	mu      sync.Mutex
	strikes map[string]*strike
}

type strike struct {
	n     int
	last  time.Time
	until time.Time
}

const (
	backoffBase  = 2 * time.Second
	maxWait      = 15 * time.Minute
	maxLimitKeys = 100_000 // beyond this, keys not waiting are dropped
)

func newLimiter() *limiter { return &limiter{strikes: map[string]*strike{}} }

// wait returns how long the caller must wait before trying key again (0:
// not at all).
func (l *limiter) wait(now time.Time, key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.strikes[key]
	if s == nil || !now.Before(s.until) {
		return 0
	}
	return s.until.Sub(now)
}

// fail counts one failure of key; max is the number of failures allowed
// before the backoff starts.
func (l *limiter) fail(now time.Time, key string, max int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.strikes[key]
	if s == nil || now.Sub(s.last) > maxWait && !now.Before(s.until) {
		if len(l.strikes) >= maxLimitKeys {
			l.prune(now)
		}
		s = &strike{}
		l.strikes[key] = s
	}
	s.n++
	s.last = now
	if s.n >= max {
		d := maxWait
		if shift := s.n - max; shift < 10 {
			d = min(backoffBase<<shift, maxWait)
		}
		s.until = now.Add(d)
	}
}

// reset forgets key (a successful login).
func (l *limiter) reset(key string) {
	l.mu.Lock()
	delete(l.strikes, key)
	l.mu.Unlock()
}

func (l *limiter) prune(now time.Time) {
	for k, s := range l.strikes {
		if !now.Before(s.until) {
			delete(l.strikes, k)
		}
	}
}
