// Package filestore is Akte's embedded default store: objects are files in a
// local directory, and the store.Store contract (create-only, retention,
// legal hold, extend-never-shorten) is enforced in software.
//
// It is WORM by software, not tamper-proof: the machine's administrator (or
// anybody with write access to the directory) can change or delete files
// behind Akte's back. `akte verify` detects such changes by SHA-256, but
// cannot prevent them. Where records must survive a hostile administrator,
// use s3store against a bucket with Object Lock in COMPLIANCE mode.
//
// Layout below the root directory:
//
//	LOCK                              flock: one process per store
//	objects/<key>                     the object's bytes, exactly as put, mode 0444
//	objects/<dir>/.<name>.lock        its metadata (version, size, SHA-256, lock), mode 0444
//	tmp/.tmp-*                        a put or lock change in progress; removed on open
//
// Keys never have a segment starting with "." (store.ValidKey), so hidden
// names cannot collide with objects.
//
// Durability: a Put writes the content and the metadata to temporary files
// in tmp/, fsyncs both, renames the metadata and then the content into the
// object's directory, and fsyncs that directory before it returns. An
// object exists only when both files exist. After a crash, tmp/ holds the
// puts that were never acknowledged, and Open empties it (and reports them
// in Recovered) without reading the objects, so opening does not grow with
// the store. A lone content or metadata file (a put or delete interrupted
// between its two renames or removes) is not an object: reads and listings
// never show it, and a Put of its key replaces it.
//
// Lock changes (SetRetention, SetLegalHold) replace the metadata file
// atomically. Reads never take locks on the object's bytes beyond opening
// the file.
//
// Reads keep the decoded metadata of recently read objects in memory
// (Options.MetaCache), so a repeated Get opens only the content file. The
// cache is never stale for changes made through the Store (see metaCache);
// changes made to the directory behind its back are seen after a reopen.
// It never stands in for a check of the content: callers verify the bytes
// against their own SHA-256, as the archive does on every read.
//
// It must never expose an object whose metadata is missing, never let a
// lock be shortened, and never rely on file permissions for correctness.
package filestore
