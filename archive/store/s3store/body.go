package s3store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"

	"akte/archive/store"
)

// spoolMemory is the largest body of unknown SHA-256 that Put buffers in
// memory; larger ones that cannot seek go to a temporary file.
const spoolMemory int64 = 8 << 20

// exactReader passes exactly size bytes of src, hashing them. It refuses a
// body that is shorter or longer than size, whose SHA-256 differs from want
// (when set), or whose ctx is done. It checks all that before it hands out the
// last byte, so an HTTP request reading from it fails instead of completing.
// The first error sticks and is kept for Err.
type exactReader struct {
	ctx  context.Context
	src  io.Reader
	left int64
	size int64
	want []byte
	h    hash.Hash
	done bool
	err  error
}

func newExactReader(ctx context.Context, src io.Reader, size int64, want []byte) *exactReader {
	return &exactReader{ctx: ctx, src: src, left: size, size: size, want: want, h: sha256.New()}
}

// Read implements io.Reader.
func (r *exactReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if r.done {
		return 0, io.EOF
	}
	if err := r.ctx.Err(); err != nil {
		return 0, r.fail(err)
	}
	if r.left == 0 {
		return 0, r.finish()
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	n, err := r.src.Read(p)
	r.h.Write(p[:n])
	r.left -= int64(n)
	switch {
	case r.left == 0:
		if ferr := r.finish(); ferr != io.EOF {
			return 0, ferr // withhold the last bytes
		}
		return n, nil
	case err == io.EOF:
		return 0, r.fail(fmt.Errorf("%w: body ended after %d of %d bytes", store.ErrInvalid, r.size-r.left, r.size))
	case err != nil:
		return 0, r.fail(err)
	}
	return n, nil
}

// finish runs once all size bytes are read: it checks that the body ends
// there and that its SHA-256 is the expected one. It returns io.EOF when all
// is well.
func (r *exactReader) finish() error {
	var one [1]byte
	n, err := io.ReadFull(r.src, one[:])
	switch {
	case n > 0:
		return r.fail(fmt.Errorf("%w: body is longer than %d bytes", store.ErrInvalid, r.size))
	case err != io.EOF:
		return r.fail(err)
	case r.want != nil && !bytes.Equal(r.h.Sum(nil), r.want):
		return r.fail(fmt.Errorf("%w: content SHA-256 is %x, expected %x", store.ErrInvalid, r.h.Sum(nil), r.want))
	}
	r.done = true
	return io.EOF
}

func (r *exactReader) fail(err error) error {
	r.err = err
	return err
}

// Err returns the error that stopped the reader, or nil.
func (r *exactReader) Err() error { return r.err }

// Sum returns the SHA-256 of the bytes read so far.
func (r *exactReader) Sum() []byte { return r.h.Sum(nil) }

// body is what Put sends: a reader of exactly size bytes whose SHA-256 is
// known before the request starts.
type body struct {
	r      *exactReader
	sum    []byte
	remove func()
}

// prepareBody returns r as a body with a known SHA-256, checked as far as
// possible before the request starts:
//
//   - a body of at most inMemory bytes is read into memory first, so its size
//     and its SHA-256 (want, when set) are checked before anything is sent;
//   - a larger one with want set is streamed and checked on the way (the
//     exactReader withholds its last byte when the check fails);
//   - a larger ReadSeeker is hashed, rewound and checked again while sending;
//   - anything else is spooled to a temporary file.
func prepareBody(ctx context.Context, r io.Reader, size int64, want []byte, inMemory int64) (*body, error) {
	if size <= inMemory {
		return memoryBody(ctx, r, size, want)
	}
	if want != nil {
		return &body{r: newExactReader(ctx, r, size, want), sum: want, remove: func() {}}, nil
	}
	if rs, ok := r.(io.ReadSeeker); ok {
		return rewindBody(ctx, rs, size)
	}
	return fileBody(ctx, r, size)
}

func rewindBody(ctx context.Context, rs io.ReadSeeker, size int64) (*body, error) {
	start, err := rs.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, fmt.Errorf("seek body: %w", err)
	}
	er := newExactReader(ctx, rs, size, nil)
	if _, err := io.Copy(io.Discard, er); err != nil {
		return nil, err
	}
	if _, err := rs.Seek(start, io.SeekStart); err != nil {
		return nil, fmt.Errorf("rewind body: %w", err)
	}
	sum := er.Sum()
	return &body{r: newExactReader(ctx, rs, size, sum), sum: sum, remove: func() {}}, nil
}

func memoryBody(ctx context.Context, r io.Reader, size int64, want []byte) (*body, error) {
	var buf bytes.Buffer
	buf.Grow(int(size))
	er := newExactReader(ctx, r, size, want)
	if _, err := io.Copy(&buf, er); err != nil {
		return nil, err
	}
	sum := er.Sum()
	return &body{r: newExactReader(ctx, &buf, size, sum), sum: sum, remove: func() {}}, nil
}

func fileBody(ctx context.Context, r io.Reader, size int64) (_ *body, err error) {
	f, err := os.CreateTemp("", "akte-s3put-*")
	if err != nil {
		return nil, fmt.Errorf("spool body: %w", err)
	}
	remove := func() {
		f.Close()
		os.Remove(f.Name())
	}
	defer func() {
		if err != nil {
			remove()
		}
	}()
	er := newExactReader(ctx, r, size, nil)
	if _, err := io.Copy(f, er); err != nil {
		if errors.Is(err, store.ErrInvalid) || ctx.Err() != nil {
			return nil, err
		}
		return nil, fmt.Errorf("spool body: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("spool body: %w", err)
	}
	sum := er.Sum()
	return &body{r: newExactReader(ctx, f, size, sum), sum: sum, remove: remove}, nil
}

// hexSum is the SHA-256 as Akte writes it everywhere: lowercase hex.
func (b *body) hexSum() string { return hex.EncodeToString(b.sum) }
