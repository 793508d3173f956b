package search

import (
	"bytes"
	"slices"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
)

// The index keeps no word positions (see newMapping): a phrase finds the documents holding
// all its words, and their order is checked on a candidate's stored title, body and names —
// the best candidates first (collect; impact.go, when the walk would decide the page), or each
// as it comes when facets count every match. The check is exact — a phrase of three words
// does not match a document that has its pairs apart — and costs a stored-field read and a
// walk over the words (about 25 µs for a letter at a million documents), so a search checks
// at most maxPhraseChecks candidates; past them it stops like a search past ScanLimit: Total
// is a lower bound, the page the best of the matches seen.

// maxPhraseChecks is how many candidates one search checks for its phrases.
var maxPhraseChecks = 2000

// phraseCheck is a phrase of a query: its exact tokens in order, and whether a match must
// hold it (false) or must not (true).
type phraseCheck struct {
	seq     []string
	exclude bool
}

// phraseChecker checks the phrases of one search against the stored text of its matches.
type phraseChecker struct {
	ix     *Index
	checks []phraseCheck
	docs   stored
	done   int    // candidates checked
	found  []bool // per check, for the candidate being checked
	// analysed: words with letters outside ASCII, and their exact analysis ("" if it is not
	// one token).
	analysed map[string]string
}

// newPhraseChecker returns a checker for r, a snapshot of ix.
func newPhraseChecker(ix *Index, r index.IndexReader, checks []phraseCheck) (*phraseChecker, error) {
	docs, err := storedOf(r)
	if err != nil {
		return nil, err
	}
	return &phraseChecker{ix: ix, checks: checks, docs: docs, found: make([]bool, len(checks)), analysed: map[string]string{}}, nil
}

// exhausted reports whether the search has checked as many candidates as it may.
func (pc *phraseChecker) exhausted() bool { return pc.done >= maxPhraseChecks }

// passes reports whether dm holds every phrase it must and none it must not, in its title,
// body or one of its names. The stored values are checked while they are read, where they lie.
func (pc *phraseChecker) passes(dm *search.DocumentMatch) (bool, error) {
	return pc.passesNum(dm.IndexInternalID.Value())
}

// passesNum is passes for the document numbered num in the snapshot.
func (pc *phraseChecker) passesNum(num uint64) (bool, error) {
	pc.done++
	clear(pc.found)
	err := pc.docs.visit(num, func(field string, _ byte, value []byte, _ []uint64) bool {
		if field == fieldTitle || field == fieldText || field == fieldNames {
			for k, c := range pc.checks {
				pc.found[k] = pc.found[k] || pc.holds(value, c.seq)
			}
		}
		return true
	})
	if err != nil {
		return false, err
	}
	for k, c := range pc.checks {
		if pc.found[k] == c.exclude {
			return false, nil
		}
	}
	return true, nil
}

// holds reports whether text holds seq: its words, analysed exactly, adjacent and in order.
// It is the exact analysis of text searched for seq, without building the token stream: the
// words are found as the tokenizer finds them and compared where they are; only a word with
// letters outside ASCII is analysed (case and fold), one at a time. Checking a 3 KB document
// this way costs a few microseconds, analysing it had cost tens.
func (pc *phraseChecker) holds(text []byte, seq []string) bool {
	last := len(seq) - 1
	ends := make([][2]int, 0, len(seq)) // the last len(seq) words, oldest first
	found := false
	eachWord(text, func(start, end int, _ bool) {
		if found {
			return
		}
		if len(ends) == len(seq) {
			copy(ends, ends[1:])
			ends = ends[:last]
		}
		ends = append(ends, [2]int{start, end})
		if len(ends) < len(seq) || !pc.is(text[start:end], seq[last]) {
			return
		}
		for k := range last {
			if !pc.is(text[ends[k][0]:ends[k][1]], seq[k]) {
				return
			}
		}
		found = true
	})
	return found
}

// is reports whether word, as the exact analysis has it, is the token want (ASCII unless it
// holds letters of other scripts).
func (pc *phraseChecker) is(word []byte, want string) bool {
	if asciiEqualFold(word, want) {
		return true
	}
	// Otherwise only a word with letters outside ASCII can analyse to want. The analysis keeps
	// the ASCII letters before the first other one, lowercased (the last of them may take a
	// combining mark, and a letter may follow it then): most words are told apart by them.
	i := slices.IndexFunc(word, func(c byte) bool { return c >= utf8.RuneSelf })
	if i < 0 {
		return false
	}
	if k := max(i-1, 0); k > len(want) || !asciiEqualFold(word[:k], want[:k]) {
		return false
	}
	tok, ok := pc.analysed[string(word)]
	if !ok {
		if toks := pc.ix.exact.Analyze(bytes.Clone(word)); len(toks) == 1 {
			tok = string(toks[0].Term)
		}
		if len(pc.analysed) < maxAnalysed {
			pc.analysed[string(word)] = tok
		}
	}
	return tok == want
}

// maxAnalysed bounds the words a phraseChecker keeps analysed: the documents of one search
// share most of their words with letters outside ASCII ("für", "Gebühr").
const maxAnalysed = 1 << 14

// asciiEqualFold reports whether a, ASCII, is b but for the case of its letters.
func asciiEqualFold(a []byte, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i, c := range a {
		if c >= utf8.RuneSelf {
			return false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != b[i] {
			return false
		}
	}
	return true
}
