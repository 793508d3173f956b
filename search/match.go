package search

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Boosts. A match in the exact field is worth twice a German (stemmed) match, so "Müller"
// ranks documents with "Müller" above those with "Mueller"-like stems; a known name matches
// the form's names twice as strongly as the text. (A title's words weigh more by repetition:
// titleRepeat.)
const (
	boostGerman = 1
	boostExact  = 2
	boostNames  = 2 * boostExact
)

// clause is one scored term query of a word: term in field, weighing boost.
type clause struct {
	field, term string
	boost       float64
}

type fieldSpec struct {
	name     string
	analyzer string
	boost    float64
}

var (
	// A word or phrase matches the German field or the exact field.
	wordFields = []fieldSpec{
		{fieldText, analyzerGerman, boostGerman},
		{fieldExact, analyzerExact, boostExact},
	}
	// A name matches the exact field and the form's names only: no stemming.
	nameFields = []fieldSpec{
		{fieldExact, analyzerExact, boostExact},
		{fieldNames, analyzerExact, boostNames},
	}
)

// termBuilder turns parsed terms into Bleve queries, notes in mark what to highlight and in
// checks the phrases whose word order the collector checks. The name rule looks names up in
// reader, the search's snapshot.
type termBuilder struct {
	ix     *Index
	reader index.IndexReader
	names  index.FieldDictContains // from reader, when it offers one; opened on first use
	mark   *marker
	checks []phraseCheck
	// The terms as the impact lists (impact.go) take them, in the order of their queries: those
	// that must match and those that must not.
	groups, excluded []group
}

// build returns the query for one term, or nil if it has nothing to search for in it
// (punctuation only).
//
// A term of several exact tokens — a phrase, or a word the tokenizer splits, like "E-Mail" —
// matches exact words in this order: in the names, as the pairs of adjacent tokens; in title
// or body, as all its tokens in the exact field, and the collector checks their order on the
// stored text (phrase.go). An excluded phrase excludes by the names' pairs here and by that
// check in the collector: excluding documents that merely hold its words would exclude too
// much. A term of one token matches the German and the exact field as alternatives; under the
// name rule (see ParseQuery: a capitalised word found in the names field) only the exact field
// and the names.
func (tb *termBuilder) build(t Term) (query.Query, error) {
	// Each analysis gets its own copy of the text: token filters change it in place.
	exact := tb.ix.exact.Analyze([]byte(t.Text))
	switch len(exact) {
	case 0:
		return nil, nil
	case 1:
	default:
		seq := make([]string, len(exact))
		for i, tok := range exact {
			seq[i] = string(tok.Term)
		}
		if !t.Exclude {
			tb.mark.seqs = append(tb.mark.seqs, seq)
		}
		tb.checks = append(tb.checks, phraseCheck{seq: seq, exclude: t.Exclude})
		pairs := make([]clause, len(seq)-1)
		for i := range pairs {
			pairs[i] = clause{fieldNames, seq[i] + " " + seq[i+1], boostNames}
		}
		if t.Exclude {
			tb.excluded = append(tb.excluded, group{pairs})
			return conjunction(pairs), nil
		}
		var words []clause
		for i, w := range seq {
			if !slices.Contains(seq[:i], w) {
				words = append(words, clause{fieldExact, w, boostExact})
			}
		}
		tb.groups = append(tb.groups, group{pairs, words})
		return bleve.NewDisjunctionQuery(conjunction(pairs), conjunction(words)), nil
	}
	name, err := tb.isName(t.Text)
	if err != nil {
		return nil, err
	}
	fields := nameFields
	var german analysis.TokenStream // unused for a name: nameFields are all exact
	if !name {
		fields, german = wordFields, tb.ix.german.Analyze([]byte(t.Text))
	}
	var qs []query.Query
	var g group // a branch per field
	for _, f := range fields {
		toks := exact
		if f.analyzer == analyzerGerman {
			toks = german
		}
		if len(toks) != 1 { // German analysis drops stop words
			continue
		}
		c := clause{field: f.name, term: string(toks[0].Term), boost: f.boost}
		qs = append(qs, fieldTerm(c.field, c.term, c.boost))
		g = append(g, []clause{c})
	}
	if t.Exclude {
		tb.excluded = append(tb.excluded, g)
	} else {
		tb.groups = append(tb.groups, g)
		tb.mark.add(exact, german)
	}
	return bleve.NewDisjunctionQuery(qs...), nil
}

// fieldTerm is the query for term in field, weighing boost.
func fieldTerm(field, term string, boost float64) query.Query {
	q := bleve.NewTermQuery(term)
	q.SetField(field)
	q.SetBoost(boost)
	return q
}

// conjunction matches what all of cs match; one clause stands for itself.
func conjunction(cs []clause) query.Query {
	qs := make([]query.Query, len(cs))
	for i, c := range cs {
		qs[i] = fieldTerm(c.field, c.term, c.boost)
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return bleve.NewConjunctionQuery(qs...)
}

// isName applies the name rule (see build) to a word or phrase.
func (tb *termBuilder) isName(text string) (bool, error) {
	for _, w := range strings.Fields(text) {
		if r, _ := utf8.DecodeRuneInString(w); !unicode.IsUpper(r) {
			continue
		}
		toks := tb.ix.exact.Analyze([]byte(w))
		if len(toks) == 0 {
			continue
		}
		known := true
		for _, tok := range toks {
			ok, err := tb.knownName(tok.Term)
			if err != nil {
				return false, err
			}
			known = known && ok
		}
		if known {
			return true, nil
		}
	}
	return false, nil
}

// knownName reports whether term occurs in the names field of the index.
func (tb *termBuilder) knownName(term []byte) (bool, error) {
	if rc, ok := tb.reader.(index.IndexReaderContains); ok && tb.names == nil {
		var err error
		if tb.names, err = rc.FieldDictContains(fieldNames); err != nil {
			return false, fmt.Errorf("search: %w", err)
		}
	}
	if tb.names != nil {
		ok, err := tb.names.Contains(term)
		if err != nil {
			return false, fmt.Errorf("search: %w", err)
		}
		return ok, nil
	}
	d, err := tb.reader.FieldDictRange(fieldNames, term, term)
	if err != nil {
		return false, fmt.Errorf("search: %w", err)
	}
	defer d.Close()
	e, err := d.Next()
	if err != nil {
		return false, fmt.Errorf("search: %w", err)
	}
	return e != nil && e.Term == string(term), nil
}
