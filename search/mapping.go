package search

import (
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/mapping"
	"golang.org/x/text/unicode/norm"
)

// SchemaVersion is the version of the index layout: the mapping below, the analyzers, the fold
// filter and the meaning of the fields. Change any of them and bump it; existing indexes are
// then refused with ErrRebuild and rebuilt.
const SchemaVersion = 4

// Field names in the index.
const (
	fieldText    = "text"    // title and body, German analysis; the body stored for highlighting
	fieldExact   = "exact"   // title and body, exact and ASCII-folded
	fieldTitle   = "title"   // title, stored only (its words are in text and exact)
	fieldNames   = "names"   // person names, exact and ASCII-folded, with pairs; stored
	fieldCitizen = "citizen" // keyword fields, stored
	fieldClass   = "class"
	fieldSource  = "source"
	fieldStatus  = "status"
	fieldYear    = "year"    // keyword "2024", from the effective date
	fieldDate    = "date"    // datetime: the document date, or Created if it has none; stored
	fieldCreated = "created" // datetime
)

// titleWords is the document property that puts the title's words into the text fields, and
// titleRepeat how often: a title word counts as that many occurrences of it in the body.
const (
	titleWords  = "title_words"
	titleRepeat = 2
)

// Analyzers, all on the words tokenizer (words.go):
//
//   - analyzerGerman: lowercase, German stop words, German normalisation, light stemmer —
//     Bleve's "de" analyzer on our tokenizer. "Reisepässe" → "reisepass".
//   - analyzerExact: lowercase, fold. "Müller" → "mueller", "Müll" → "muell".
//   - analyzerExactPairs: analyzerExact, plus each two adjacent words joined by a space, for
//     phrases of names: "Anna Maria Weiß" → "anna", "maria", "weiss", "anna maria", "maria
//     weiss".
const (
	analyzerGerman     = "akte_de"
	analyzerExact      = "akte_exact"
	analyzerExactPairs = "akte_exact_pairs"
)

// newMapping builds the index mapping; the fold and pairs filters must be registered (Open does
// it). Design:
//
//   - Body and title are indexed twice: with German analysis (stop words, umlaut
//     normalisation, light stemming, so "Reisepässe" matches "Reisepass") and exactly, which
//     keeps "Müller" apart from "Müll" and lets "Mueller" match "Müller".
//   - Title and body share these two fields; the title's words are indexed titleRepeat
//     times (its weight) and the title is stored on its own for display. A word is then two
//     postings lists, not four, and a search that intersects frequent words pays per list
//     passed: schema version 2 had title fields of their own; at a million documents this
//     took the full-text mix from 7.1 / 99 ms (p50 / p99) to 5.6 / 74 ms.
//   - No field keeps term vectors (positions and offsets); plain Bleve phrases of frequent
//     words over positions took seconds at a million documents. A phrase is found as its
//     words in the exact field, and their order is checked on the stored title and body of
//     each candidate (phrase.go). The form's names, short, also hold each two adjacent words
//     as one term ("anna maria"), so a name in quotes is matched there directly. Schema
//     version 3 had such pairs for the body too: they were half of the indexing time (612
//     documents/s at a million; without them about 1,680/s at 100,000).
//     Highlights are found by analysing the stored text of the hits on the page (highlight.go).
//   - The body is stored once, in the German field, because highlight fragments are cut from it.
//   - Keyword fields are single terms with doc values (facets, sorting); nothing goes into
//     Bleve's composite "_all" field, and documents carry no dynamic fields.
//
// Cost, measured with the first 50,000 documents of the search corpus (BenchmarkSearchMix; 3 KB
// of text on average): see the README's search figures. Term vectors on the German and exact
// fields had cost 5 KB per document (schema version 1, 10.8 KB per document in all).
func newMapping() (*mapping.IndexMappingImpl, error) {
	im := mapping.NewIndexMapping()
	for name, filters := range map[string][]any{
		analyzerGerman:     {lowercase.Name, de.StopName, de.NormalizeName, de.LightStemmerName},
		analyzerExact:      {lowercase.Name, foldFilterName},
		analyzerExactPairs: {lowercase.Name, foldFilterName, pairsFilterName},
	} {
		err := im.AddCustomAnalyzer(name, map[string]any{
			"type":          custom.Name,
			"tokenizer":     wordsTokenizerName,
			"token_filters": filters,
		})
		if err != nil {
			return nil, err
		}
	}
	im.DefaultAnalyzer = analyzerExact
	im.IndexDynamic, im.StoreDynamic, im.DocValuesDynamic = false, false, false

	text := func(name, analyzer string, store bool) *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Name, f.Analyzer, f.Store = name, analyzer, store
		f.IncludeTermVectors, f.IncludeInAll, f.DocValues = false, false, false
		return f
	}
	kw := func(name string, store bool) *mapping.FieldMapping {
		f := mapping.NewKeywordFieldMapping()
		f.Name, f.Analyzer, f.Store = name, keyword.Name, store
		f.IncludeTermVectors, f.IncludeInAll, f.DocValues = false, false, true
		return f
	}
	date := func(name string, store bool) *mapping.FieldMapping {
		f := mapping.NewDateTimeFieldMapping()
		f.Name, f.Store, f.IncludeInAll, f.DocValues = name, store, false, true
		return f
	}

	dm := mapping.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fieldText, text(fieldText, analyzerGerman, true), text(fieldExact, analyzerExact, false))
	stored := text(fieldTitle, analyzerGerman, true)
	stored.Index = false
	dm.AddFieldMappingsAt(fieldTitle, stored)
	dm.AddFieldMappingsAt(titleWords, text(fieldText, analyzerGerman, false), text(fieldExact, analyzerExact, false))
	dm.AddFieldMappingsAt(fieldNames, text(fieldNames, analyzerExactPairs, true))
	// No composite "_all" field: every query names its fields.
	dm.AddSubDocumentMapping("_all", mapping.NewDocumentDisabledMapping())
	dm.AddFieldMappingsAt(fieldCitizen, kw(fieldCitizen, true))
	dm.AddFieldMappingsAt(fieldClass, kw(fieldClass, true))
	dm.AddFieldMappingsAt(fieldSource, kw(fieldSource, true))
	dm.AddFieldMappingsAt(fieldStatus, kw(fieldStatus, true))
	dm.AddFieldMappingsAt(fieldYear, kw(fieldYear, false))
	dm.AddFieldMappingsAt(fieldDate, date(fieldDate, true))
	dm.AddFieldMappingsAt(fieldCreated, date(fieldCreated, false))
	im.DefaultMapping = dm
	if err := im.Validate(); err != nil {
		return nil, err
	}
	return im, nil
}

// bleveDoc turns d into what Bleve indexes. text is d.Text cut to the configured maximum.
// Text is put in Unicode normal form C, as queries are, so that "u" + combining diaeresis
// and "ü" are the same letter to the German analyzer too.
func bleveDoc(d *Doc, text string) map[string]any {
	eff := d.effectiveDate()
	text, title := norm.NFC.String(text), norm.NFC.String(d.Title)
	m := map[string]any{
		fieldText:    text,
		fieldTitle:   title,
		titleWords:   slices.Repeat([]any{title}, titleRepeat),
		fieldCitizen: d.Citizen,
		fieldClass:   d.Class,
		fieldSource:  d.Source,
		fieldStatus:  d.Status,
		fieldYear:    strconv.Itoa(eff.Year()),
		fieldDate:    eff,
		fieldCreated: d.Created.UTC(),
	}
	if len(d.Names) > 0 {
		names := make([]any, len(d.Names))
		for i, n := range d.Names {
			names[i] = norm.NFC.String(n)
		}
		m[fieldNames] = names
	}
	return m
}

// cutText returns s cut to at most n bytes at a rune boundary.
func cutText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// dayStart returns midnight UTC of t's calendar day (in UTC).
func dayStart(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
