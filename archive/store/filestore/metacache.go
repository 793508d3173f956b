package filestore

import "sync"

// DefaultMetaCache is how many objects' metadata a Store keeps decoded in
// memory by default (a few hundred bytes each).
const DefaultMetaCache = 65536

// metaCache holds the decoded metadata of objects read recently, so that
// a read neither opens nor decodes the object's metadata file again.
//
// Why an entry is never stale: an entry is added only for an object that
// existed (content and metadata) when its metadata file was read, and
// only if no change was made to any object's metadata since that read
// began (the generation check in add). Every change to an existing
// object's metadata or existence — SetRetention, SetLegalHold, Delete, the
// undoing of a failed Put — removes the key's entry (drop) after the
// change is on disk, and bumps the generation. A Put of a new key needs
// nothing: no entry can exist for a key that has no object. Only this
// process changes the directory (Open's lock); changes made behind its
// back are tampering, which the SHA-256 the archive checks on every read
// catches for the content.
//
// When full, add evicts an arbitrary entry (Go's map iteration order):
// no bookkeeping on a hit.
type metaCache struct {
	mu  sync.Mutex
	max int
	gen uint64
	m   map[string]meta
}

func newMetaCache(max int) *metaCache {
	return &metaCache{max: max, m: make(map[string]meta)}
}

// get returns key's cached metadata.
func (c *metaCache) get(key string) (meta, bool) {
	if c.max <= 0 {
		return meta{}, false
	}
	c.mu.Lock()
	m, ok := c.m[key]
	c.mu.Unlock()
	return m, ok
}

// generation is the value to pass to add for a read that starts now.
func (c *metaCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// add caches m for key, read from disk after generation returned gen,
// unless a change was made since.
func (c *metaCache) add(key string, m meta, gen uint64) {
	if c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if _, ok := c.m[key]; !ok && len(c.m) >= c.max {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[key] = m
}

// drop forgets key after its metadata or existence changed on disk.
func (c *metaCache) drop(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.m, key)
}
