// Package signingtest provides a local test PKI for tests of signatures: a
// certificate authority that issues document-signing leaves ([CA]) and an
// RFC 3161 time-stamping authority served over loopback HTTP ([TSA]).
//
// Everything here is for tests and benchmarks only. Keys are generated in
// memory, never persisted, and protect nothing; certificates name themselves
// "Akte Test …" so that a test artefact can never be mistaken for a real one.
//
// Invariants:
//
//   - A [CA] is a self-signed ECDSA P-256 root plus one intermediate; leaves
//     and TSA certificates are issued by the intermediate, and [CA.Pool] holds
//     the root only, so verifying a leaf needs the chain [CA.Issue] returns.
//   - The [TSA] answers on an httptest server bound to loopback and is closed
//     by the test's Cleanup; a delayed answer gives up as soon as the client
//     goes away or the test ends.
//   - Helpers that take a testing.TB fail the test on error instead of
//     returning it; [NewKey] returns its error because benchmarks and
//     fixtures call it outside a test, and [CachedKey] panics.
//
// This package must never be imported by non-test code of the product, and it
// imports no other akte package, so that any package's tests may use it.
package signingtest
