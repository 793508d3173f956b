package pdfa

import (
	"context"
	"fmt"
)

// budget bounds the work and the memory one check may spend. Every loop of
// the parser calls step; every allocation that grows with the input calls
// alloc. Both fail with a typed error, never panic.
type budget struct {
	ctx    context.Context
	steps  int64
	mem    int64
	maxMem int64
	err    error // sticky: once over budget, every later step fails
}

func (b *budget) step() error {
	if b.err != nil {
		return b.err
	}
	b.steps++
	if b.steps&1023 == 0 {
		if err := b.ctx.Err(); err != nil {
			b.err = fmt.Errorf("check pdf: %w", ErrTimeout)
			return b.err
		}
	}
	return nil
}

func (b *budget) alloc(n int64) error {
	b.mem += n
	if b.err != nil {
		return b.err
	}
	if b.mem > b.maxMem {
		b.err = fmt.Errorf("check pdf: %w: more than %d bytes of decoded data", ErrTooComplex, b.maxMem)
		return b.err
	}
	return nil
}

// remaining is how many more bytes alloc will accept.
func (b *budget) remaining() int64 {
	if r := b.maxMem - b.mem; r > 0 {
		return r
	}
	return 0
}

// fail records err (a budget error met where it cannot be returned) so the
// check ends at the next step.
func (b *budget) fail(err error) {
	if b.err == nil {
		b.err = err
	}
}
