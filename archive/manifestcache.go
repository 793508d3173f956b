package archive

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"sync"
)

// manifestCacheSize is how many records' decoded manifests Record keeps
// (about 2 KB each, the JSON and its decoding).
const manifestCacheSize = 8192

// manifestCache memoises the decoding of the catalog's copies of manifests:
// a read of a record decodes its manifest's JSON once, not on every read.
// An entry holds the exact bytes it decoded and is used only for the same
// bytes, so it can never answer for a manifest it did not decode, whatever
// changed in the catalog meanwhile. Callers get a copy (Manifest.clone):
// the cached value is never handed out. When full, an arbitrary entry is
// evicted. Safe for concurrent use.
type manifestCache struct {
	mu sync.Mutex
	m  map[RecordID]decodedManifest
}

type decodedManifest struct {
	raw []byte
	m   *Manifest
}

// decode returns the manifest raw encodes, for record id. raw must not be
// changed afterwards (the cache may keep it).
func (c *manifestCache) decode(id RecordID, raw []byte) (*Manifest, error) {
	c.mu.Lock()
	d, ok := c.m[id]
	c.mu.Unlock()
	if ok && bytes.Equal(d.raw, raw) {
		return d.m.clone(), nil
	}
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = make(map[RecordID]decodedManifest)
	}
	if _, ok := c.m[id]; !ok && len(c.m) >= manifestCacheSize {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[id] = decodedManifest{raw: raw, m: &m}
	c.mu.Unlock()
	return m.clone(), nil
}

// clone returns a copy of m that shares no changeable memory with it
// (TestManifestClone keeps this list complete).
func (m *Manifest) clone() *Manifest {
	c := *m
	c.Facts = maps.Clone(m.Facts)
	c.Files = slices.Clone(m.Files)
	c.Stages = maps.Clone(m.Stages)
	c.Names = slices.Clone(m.Names)
	if m.Seal != nil {
		s := *m.Seal
		c.Seal = &s
	}
	return &c
}
