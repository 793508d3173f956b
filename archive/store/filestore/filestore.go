package filestore

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"iter"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"akte/archive/store"
	"akte/internal/fsutil"
)

var _ store.Store = (*Store)(nil)

const (
	objectsDir = "objects"
	tmpDir     = "tmp"
	tmpPrefix  = ".tmp-"
	metaSuffix = ".lock"
	metaFormat = 1
)

// Options configure a Store. A nil *Options means the defaults.
type Options struct {
	// DefaultMode is used when a Put or SetRetention names no mode.
	// Default: store.Compliance.
	DefaultMode store.Mode
	// Now is the clock used to decide whether a retention is in force.
	// Default: time.Now.
	Now func() time.Time
	// Logger receives recovery reports. Default: slog.Default().
	Logger *slog.Logger
	// SyncEachFile makes puts durable by syncing each file and directory
	// instead of flushing the whole filesystem once per batch (Linux
	// syncfs). Flushing the filesystem is several times faster for
	// concurrent puts, but also flushes other programs' writes on the same
	// filesystem: keep the data directory on its own volume, or set this.
	SyncEachFile bool
	// MetaCache is how many objects' metadata to keep decoded in memory,
	// so that reads skip the metadata file. Default DefaultMetaCache;
	// negative turns the cache off.
	MetaCache int
}

// Store is a store.Store on a local directory. Safe for concurrent use by
// one process; Open takes an exclusive lock on the directory.
type Store struct {
	root    string
	objects string
	tmp     string // puts in progress write here, then rename into objects
	mode    store.Mode
	now     func() time.Time
	log     *slog.Logger
	lockF   *os.File
	keyMu   [64]sync.Mutex
	sync    *syncer
	cache   *metaCache

	putMu   sync.Mutex
	putting map[string]struct{} // keys with a put in progress

	// Recovered lists the temporary files of interrupted puts that Open
	// removed, relative to the root. Read-only after Open.
	Recovered []string
}

// meta is the lock metadata file beside each object.
type meta struct {
	Format    int        `json:"format"`
	VersionID string     `json:"version_id"`
	Size      int64      `json:"size"`
	SHA256    string     `json:"sha256"`
	Created   time.Time  `json:"created"`
	Mode      store.Mode `json:"mode,omitempty"`
	Until     time.Time  `json:"retain_until,omitzero"`
	LegalHold bool       `json:"legal_hold,omitempty"`
}

// Open opens (creating if needed) the store rooted at dir, takes its
// exclusive lock (an error if another process holds it) and removes the
// temporary files of puts interrupted by a crash. It reads the temporary
// directory only, never the objects: opening takes the same time at a
// thousand objects as at millions.
func Open(dir string, opts *Options) (*Store, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.DefaultMode == "" {
		o.DefaultMode = store.Compliance
	}
	if !o.DefaultMode.Valid() {
		return nil, fmt.Errorf("open filestore: default mode %q: %w", o.DefaultMode, store.ErrInvalid)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.MetaCache == 0 {
		o.MetaCache = DefaultMetaCache
	}
	s := &Store{root: dir, objects: filepath.Join(dir, objectsDir), tmp: filepath.Join(dir, tmpDir), mode: o.DefaultMode,
		now: o.Now, log: o.Logger, putting: map[string]struct{}{}, cache: newMetaCache(o.MetaCache)}
	for _, d := range []string{s.objects, s.tmp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("open filestore: %w", err)
		}
	}
	f, err := os.OpenFile(filepath.Join(dir, "LOCK"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open filestore: %w", err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("open filestore %s: another process holds its lock (is another akte running on this data directory?): %w", dir, err)
	}
	s.lockF = f
	if err := s.recover(); err != nil {
		f.Close()
		return nil, fmt.Errorf("open filestore: %w", err)
	}
	var fsFile *os.File
	if wholeFSSync && !o.SyncEachFile {
		fsFile = f // the lock file lives on the store's filesystem
	}
	s.sync = newSyncer(fsFile)
	return s, nil
}

// Close finishes queued puts and releases the directory lock. Calls made
// after Close fail or panic; Close does not wait for calls still running.
func (s *Store) Close() error {
	if s.lockF == nil {
		return nil
	}
	s.sync.close()
	err := s.lockF.Close()
	s.lockF = nil
	return err
}

// recover removes the temporary files of interrupted puts and lock
// changes. Nothing else can be left half done: an object whose content or
// metadata file is missing does not exist to reads and listings, and Put
// replaces such a lone half (see Put).
func (s *Store) recover() error {
	entries, err := os.ReadDir(s.tmp)
	if err != nil {
		return err
	}
	for _, e := range entries {
		rel := filepath.Join(tmpDir, e.Name())
		s.log.Warn("filestore: removing leftover of an interrupted put", "path", rel)
		if err := os.Remove(filepath.Join(s.root, rel)); err != nil {
			return err
		}
		s.Recovered = append(s.Recovered, rel)
	}
	return nil
}

func (s *Store) lockKey(key string) func() {
	h := fnv.New32a()
	h.Write([]byte(key))
	mu := &s.keyMu[h.Sum32()%uint32(len(s.keyMu))]
	mu.Lock()
	return mu.Unlock
}

func (s *Store) paths(key string) (data, metaPath string) {
	data = filepath.Join(s.objects, filepath.FromSlash(key))
	return data, filepath.Join(filepath.Dir(data), "."+filepath.Base(data)+metaSuffix)
}

func checkKey(op, key string) error {
	if !store.ValidKey(key) {
		return fmt.Errorf("%s %q: malformed key: %w", op, key, store.ErrInvalid)
	}
	return nil
}

// Put implements store.Store.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, opts store.PutOptions) (store.ObjectInfo, error) {
	if err := checkKey("put", key); err != nil {
		return store.ObjectInfo{}, err
	}
	if size < 0 {
		return store.ObjectInfo{}, fmt.Errorf("put %s: negative size: %w", key, store.ErrInvalid)
	}
	ret := opts.Retention
	if ret.Mode == "" && !ret.Until.IsZero() {
		ret.Mode = s.mode
	}
	if ret.Mode != "" && !ret.Mode.Valid() {
		return store.ObjectInfo{}, fmt.Errorf("put %s: retention mode %q: %w", key, ret.Mode, store.ErrInvalid)
	}
	if !ret.Until.IsZero() && !ret.Until.After(s.now()) {
		return store.ObjectInfo{}, fmt.Errorf("put %s: retain-until %s is in the past: %w", key, ret.Until.Format(time.RFC3339), store.ErrInvalid)
	}
	if err := ctx.Err(); err != nil {
		return store.ObjectInfo{}, fmt.Errorf("put %s: %w", key, err)
	}
	dataPath, metaPath := s.paths(key)
	dir := filepath.Dir(dataPath)
	if err := s.mkdirAll(dir); err != nil {
		return store.ObjectInfo{}, fmt.Errorf("put %s: %w", key, err)
	}

	// Write the content before reserving the key, so puts overlap.
	data, sum, err := writeTemp(ctx, s.tmp, r, size)
	if err != nil {
		return store.ObjectInfo{}, fmt.Errorf("put %s: %w", key, err)
	}
	defer discard(data)
	if opts.SHA256 != nil && !bytes.Equal(opts.SHA256, sum) {
		return store.ObjectInfo{}, fmt.Errorf("put %s: content sha256 %x, caller expected %x: %w", key, sum, opts.SHA256, store.ErrInvalid)
	}
	m := meta{
		Format: metaFormat, VersionID: newVersionID(), Size: size, SHA256: hex.EncodeToString(sum),
		Created: s.now().UTC(), Mode: ret.Mode, Until: ret.Until.UTC(), LegalHold: opts.LegalHold,
	}
	if ret.Until.IsZero() {
		m.Mode, m.Until = "", time.Time{}
	}

	if !s.reserve(key) {
		return store.ObjectInfo{}, fmt.Errorf("put %s: %w", key, store.ErrExists)
	}
	defer s.release(key)
	if exists, err := s.exists(dataPath, metaPath); err != nil {
		return store.ObjectInfo{}, fmt.Errorf("put %s: %w", key, err)
	} else if exists {
		return store.ObjectInfo{}, fmt.Errorf("put %s: %w", key, store.ErrExists)
	}
	if err := ctx.Err(); err != nil {
		return store.ObjectInfo{}, fmt.Errorf("put %s: %w", key, err)
	}
	mb, err := json.Marshal(m)
	if err != nil {
		return store.ObjectInfo{}, fmt.Errorf("put %s: %w", key, err)
	}
	mf, _, err := writeTemp(ctx, s.tmp, bytes.NewReader(mb), int64(len(mb)))
	if err != nil {
		return store.ObjectInfo{}, fmt.Errorf("put %s: %w", key, err)
	}
	defer discard(mf)
	// Metadata first: content without metadata never appears. The content's
	// directory and all its ancestors are synced, so directories created by
	// a concurrent put are durable before this put is acknowledged.
	err = s.sync.do(&syncReq{
		files:   []*os.File{data, mf},
		renames: [][2]string{{mf.Name(), metaPath}, {data.Name(), dataPath}},
		dirs:    s.ancestors(dir),
	})
	if err != nil {
		os.Remove(metaPath)
		s.cache.drop(key) // a read may have seen the renamed files
		return store.ObjectInfo{}, fmt.Errorf("put %s: %w", key, err)
	}
	return m.info(key), nil
}

// exists reports whether an object's content and metadata files are both
// there. A content file without metadata is the lone half of a put or
// delete a crash interrupted (or of an older layout's put): it was never
// an object, and it is removed so that the put can go on. A lone metadata
// file needs nothing: the put's rename replaces it.
func (s *Store) exists(dataPath, metaPath string) (bool, error) {
	if _, err := os.Lstat(dataPath); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if _, err := os.Lstat(metaPath); err == nil {
		return true, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	rel, _ := filepath.Rel(s.root, dataPath)
	s.log.Warn("filestore: removing content without metadata, left by an interrupted write", "path", rel)
	if err := os.Remove(dataPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	return false, nil
}

// ancestors lists dir and its parents up to the objects directory.
func (s *Store) ancestors(dir string) []string {
	var out []string
	for d := dir; ; d = filepath.Dir(d) {
		out = append(out, d)
		if d == s.objects || len(d) <= len(s.objects) {
			return out
		}
	}
}

// reserve claims key for one put in progress; false if another holds it.
func (s *Store) reserve(key string) bool {
	s.putMu.Lock()
	defer s.putMu.Unlock()
	if _, busy := s.putting[key]; busy {
		return false
	}
	s.putting[key] = struct{}{}
	return true
}

func (s *Store) release(key string) {
	s.putMu.Lock()
	delete(s.putting, key)
	s.putMu.Unlock()
}

// discard removes a temporary file that was not renamed into place. After
// the syncer renamed it, the remove finds nothing.
func discard(f *os.File) {
	f.Close()
	os.Remove(f.Name())
}

// writeTemp copies exactly size bytes from r into a new read-only
// temporary file in dir and returns it, open and not yet synced, with the
// content's SHA-256.
func writeTemp(ctx context.Context, dir string, r io.Reader, size int64) (*os.File, []byte, error) {
	f, err := os.CreateTemp(dir, tmpPrefix+"*")
	if err != nil {
		return nil, nil, err
	}
	fail := func(err error) (*os.File, []byte, error) {
		discard(f)
		return nil, nil, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(ctxReader{ctx, r}, size))
	if err != nil {
		return fail(err)
	}
	if n != size {
		return fail(fmt.Errorf("content is %d bytes, announced %d: %w", n, size, store.ErrInvalid))
	}
	// One more byte would mean the reader holds more than announced.
	if k, _ := io.ReadFull(r, make([]byte, 1)); k > 0 {
		return fail(fmt.Errorf("content is longer than the announced %d bytes: %w", size, store.ErrInvalid))
	}
	if err := f.Chmod(0o444); err != nil {
		return fail(err)
	}
	return f, h.Sum(nil), nil
}

// writeMetaTemp writes m to a synced, closed temporary file in dir.
func writeMetaTemp(dir string, m meta) (string, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	f, _, err := writeTemp(context.Background(), dir, bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return "", err
	}
	if err := f.Sync(); err != nil {
		discard(f)
		return "", err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// mkdirAll creates dir and its missing parents. They are made durable by
// the syncer with the put that needs them (see ancestors).
func (s *Store) mkdirAll(dir string) error {
	err := os.MkdirAll(dir, 0o755)
	if err == nil {
		return nil
	}
	if errors.Is(err, unix.ENOTDIR) || errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("a path segment is an existing object: %w", store.ErrInvalid)
	}
	return err
}

func newVersionID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (m meta) info(key string) store.ObjectInfo {
	return store.ObjectInfo{
		Key: key, VersionID: m.VersionID, Size: m.Size, SHA256: m.SHA256, Created: m.Created,
		Retention: store.Retention{Mode: m.Mode, Until: m.Until}, LegalHold: m.LegalHold,
	}
}

// How readMeta uses the metadata cache.
type metaSource int

const (
	metaCached metaSource = iota // the cache, or else the file and then cached: reads
	metaPeek                     // the cache, or else the file, not cached: listings, which touch every object once and would push out what reads keep using
	metaFile                     // the file, never the cache: changes, which hold the key's lock
)

// readMeta returns key's metadata, from where src says, and checks that
// versionID (if given) matches. A cached entry stands for an object that
// exists: readers of the content find out otherwise when they open it.
func (s *Store) readMeta(op, key, versionID string, src metaSource) (meta, error) {
	if err := checkKey(op, key); err != nil {
		return meta{}, err
	}
	m, ok := meta{}, false
	if src != metaFile {
		m, ok = s.cache.get(key)
	}
	if !ok {
		gen := s.cache.generation()
		var err error
		if m, err = s.loadMeta(op, key); err != nil {
			return meta{}, err
		}
		if src == metaCached {
			s.cache.add(key, m, gen)
		}
	}
	if err := checkVersion(op, key, versionID, m); err != nil {
		return meta{}, err
	}
	return m, nil
}

func checkVersion(op, key, versionID string, m meta) error {
	if versionID != "" && versionID != m.VersionID {
		return fmt.Errorf("%s %s@%s: %w", op, key, versionID, store.ErrNotFound)
	}
	return nil
}

// loadMeta reads and decodes key's metadata file; an object whose content
// is missing does not exist.
func (s *Store) loadMeta(op, key string) (meta, error) {
	dataPath, metaPath := s.paths(key)
	if _, err := os.Lstat(dataPath); err != nil {
		return meta{}, notFound(op, key, err)
	}
	b, err := os.ReadFile(metaPath)
	if err != nil {
		return meta{}, notFound(op, key, err)
	}
	var m meta
	if err := json.Unmarshal(b, &m); err != nil || m.Format != metaFormat {
		return meta{}, fmt.Errorf("%s %s: unreadable lock metadata (format %d): %v", op, key, m.Format, err)
	}
	return m, nil
}

func notFound(op, key string, err error) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, unix.ENOTDIR) {
		return fmt.Errorf("%s %s: %w", op, key, store.ErrNotFound)
	}
	return fmt.Errorf("%s %s: %w", op, key, err)
}

// Get implements store.Store.
func (s *Store) Get(ctx context.Context, key, versionID string) (io.ReadCloser, store.ObjectInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, store.ObjectInfo{}, fmt.Errorf("get %s: %w", key, err)
	}
	m, err := s.readMeta("get", key, versionID, metaCached)
	if err != nil {
		return nil, store.ObjectInfo{}, err
	}
	dataPath, _ := s.paths(key)
	f, err := os.Open(dataPath)
	if err != nil {
		return nil, store.ObjectInfo{}, notFound("get", key, err)
	}
	return f, m.info(key), nil
}

// Stat implements store.Store.
func (s *Store) Stat(ctx context.Context, key, versionID string) (store.ObjectInfo, error) {
	if err := ctx.Err(); err != nil {
		return store.ObjectInfo{}, fmt.Errorf("stat %s: %w", key, err)
	}
	m, err := s.readMeta("stat", key, versionID, metaCached)
	if err != nil {
		return store.ObjectInfo{}, err
	}
	return m.info(key), nil
}

// Delete implements store.Store.
func (s *Store) Delete(ctx context.Context, key, versionID string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	unlock := s.lockKey(key)
	defer unlock()
	m, err := s.readMeta("delete", key, versionID, metaFile)
	if err != nil {
		return err
	}
	now := s.now()
	if m.LegalHold {
		return fmt.Errorf("delete %s: legal hold set: %w", key, store.ErrLocked)
	}
	if r := (store.Retention{Mode: m.Mode, Until: m.Until}); r.Active(now) {
		return fmt.Errorf("delete %s: retained until %s: %w", key, m.Until.Format(time.RFC3339), store.ErrLocked)
	}
	dataPath, metaPath := s.paths(key)
	// Content first: metadata without content is not an object.
	if err := os.Remove(dataPath); err != nil {
		return notFound("delete", key, err)
	}
	s.cache.drop(key)
	if err := os.Remove(metaPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	if err := fsutil.SyncPath(filepath.Dir(dataPath)); err != nil {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	return nil
}

// SetRetention implements store.Store.
func (s *Store) SetRetention(ctx context.Context, key, versionID string, r store.Retention) error {
	return s.update(ctx, "set retention", key, versionID, func(m *meta) error {
		cur := store.Retention{Mode: m.Mode, Until: m.Until}
		mode := r.Mode
		if mode == "" {
			mode = cmp(m.Mode, s.mode)
		}
		if !mode.Valid() {
			return fmt.Errorf("mode %q: %w", r.Mode, store.ErrInvalid)
		}
		if cur.Active(s.now()) {
			if mode != m.Mode {
				return fmt.Errorf("mode %s cannot change to %s while retained: %w", m.Mode, mode, store.ErrLocked)
			}
			if r.Until.Before(m.Until) {
				return fmt.Errorf("retention until %s cannot be shortened to %s: %w",
					m.Until.Format(time.RFC3339), r.Until.Format(time.RFC3339), store.ErrLocked)
			}
		}
		m.Mode, m.Until = mode, r.Until.UTC()
		return nil
	})
}

func cmp(a, b store.Mode) store.Mode {
	if a != "" {
		return a
	}
	return b
}

// SetLegalHold implements store.Store.
func (s *Store) SetLegalHold(ctx context.Context, key, versionID string, on bool) error {
	return s.update(ctx, "set legal hold", key, versionID, func(m *meta) error {
		m.LegalHold = on
		return nil
	})
}

// update rewrites key's metadata atomically after fn changed it.
func (s *Store) update(ctx context.Context, op, key, versionID string, fn func(*meta) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s %s: %w", op, key, err)
	}
	unlock := s.lockKey(key)
	defer unlock()
	m, err := s.readMeta(op, key, versionID, metaFile)
	if err != nil {
		return err
	}
	old := m
	if err := fn(&m); err != nil {
		return fmt.Errorf("%s %s: %w", op, key, err)
	}
	if m == old {
		return nil
	}
	_, metaPath := s.paths(key)
	dir := filepath.Dir(metaPath)
	tmp, err := writeMetaTemp(s.tmp, m)
	if err != nil {
		return fmt.Errorf("%s %s: %w", op, key, err)
	}
	if err := os.Rename(tmp, metaPath); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s %s: %w", op, key, err)
	}
	s.cache.drop(key)
	if err := fsutil.SyncPath(dir); err != nil {
		return fmt.Errorf("%s %s: %w", op, key, err)
	}
	return nil
}

// List implements store.Store. Keys come in byte order: within a directory,
// a subdirectory sorts as its name followed by "/".
func (s *Store) List(ctx context.Context, prefix, after string) iter.Seq2[store.ObjectInfo, error] {
	return func(yield func(store.ObjectInfo, error) bool) {
		s.walk(ctx, listStart(prefix), prefix, after, func(k string) bool {
			m, err := s.readMeta("list", k, "", metaPeek)
			if errors.Is(err, store.ErrNotFound) {
				return true // deleted meanwhile
			}
			return yield(m.info(k), err) && err == nil
		}, func(err error) { yield(store.ObjectInfo{}, err) })
	}
}

// ListKeys implements store.KeyLister: List without reading the objects'
// metadata files, so a listing of the whole store reads directories only.
func (s *Store) ListKeys(ctx context.Context, prefix, after string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		s.walk(ctx, listStart(prefix), prefix, after, func(k string) bool { return yield(k, nil) },
			func(err error) { yield("", err) })
	}
}

// listStart is the directory a listing of prefix starts in: every key
// with the prefix lives under the prefix's directory part (listing one
// record must not read the directory of all records).
func listStart(prefix string) string {
	start := prefix[:strings.LastIndexByte(prefix, '/')+1]
	if start != "" && !store.ValidKey(strings.TrimSuffix(start, "/")) {
		return ""
	}
	return start
}

// walk lists directory rel (a key prefix ending in "/" or empty), calls
// key for each object's key in order, and reports whether to go on. An
// object is a content file with its metadata file beside it: a lone half
// of an interrupted write is not listed. Errors go to fail, and end the
// walk.
func (s *Store) walk(ctx context.Context, rel, prefix, after string, key func(string) bool, fail func(error)) bool {
	if err := ctx.Err(); err != nil {
		fail(fmt.Errorf("list %s: %w", prefix, err))
		return false
	}
	entries, err := os.ReadDir(filepath.Join(s.objects, filepath.FromSlash(rel)))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return true
		}
		fail(fmt.Errorf("list %s: %w", prefix, err))
		return false
	}
	type ent struct {
		sortKey string
		dir     bool
	}
	var ents []ent
	metas := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, ".") && strings.HasSuffix(name, metaSuffix):
			metas[name] = true
		case strings.HasPrefix(name, "."):
		case e.IsDir():
			ents = append(ents, ent{rel + name + "/", true})
		default:
			ents = append(ents, ent{rel + name, false})
		}
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].sortKey < ents[j].sortKey })
	for _, e := range ents {
		k := e.sortKey
		if e.dir {
			// Descend only where keys with prefix, after "after", can live.
			if !strings.HasPrefix(k, prefix) && !strings.HasPrefix(prefix, k) {
				continue
			}
			if after > k && !strings.HasPrefix(after, k) {
				continue
			}
			if !s.walk(ctx, k, prefix, after, key, fail) {
				return false
			}
			continue
		}
		if !strings.HasPrefix(k, prefix) || k <= after || !metas["."+path.Base(k)+metaSuffix] {
			continue
		}
		if !key(k) {
			return false
		}
	}
	return true
}

// ctxReader stops a copy when its context is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
