package audit

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
	"sync"
	"time"

	"akte/archive/store"
)

// memStore is a minimal in-memory store.Store for these tests: create-only
// puts, checksums, retention and legal-hold refusals. raw and remove bypass
// the rules to simulate tampering with the bucket.
type memStore struct {
	mu   sync.Mutex
	objs map[string]memObj
	n    int
}

type memObj struct {
	data []byte
	info store.ObjectInfo
}

var _ store.Store = (*memStore)(nil)

func newMemStore() *memStore { return &memStore{objs: map[string]memObj{}} }

func (m *memStore) Put(ctx context.Context, key string, r io.Reader, size int64, opts store.PutOptions) (store.ObjectInfo, error) {
	if err := ctx.Err(); err != nil {
		return store.ObjectInfo{}, fmt.Errorf("put %s: %w", key, err)
	}
	if !store.ValidKey(key) || (opts.Retention.Mode != "" && !opts.Retention.Mode.Valid()) {
		return store.ObjectInfo{}, fmt.Errorf("put %s: %w", key, store.ErrInvalid)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return store.ObjectInfo{}, fmt.Errorf("put %s: %w", key, err)
	}
	h := sha256.Sum256(data)
	if int64(len(data)) != size || (opts.SHA256 != nil && !bytes.Equal(opts.SHA256, h[:])) {
		return store.ObjectInfo{}, fmt.Errorf("put %s: %w", key, store.ErrInvalid)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.objs[key]; ok {
		return store.ObjectInfo{}, fmt.Errorf("put %s: %w", key, store.ErrExists)
	}
	m.n++
	ret := opts.Retention
	if !ret.Until.IsZero() && ret.Mode == "" {
		ret.Mode = store.Compliance
	}
	info := store.ObjectInfo{Key: key, VersionID: fmt.Sprint(m.n), Size: size, SHA256: hex.EncodeToString(h[:]),
		Created: time.Now(), Retention: ret, LegalHold: opts.LegalHold}
	m.objs[key] = memObj{data: data, info: info}
	return info, nil
}

func (m *memStore) obj(key, versionID string) (memObj, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.objs[key]
	if !ok || (versionID != "" && versionID != o.info.VersionID) {
		return memObj{}, fmt.Errorf("get %s: %w", key, store.ErrNotFound)
	}
	return o, nil
}

func (m *memStore) Get(ctx context.Context, key, versionID string) (io.ReadCloser, store.ObjectInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, store.ObjectInfo{}, err
	}
	o, err := m.obj(key, versionID)
	if err != nil {
		return nil, store.ObjectInfo{}, err
	}
	return io.NopCloser(bytes.NewReader(bytes.Clone(o.data))), o.info, nil
}

func (m *memStore) Stat(ctx context.Context, key, versionID string) (store.ObjectInfo, error) {
	o, err := m.obj(key, versionID)
	return o.info, err
}

func (m *memStore) List(ctx context.Context, prefix, after string) iter.Seq2[store.ObjectInfo, error] {
	return func(yield func(store.ObjectInfo, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(store.ObjectInfo{}, err)
			return
		}
		m.mu.Lock()
		var infos []store.ObjectInfo
		for k, o := range m.objs {
			if strings.HasPrefix(k, prefix) && k > after {
				infos = append(infos, o.info)
			}
		}
		m.mu.Unlock()
		slices.SortFunc(infos, func(a, b store.ObjectInfo) int { return strings.Compare(a.Key, b.Key) })
		for _, i := range infos {
			if !yield(i, nil) {
				return
			}
		}
	}
}

func (m *memStore) Delete(ctx context.Context, key, versionID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.objs[key]
	if !ok {
		return fmt.Errorf("delete %s: %w", key, store.ErrNotFound)
	}
	if o.info.Retention.Active(time.Now()) || o.info.LegalHold {
		return fmt.Errorf("delete %s: %w", key, store.ErrLocked)
	}
	delete(m.objs, key)
	return nil
}

func (m *memStore) SetRetention(ctx context.Context, key, versionID string, r store.Retention) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.objs[key]
	if !ok {
		return fmt.Errorf("retain %s: %w", key, store.ErrNotFound)
	}
	cur := o.info.Retention
	if cur.Active(time.Now()) && (r.Until.Before(cur.Until) || (r.Mode != "" && r.Mode != cur.Mode)) {
		return fmt.Errorf("retain %s: %w", key, store.ErrLocked)
	}
	if r.Mode == "" {
		r.Mode = cmp.Or(cur.Mode, store.Compliance)
	}
	o.info.Retention = r
	m.objs[key] = o
	return nil
}

func (m *memStore) SetLegalHold(ctx context.Context, key, versionID string, on bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.objs[key]
	if !ok {
		return fmt.Errorf("hold %s: %w", key, store.ErrNotFound)
	}
	o.info.LegalHold = on
	m.objs[key] = o
	return nil
}

// raw replaces an object's bytes behind the store's back, with a matching
// checksum, as a forger with access to the disks would.
func (m *memStore) raw(key string, data []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o := m.objs[key]
	h := sha256.Sum256(data)
	o.data, o.info.Size, o.info.SHA256 = bytes.Clone(data), int64(len(data)), hex.EncodeToString(h[:])
	o.info.Key = key
	m.objs[key] = o
}

// remove deletes an object ignoring its lock.
func (m *memStore) remove(key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.objs, key)
}

func (m *memStore) keys() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Sorted(func(yield func(string) bool) {
		for k := range m.objs {
			if !yield(k) {
				return
			}
		}
	})
}
