package catalog

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math/bits"
	"strconv"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the layout of the catalog file this code reads and writes.
// Bump it whenever the key layout or the value encoding changes; a catalog
// written with another version is refused with ErrSchema and rebuilt from the
// bucket by `akte reindex`.
const SchemaVersion = 1

// Error kinds. Returned errors wrap them; test with errors.Is.
var (
	// ErrNotFound: no entry for the record ID.
	ErrNotFound = errors.New("catalog entry not found")
	// ErrSchema: the file was written with another SchemaVersion (or its
	// schema marker is missing or unreadable). Open returns it as a
	// *SchemaError, whose message names the versions and the fix.
	ErrSchema = errors.New("catalog schema mismatch")
	// ErrClosed: the catalog has been closed.
	ErrClosed = errors.New("catalog closed")
	// ErrBusy: another process holds the catalog file's lock.
	ErrBusy = errors.New("catalog in use by another akte process")
	// ErrConflict: a write was refused because it contradicts the catalog:
	// its idempotency key or content key already belongs to a different
	// record, or its version is older than the stored one. Nothing of that
	// write was stored.
	ErrConflict = errors.New("catalog conflict")
	// ErrInvalid: an entry or argument is malformed (empty ID, a NUL byte in
	// a citizen ID, a key longer than MaxKeyLen, a version below 1, ...).
	ErrInvalid = errors.New("invalid catalog entry")
	// ErrCorrupt: a stored value cannot be decoded. The catalog is derived
	// data: rebuild it with `akte reindex`.
	ErrCorrupt = errors.New("catalog corrupt")
)

// SchemaError is the error Open returns for a catalog of another schema
// version. It matches ErrSchema with errors.Is.
type SchemaError struct {
	Have int // version found in the file; 0 when missing or unreadable
	Want int // SchemaVersion
}

func (e *SchemaError) Error() string {
	have := "unknown"
	if e.Have > 0 {
		have = "v" + strconv.Itoa(e.Have)
	}
	return fmt.Sprintf("catalog schema %s, want v%d: run `akte reindex` to rebuild it from the bucket", have, e.Want)
}

// Is reports whether target is ErrSchema.
func (e *SchemaError) Is(target error) bool { return target == ErrSchema }

// DefaultTimeout is how long Open waits for the file lock when
// Options.Timeout is zero.
const DefaultTimeout = 2 * time.Second

// Options configures Open. A nil *Options means all defaults.
type Options struct {
	// Timeout is how long Open waits for the file lock held by another
	// process before failing with ErrBusy. Zero means DefaultTimeout.
	Timeout time.Duration
	// Logger receives commit failures and (at debug level) batch sizes.
	// Nil discards.
	Logger *slog.Logger
	// Recreate drops all data (whatever its schema version) right after
	// taking the file lock and starts an empty catalog of the current
	// SchemaVersion. For `akte reindex` only, which refills it from the
	// bucket.
	Recreate bool
}

// Log attribute keys.
const (
	logKeyPath    = "path"
	logKeyBatch   = "batch"
	logKeyErr     = "err"
	logKeyElapsed = "elapsed"
)

// Bucket names and meta keys: the key layout of SchemaVersion 1.
//
//	records     id                          → encoded entry (see entry.go)
//	by_citizen  citizen 0x00 id             → empty
//	by_date     dateKey(disposeAfter) id    → empty   (12-byte time prefix)
//	idem        idempotency key             → id
//	content     content key                 → id
//	unindexed   id                          → empty
//	events      citizen 0x00 event id       → event (opaque bytes)
//	meta        "schema"                    → decimal SchemaVersion
//	            "count"                     → uint64 big-endian, number of records
//	            "clean"                     → empty: closed in agreement with the store (MarkClean)
var (
	bucketRecords   = []byte("records")
	bucketCitizen   = []byte("by_citizen")
	bucketDate      = []byte("by_date")
	bucketIdem      = []byte("idem")
	bucketContent   = []byte("content")
	bucketUnindexed = []byte("unindexed")
	bucketEvents    = []byte("events")
	bucketMeta      = []byte("meta")

	dataBuckets = [][]byte{bucketRecords, bucketCitizen, bucketDate, bucketIdem, bucketContent, bucketUnindexed, bucketEvents}

	metaSchema = []byte("schema")
	metaCount  = []byte("count")
	metaClean  = []byte("clean")
)

// initialMmapSize is reserved address space, not disk: while the file fits,
// a write transaction never has to wait for readers to remap.
var initialMmapSize = func() int {
	if bits.UintSize == 64 {
		return 1 << 30
	}
	return 0
}()

// Catalog is an open catalog file. All methods are safe for concurrent use.
// Writes (Put, PutMany, MarkIndexed, Reset) are serialised through one writer
// goroutine that group-commits them; reads run concurrently with writes.
type Catalog struct {
	db   *bolt.DB
	path string
	log  *slog.Logger

	mu     sync.Mutex
	queue  []*request
	closed bool

	wake    chan struct{} // capacity 1: "the queue may be non-empty"
	stopped chan struct{} // closed when the writer goroutine has returned
}

// Open opens the catalog at path, creating the file (not its directory) if it
// is missing and writing SchemaVersion into a new file. It refuses a file of
// another schema version with ErrSchema, and fails with ErrBusy when another
// process holds the file for longer than Options.Timeout. The caller must
// Close the catalog.
func Open(path string, opts *Options) (*Catalog, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:         o.Timeout,
		FreelistType:    bolt.FreelistMapType,
		InitialMmapSize: initialMmapSize,
		// Dropping a big catalog frees all its pages, and bbolt writes the list of free pages
		// with every commit: 5 MB per commit for a catalog of 1,000,000 records, 60 GB
		// written in the first 12 minutes of its rebuild. The rebuild leaves the list
		// unwritten; the next Open finds the free pages and writes the list once.
		NoFreelistSync: o.Recreate,
	})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("open catalog %s: no file lock after %s: %w", path, o.Timeout, ErrBusy)
	}
	if err != nil {
		return nil, fmt.Errorf("open catalog %s: %w", path, err)
	}
	if err := db.Update(func(tx *bolt.Tx) error { return initSchema(tx, o.Recreate) }); err != nil {
		db.Close()
		return nil, fmt.Errorf("open catalog %s: %w", path, err)
	}
	c := &Catalog{
		db:      db,
		path:    path,
		log:     o.Logger.With(logKeyPath, path),
		wake:    make(chan struct{}, 1),
		stopped: make(chan struct{}),
	}
	go c.run()
	return c, nil
}

// initSchema checks or writes the schema version and makes sure every bucket
// exists. With recreate it first drops everything.
func initSchema(tx *bolt.Tx, recreate bool) error {
	if recreate {
		var names [][]byte
		if err := tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			names = append(names, append([]byte(nil), name...))
			return nil
		}); err != nil {
			return err
		}
		for _, name := range names {
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
		}
	}
	meta, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return err
	}
	if v := meta.Get(metaSchema); v != nil {
		have, err := strconv.Atoi(string(v))
		if err != nil || have <= 0 {
			have = 0
		}
		if have != SchemaVersion {
			return &SchemaError{Have: have, Want: SchemaVersion}
		}
	} else {
		if tx.Bucket(bucketRecords) != nil {
			// Data without a schema marker was not written by us.
			return &SchemaError{Have: 0, Want: SchemaVersion}
		}
		if err := meta.Put(metaSchema, []byte(strconv.Itoa(SchemaVersion))); err != nil {
			return err
		}
	}
	for _, name := range dataBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	if meta.Get(metaCount) == nil {
		return putCount(meta, 0)
	}
	return nil
}

func putCount(meta *bolt.Bucket, n uint64) error {
	return meta.Put(metaCount, binary.BigEndian.AppendUint64(nil, n))
}

func getCount(meta *bolt.Bucket) (uint64, error) {
	v := meta.Get(metaCount)
	if len(v) != 8 {
		return 0, fmt.Errorf("record count: %w", ErrCorrupt)
	}
	return binary.BigEndian.Uint64(v), nil
}

// Close waits for the writes already queued to commit (their callers get
// their normal result), refuses later writes and reads with ErrClosed, stops
// the writer goroutine and closes the file. It waits for read transactions in
// progress to end. Calling Close again returns nil.
func (c *Catalog) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.mu.Unlock()
	c.signal()
	<-c.stopped
	if err := c.db.Close(); err != nil {
		return fmt.Errorf("close catalog %s: %w", c.path, err)
	}
	return nil
}

func (c *Catalog) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}
