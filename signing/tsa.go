package signing

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"time"

	"github.com/digitorus/timestamp"
)

// TSA is an RFC 3161 time-stamping authority.
type TSA struct {
	URL string
	// Timeout bounds one request (default 10 s); Retries is how often a
	// failed request is repeated (0: twice; negative: never), with a short
	// backoff.
	Timeout time.Duration
	Retries int
	// Client sends the requests (default: a plain client; the timeout
	// above applies either way).
	Client *http.Client
}

// maxTSAResponse bounds what we read from a TSA.
const maxTSAResponse = 1 << 20

// stamp asks the TSA for a timestamp over sig (the SignerInfo's signature
// value, as PAdES B-T wants) and checks that the answer is about it.
func (t *TSA) stamp(ctx context.Context, sig []byte) (*timestamp.Timestamp, error) {
	nonce, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		return nil, err
	}
	req, err := timestamp.CreateRequest(bytes.NewReader(sig), &timestamp.RequestOptions{Hash: crypto.SHA256, Certificates: true, Nonce: nonce})
	if err != nil {
		return nil, fmt.Errorf("timestamp request: %w", err)
	}
	want := crypto.SHA256.New()
	want.Write(sig)
	retries, timeout := t.Retries, t.Timeout
	switch {
	case retries == 0:
		retries = 2
	case retries < 0:
		retries = 0
	}
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	var lastErr error
	for attempt := 0; attempt <= retries; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Duration(attempt) * 200 * time.Millisecond):
			}
		}
		ts, err := t.once(ctx, req, timeout)
		if err == nil {
			if !bytes.Equal(ts.HashedMessage, want.Sum(nil)) {
				return nil, fmt.Errorf("%w: %s answered for a different message", ErrTSA, t.URL)
			}
			if ts.Nonce == nil || ts.Nonce.Cmp(nonce) != 0 {
				return nil, fmt.Errorf("%w: %s answered with a different nonce", ErrTSA, t.URL)
			}
			return ts, nil
		}
		lastErr = err
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var pe permanentError
		if errors.As(err, &pe) {
			break
		}
	}
	return nil, fmt.Errorf("%w: %s: %v", ErrTSA, t.URL, lastErr)
}

type permanentError struct{ error }

func (t *TSA) once(ctx context.Context, body []byte, timeout time.Duration) (*timestamp.Timestamp, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL, bytes.NewReader(body))
	if err != nil {
		return nil, permanentError{err}
	}
	hr.Header.Set("Content-Type", "application/timestamp-query")
	client := t.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(hr)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxTSAResponse+1))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
		return nil, fmt.Errorf("http %s", resp.Status)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, permanentError{fmt.Errorf("http %s", resp.Status)}
	}
	if len(data) > maxTSAResponse {
		return nil, permanentError{fmt.Errorf("response larger than %d bytes", maxTSAResponse)}
	}
	ts, err := timestamp.ParseResponse(data)
	if err != nil {
		return nil, permanentError{fmt.Errorf("bad response: %v", err)}
	}
	return ts, nil
}
