//go:build race

package searchcorpus_test

// raceEnabled: the race detector slows Bleve's indexing about tenfold, so TestIndex uses a
// smaller index under it.
const raceEnabled = true
