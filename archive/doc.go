// Package archive is Akte's engine: it ingests documents into the WORM
// store, keeps the catalog (and, through a hook, the search index) in step
// with the store, reads documents back with a fixity check and an audit
// entry, and verifies the whole archive.
//
// The store is the system of record. Every record version is a set of
// objects under records/<id>/v<n>/ — original, archive.pdf, text.txt — and
// a manifest.json written last: the manifest is the commit point. The
// catalog and the index are derived caches that Reconcile (and Open with
// Rebuild, for akte reindex) rebuild from the store alone.
//
// Ingest protocol (crash-safe, idempotent): check limits and type; convert;
// put the files, locked; put the manifest; one catalog commit (record,
// citizen, disposal-date and idempotency indexes); index; audit; only then
// acknowledge. A retry with the same idempotency key, or with the same
// citizen, class and original SHA-256, returns the existing record. After a
// crash at any instant, Open's reconciliation adds committed versions the
// catalog lacks and reports objects without a manifest as orphans; nothing
// without a manifest is ever visible.
//
// This package imports the leaves (store, catalog, audit, and later pdfa,
// signing, search, retention) and never a store backend: the caller wires
// one in. It never reads the environment, and takes its clock from Options.
package archive
