// Package catalog is Akte's local catalog: a bbolt file that caches the latest
// manifest of every record together with the indexes the archive needs to
// answer quickly without touching the object store.
//
// The bucket is the system of record. The catalog is derived data: everything
// in it is rebuilt from the manifests by `akte reindex` (Reset, then PutMany),
// it carries a schema version, and Open refuses a file written with another
// version with an error (ErrSchema) that names that fix.
//
// # What it stores
//
// One Entry per record: the index fields, where the latest manifest lives and
// the manifest itself as opaque bytes. Around it, maintained in the same
// transaction as the entry:
//
//   - citizen → record IDs, so per-citizen work never scans all records;
//   - disposal date → record IDs, in date order, for the sweeper;
//   - idempotency key → record ID and content key → record ID, so a retried
//     ingest finds the record it already created;
//   - the set of records whose current version the search index lacks.
//
// # Invariants
//
//   - After every committed transaction each index agrees exactly with the
//     entries: no entry lacks an index row, no index row points at a missing
//     entry or at a stale value (old disposal dates are removed on update).
//   - An idempotency key or a content key maps to at most one record.
//   - A record's version never goes backwards.
//   - A write is acknowledged only once its transaction has been committed
//     and synced to disk (bbolt's fdatasync; NoSync is never used).
//
// # Writes: group commit
//
// bbolt syncs twice per write transaction, so one transaction per write caps
// throughput at the disk's sync rate. The catalog therefore has a single
// writer goroutine: callers queue their write and wait; whenever the previous
// commit has finished, the writer takes everything queued and commits it in
// one transaction, with no artificial delay. Each write is validated inside
// that transaction before it changes anything, so a write that is refused
// (ErrConflict, ErrInvalid) fails only its own caller; a failed commit fails
// every caller of that batch and leaves the file as it was.
//
// # Reads
//
// Reads run in their own short read transactions and copy every value out
// before the transaction ends. Long scans (All, DueBefore) work in pages and
// never hold a read transaction across a yield, so a slow consumer cannot
// keep bbolt from growing its memory map and cannot deadlock with a write
// issued from inside the loop.
//
// # What it must never do
//
//   - Import another package of Akte: package archive owns the record types;
//     the catalog sees strings, a time and opaque manifest bytes.
//   - Be treated as the source of truth, or hold anything the manifests in the
//     bucket cannot reproduce.
//   - Store personal data beyond what the manifest and the index fields carry;
//     errors and logs name record IDs only, never idempotency keys, content
//     keys or manifest contents.
//   - Acknowledge a write before it is durable, or trade durability for speed
//     (NoSync, batching with a delay).
//   - Be opened by two processes at once: bbolt's file lock enforces it, and
//     Open fails after Options.Timeout with ErrBusy.
package catalog
