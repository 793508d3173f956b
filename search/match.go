package search

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Boosts. A match in the exact field is worth twice a German (stemmed) match, so "Müller"
// ranks documents with "Müller" above those with "Mueller"-like stems; a title match is worth
// twice a body match; a known name matches the form's names as strongly as the title.
const (
	boostGerman = 1
	boostExact  = 2
	boostTitle  = 2 // multiplies the above
	boostNames  = boostExact * boostTitle
)

type fieldSpec struct {
	name     string
	analyzer string
	boost    float64
}

var (
	// A word or phrase matches the German fields or the exact fields.
	wordFields = []fieldSpec{
		{fieldText, de.AnalyzerName, boostGerman},
		{fieldTitle, de.AnalyzerName, boostGerman * boostTitle},
		{fieldExact, analyzerExact, boostExact},
		{fieldTitleExact, analyzerExact, boostExact * boostTitle},
	}
	// A name matches the exact fields and the form's names only: no stemming.
	nameFields = []fieldSpec{
		{fieldExact, analyzerExact, boostExact},
		{fieldTitleExact, analyzerExact, boostExact * boostTitle},
		{fieldNames, analyzerExact, boostNames},
	}
)

// termBuilder turns parsed terms into Bleve queries. It opens an index reader for the name
// rule when it first needs one; close it after use.
type termBuilder struct {
	ix     *Index
	reader index.IndexReader
	names  index.FieldDictContains
}

func (tb *termBuilder) close() {
	if tb.reader != nil {
		tb.reader.Close()
	}
}

// build returns the query for one term, or nil if no field has anything to search for in it
// (punctuation only). Each field gets a term query for a one-token term and a phrase query
// otherwise ("E-Mail" is the phrase "e mail"); the fields are alternatives.
//
// The name rule (see ParseQuery): a term is a name when one of its words is capitalised and
// every token of that word occurs in the names field; a name is matched in the exact fields
// and the names field only.
func (tb *termBuilder) build(t Term) (query.Query, error) {
	name, err := tb.isName(t.Text)
	if err != nil {
		return nil, err
	}
	// Each analysis gets its own copy of the text: token filters may change it in place.
	exact := tb.ix.exact.Analyze([]byte(t.Text))
	fields := nameFields
	var german analysis.TokenStream // unused for a name: nameFields are all exact
	if !name {
		fields, german = wordFields, tb.ix.german.Analyze([]byte(t.Text))
	}
	span := positions(exact)
	var qs []query.Query
	for _, f := range fields {
		toks := exact
		if f.analyzer == de.AnalyzerName {
			toks = german
		}
		switch {
		case len(toks) == 0:
			continue
		case positions(toks) < span:
			// German analysis dropped a stop word at an end of the phrase: "Antrag auf" would
			// become just "antrag". Only the exact fields keep its meaning.
			continue
		case len(toks) == 1:
			q := bleve.NewTermQuery(string(toks[0].Term))
			q.SetField(f.name)
			q.SetBoost(f.boost)
			qs = append(qs, q)
		default:
			q := bleve.NewMatchPhraseQuery(t.Text)
			q.SetField(f.name)
			q.Analyzer = f.analyzer
			q.SetBoost(f.boost)
			qs = append(qs, q)
		}
	}
	if len(qs) == 0 {
		return nil, nil
	}
	return bleve.NewDisjunctionQuery(qs...), nil
}

// positions returns how many positions toks spans, gaps included.
func positions(toks analysis.TokenStream) int {
	if len(toks) == 0 {
		return 0
	}
	return toks[len(toks)-1].Position - toks[0].Position + 1
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
	if tb.reader == nil {
		adv, err := tb.ix.b.Advanced()
		if err != nil {
			return false, fmt.Errorf("search: %w", err)
		}
		if tb.reader, err = adv.Reader(); err != nil {
			return false, fmt.Errorf("search: %w", err)
		}
		if rc, ok := tb.reader.(index.IndexReaderContains); ok {
			if tb.names, err = rc.FieldDictContains(fieldNames); err != nil {
				return false, fmt.Errorf("search: %w", err)
			}
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
