package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"time"

	"akte/archive/store"
)

// errStop ends a scanLines walk early.
var errStop = errors.New("stop")

// Seal writes every entry not yet in the store to it, as write-once
// segments of at most SealEvery entries under SegmentKey(first, last), each
// locked with the configured retention mode until Now()+Retention and
// checked by the store against its SHA-256. It returns nil at once when
// nothing is pending. The background sealer calls Seal when SealEvery
// entries are pending or the oldest pending entry is SealInterval old;
// callers may call it at any time (for example before Close).
//
// Before writing, Seal checks that the pending part of the file still chains
// from the last sealed entry to the head this Log wrote (ErrTampered if
// not), so an edited file is never sealed. Seal is idempotent across
// crashes and lost replies: a segment that an earlier attempt stored (found
// by listing, or refused with store.ErrExists) is accepted when its content
// is exactly what Seal would write, and is ErrTampered otherwise. On error,
// segments already written stay written and the rest stays pending.
func (l *Log) Seal(ctx context.Context) error {
	l.sealMu.Lock()
	defer l.sealMu.Unlock()
	if l.fileGone {
		return fmt.Errorf("seal audit log: %w", ErrClosed)
	}
	l.mu.Lock()
	head, size, sealed := l.head, l.size, l.sealed
	l.mu.Unlock()
	if head.seq == sealed.seq {
		return nil
	}
	if err := l.checkPending(sealed, head, size); err != nil {
		return err
	}
	sealed, err := l.adopt(ctx, sealed, head, size)
	if err != nil {
		return err
	}
	for sealed.seq < head.seq {
		data, last, err := l.readChunk(sealed, size)
		if err != nil {
			return err
		}
		if len(data) == 0 {
			return l.sealTampered("the file ends after entry %d, not at entry %d as written", sealed.seq, head.seq)
		}
		key := SegmentKey(sealed.seq+1, last.seq)
		if err := l.put(ctx, key, data); err != nil {
			return err
		}
		sealed = sealState{ref: last, off: sealed.off + int64(len(data)), key: key}
		l.noteSealed(sealed)
	}
	return nil
}

func (l *Log) sealTampered(format string, args ...any) error {
	return fmt.Errorf("seal audit log %s: %s; run `akte audit verify`: %w", l.path, fmt.Sprintf(format, args...), ErrTampered)
}

func (l *Log) noteSealed(s sealState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sealed = s
	l.sealFailedAt = time.Time{}
	if l.head.seq > s.seq {
		// The oldest still pending entry came after the snapshot; its exact
		// append time is unknown, now is a close upper bound.
		l.pendingSince = l.opts.Now()
	}
}

// checkPending checks that the file between the last sealed entry and size
// hashes and chains, ending at head.
func (l *Log) checkPending(sealed sealState, head ref, size int64) error {
	at := sealed.ref
	err := scanLines(io.NewSectionReader(l.f, sealed.off, size-sealed.off), func(_ int64, line []byte, _ bool) error {
		e, err := parseLine(line)
		switch {
		case err != nil:
			return l.sealTampered("line after entry %d: %v", at.seq, err)
		case e.ev.Seq != at.seq+1:
			return l.sealTampered("entry %d follows entry %d", e.ev.Seq, at.seq)
		case e.sum != e.ev.Hash || !e.canonical:
			return l.sealTampered("entry %d does not match its hash", e.ev.Seq)
		case e.ev.Prev != at.hash:
			return l.sealTampered("entry %d does not chain to entry %d", e.ev.Seq, at.seq)
		}
		at = ref{e.ev.Seq, e.ev.Hash}
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrTampered) {
			return err
		}
		return fmt.Errorf("seal audit log %s: %w", l.path, err)
	}
	if at != head {
		return l.sealTampered("the file ends at entry %d, not at entry %d as written", at.seq, head.seq)
	}
	return nil
}

// adopt accepts segments in the store beyond sealed that an earlier attempt
// wrote (a Put whose reply was lost, a crash before noting it), provided
// they hold exactly the local entries.
func (l *Log) adopt(ctx context.Context, sealed sealState, head ref, size int64) (sealState, error) {
	segs, _, err := listSegments(ctx, l.st, sealed.key)
	if err != nil {
		return sealed, fmt.Errorf("seal audit log %s: %w", l.path, err)
	}
	for _, s := range segs {
		if s.first != sealed.seq+1 || s.last > head.seq {
			return sealed, l.sealTampered("the store holds segment %s, but entries 1-%d are sealed and the head is %d", s.key, sealed.seq, head.seq)
		}
		data, _, err := store.ReadAll(ctx, l.st, s.key, s.info.VersionID)
		if err != nil {
			return sealed, fmt.Errorf("seal audit log %s: read %s: %w", l.path, s.key, err)
		}
		want, last, err := l.readLines(sealed, size, s.last-s.first+1)
		if err != nil {
			return sealed, err
		}
		if last.seq != s.last || !bytes.Equal(data, want) {
			return sealed, l.sealTampered("segment %s differs from the local entries", s.key)
		}
		l.log.Info("audit: adopted a segment stored by an earlier seal attempt", keySegment, s.key)
		sealed = sealState{ref: last, off: sealed.off + int64(len(data)), key: s.key}
		l.noteSealed(sealed)
	}
	return sealed, nil
}

// readChunk reads the next segment's content: up to SealEvery lines after
// sealed.
func (l *Log) readChunk(sealed sealState, size int64) ([]byte, ref, error) {
	return l.readLines(sealed, size, uint64(l.opts.SealEvery))
}

// readLines reads up to n lines (with their newlines) after sealed, and the
// seq and hash of the last one. The lines were checked by checkPending.
func (l *Log) readLines(sealed sealState, size int64, n uint64) ([]byte, ref, error) {
	var (
		data []byte
		last ref
		got  uint64
	)
	err := scanLines(io.NewSectionReader(l.f, sealed.off, size-sealed.off), func(_ int64, line []byte, _ bool) error {
		e, err := parseLine(line)
		if err != nil {
			return l.sealTampered("line after entry %d: %v", last.seq, err)
		}
		data = append(append(data, line...), '\n')
		last = ref{e.ev.Seq, e.ev.Hash}
		if got++; got == n {
			return errStop
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		if errors.Is(err, ErrTampered) {
			return nil, ref{}, err
		}
		return nil, ref{}, fmt.Errorf("seal audit log %s: %w", l.path, err)
	}
	return data, last, nil
}

// put stores one segment, create-only, accepting an identical existing one.
func (l *Log) put(ctx context.Context, key string, data []byte) error {
	h := sha256.Sum256(data)
	opts := store.PutOptions{
		Retention:   store.Retention{Mode: l.opts.RetentionMode, Until: l.opts.Now().Add(l.opts.Retention)},
		SHA256:      h[:],
		ContentType: "application/jsonl",
	}
	_, err := l.st.Put(ctx, key, bytes.NewReader(data), int64(len(data)), opts)
	if err == nil {
		return nil
	}
	if !errors.Is(err, store.ErrExists) {
		return fmt.Errorf("seal audit log %s: %w", l.path, err)
	}
	have, _, gerr := store.ReadAll(ctx, l.st, key, "")
	if gerr != nil {
		return fmt.Errorf("seal audit log %s: read existing %s: %w", l.path, key, gerr)
	}
	if !bytes.Equal(have, data) {
		return l.sealTampered("segment %s already exists with different content", key)
	}
	l.log.Info("audit: segment already stored by an earlier seal attempt", keySegment, key)
	return nil
}

// sealer is the background goroutine that seals when due.
func (l *Log) sealer(ctx context.Context) {
	defer close(l.sealerDone)
	t := time.NewTicker(l.opts.pollEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-l.sealKick:
		case <-t.C:
		}
		l.mu.Lock()
		due := l.dueLocked(l.opts.Now())
		l.mu.Unlock()
		if !due {
			continue
		}
		if err := l.Seal(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			l.log.Error("audit: background seal failed; will retry", keyPath, l.path, keyErr, err)
			l.mu.Lock()
			l.sealFailedAt = l.opts.Now()
			l.mu.Unlock()
		}
	}
}
