// Package search is the full-text index clerks search the archive with: German text, names,
// facets and highlights, built on Bleve.
//
// An [Index] lives in one directory. [Index.Put] and [Index.Delete] hand documents to a single
// writer goroutine that commits them in batches; [Index.Search] answers a [Request] — a query in
// the small language a clerk types (see [ParseQuery]) plus structured filters — with hits,
// facets and highlight fragments, filtered by the caller's [Role].
//
// # Invariants
//
//   - The index is derived data. The bucket is the system of record; everything in the index can
//     be rebuilt from it, so the index may be thrown away at any time. It carries a schema version
//     ([SchemaVersion]); an index that fails to open or has another version is refused with
//     [ErrRebuild], and [OpenOrRecreate] moves it aside and starts an empty one to be refilled.
//   - One writer. Only the writer goroutine of the one open [Index] decides what is written (it
//     may commit two batches at once, never two touching the same ID, so the later operation on
//     an ID always wins); a
//     second Open of the same directory, in this process or another, fails with [ErrLocked] after
//     [Options.LockTimeout] instead of blocking.
//   - Near-real-time: a document is searchable at most about [Options.FlushDelay] after Put
//     returns (well within a second), and at once after [Index.Flush] returns.
//   - Bounded query cost. A query has at most [MaxTerms] terms of at most [MaxTermLen]
//     characters, and there is no wildcard, regular expression, prefix or fuzzy matching at all;
//     pages are at most [MaxSize] hits deep from at most [MaxFrom]. Words with filters, ranked
//     by relevance without facets, are answered from impact lists (impact.go): the best
//     documents of each term first, stopping as soon as the page is certain, with the exact
//     total. Any other search looks at no more than [Options.ScanLimit] matching documents
//     ([Result.Capped] says when it stopped).
//   - Role filtering happens here, not in callers: restricted documents appear only for
//     [RecordsOfficer]; disposed documents never appear.
//
// # What it must never do
//
//   - Pass user input to Bleve's query-string parser, or build wildcard, regexp, prefix or fuzzy
//     queries from it.
//   - Import another akte package (it is a leaf; see DESIGN.md), or touch the bucket: callers
//     give it text, it gives back record IDs.
//   - Return HTML: a [Fragment] is plain text with match offsets; [Fragment.HTML] escapes.
//   - Treat the index as the only copy of anything.
package search
