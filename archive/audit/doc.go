// Package audit is Akte's hash-chained audit log: who did what, when, in
// which role, to which record and why — every read of a document included.
//
// # The log
//
// A Log is a local, append-only file of JSON lines in the data directory,
// one Event per line. Append returns only once its entry is written and
// fsync'd; concurrent Appends are group-committed (one write and one fsync
// for everything queued while the previous fsync ran, with no added delay).
// Periodically — every SealEvery entries or when the oldest unsealed entry
// is SealInterval old — and whenever Seal is called, the entries not yet
// sealed are written into the object store as write-once, retention-locked
// segments under audit/<first seq %020d>-<last seq %020d>.jsonl, holding the
// local lines byte for byte. The store is the system of record: which
// entries are sealed is derived from listing audit/ in the store, never
// from a local note. Close does not seal; the next Open's sealer does.
//
// # Canonical encoding and the chain
//
// Each entry's canonical encoding is one JSON object without whitespace,
// with exactly these members in this order:
//
//	{"seq":N,"time":T,"actor":S,"role":S,"action":S,"record":S,"citizen":S,"purpose":S,"detail":{…},"prev":H}
//
// where N is a decimal integer ≥ 1; T is the UTC time in RFC 3339 with
// nanoseconds, trailing zeros dropped and a "Z" zone (Go's
// time.RFC3339Nano); every string is escaped as Go's encoding/json does
// (including \u003c, \u003e, \u0026 for <, >, &); empty strings are
// present as ""; detail is always an object ({} when empty) with keys in
// byte order; H is the previous entry's hash. Hash is the lowercase hex
// SHA-256 of those bytes. The stored line is the canonical encoding with
// ,"hash":"<Hash>" inserted before the final brace, then "\n". Entry 1 has
// Prev = GenesisPrev (64 zeros); entry n+1 has Prev = Hash of entry n.
// A line that is not exactly in this form is malformed.
//
// # Invariants
//
//   - Seqs are 1, 2, 3… without gaps, in file order; each Prev is the Hash
//     of the entry before. An acknowledged entry is durable.
//   - Segments are contiguous, do not overlap, hold exactly the local lines
//     of their range, and chain across their boundaries. The last segment a
//     Seal writes ends with the head (seq and hash) of the log at that
//     moment; every segment is an anchor for all entries up to its end.
//   - Seal never writes an entry that does not chain to the head the Log
//     itself wrote, and never overwrites: an existing segment is accepted
//     only if it is byte-identical to what Seal would write.
//   - Open repairs only a torn last line (no newline; never acknowledged),
//     and reports it. Anything else that does not hash or chain makes Open
//     fail with ErrTampered; nothing is silently repaired.
//   - After a crash the file may hold entries whose Append never returned
//     (written but not acknowledged); it never lacks an acknowledged one.
//
// # What Verify can and cannot detect
//
// Verify walks the local file and every sealed segment. It detects and names
// by seq: an edited entry (its content no longer matches its hash; if the
// editor recomputed that hash, the next entry's Prev no longer matches); a
// deleted entry (a seq gap); reordered or duplicated lines; a truncated file
// whose sealed part is cut (the file ends before the segments do, or the
// file is gone); a segment missing between two others (a gap between
// segment ranges); a segment whose content differs from the local lines, or
// does not hash or chain by itself, or does not match its name or the
// checksum the store recorded; a torn last line.
//
// The chain has no secret key, so someone who can write the data directory
// can rewrite any suffix of the local file into a new, self-consistent chain.
// Where that suffix is sealed, the segments expose it. Where it is not,
// nothing at rest can:
//
//   - Deleting or rewriting the last K entries appended after the latest seal
//     is not detectable by Verify, because no anchor exists for them. It is
//     detectable only if a later anchor exists: a later entry (its seq and
//     Prev reveal the gap — which is what happens if the file is cut while a
//     Log is still running and appends again), or a later segment. A running
//     Log's next Seal also refuses, with ErrTampered, a file that no longer
//     ends at the head it wrote. The window is bounded by SealEvery and
//     SealInterval.
//   - Removing the most recent segment(s) from the store is not detectable
//     from the store alone (their entries look unsealed). Retention locks
//     make that impossible before the retention ends; Verify reports the
//     count of unsealed entries, which an operator can compare with the
//     expected seal cadence.
//   - Times are not checked for order: a caller may supply an event's time.
//
// # What it must never do
//
// The audit log must never hold document content, titles, file names, or
// personal names: Record and Citizen are opaque IDs, and Detail is for a
// handful of small machine-readable facts. Callers must not put content or
// names into Detail or Purpose. The package never rewrites or deletes an
// entry, never overwrites or deletes a segment, never seals unverified
// lines, and imports no other Akte package but archive/store.
package audit
