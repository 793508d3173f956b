// Package pdfa makes and checks PDF/A-2b documents: the archive copy of
// everything Akte keeps. It turns form submissions, scanned images and
// PDFs into PDF/A, and checks files against the rules of ISO 19005-2
// (level b), reporting violated clauses by number.
//
// It is a leaf: it imports no other package of Akte. Every parser of
// untrusted input here runs under a deadline and a size and memory budget.
// The external programs it runs (Ghostscript, pdftotext) run ten nice
// steps below the caller (priority.go): conversion yields the CPU to a
// server's interactive work.
package pdfa
