package search

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"golang.org/x/text/unicode/norm"
)

// SchemaVersion is the version of the index layout: the mapping below, the analyzers, the fold
// filter and the meaning of the fields. Change any of them and bump it; existing indexes are
// then refused with ErrRebuild and rebuilt.
const SchemaVersion = 1

// Field names in the index.
const (
	fieldText       = "text"        // body, German analysis; stored for highlighting
	fieldExact      = "exact"       // body, exact and ASCII-folded
	fieldTitle      = "title"       // title, German analysis; stored
	fieldTitleExact = "title_exact" // title, exact and ASCII-folded
	fieldNames      = "names"       // person names, exact and ASCII-folded
	fieldCitizen    = "citizen"     // keyword fields, stored
	fieldClass      = "class"
	fieldSource     = "source"
	fieldStatus     = "status"
	fieldYear       = "year"    // keyword "2024", from the effective date
	fieldDate       = "date"    // datetime: the document date, or Created if it has none; stored
	fieldCreated    = "created" // datetime
)

// analyzerExact: unicode tokenizer, lowercase, fold. "Müller" → "mueller", "Müll" → "muell".
const analyzerExact = "akte_exact"

// newMapping builds the index mapping; the fold filter must be registered (Open does it).
// Design:
//
//   - Body and title are indexed twice: with Bleve's German analyzer ("de": stop words,
//     umlaut normalisation, light stemming, so "Reisepässe" matches "Reisepass") and with
//     analyzerExact, which keeps "Müller" apart from "Müll" and lets "Mueller" match "Müller".
//     Both keep term vectors: phrases need positions, highlighting needs offsets.
//   - The body is stored once, in the German field, because highlight fragments are cut from it;
//     the exact field's offsets point into the same text.
//   - Keyword fields are single terms with doc values (facets, sorting); nothing goes into
//     Bleve's composite "_all" field, and documents carry no dynamic fields.
//
// Cost, measured with the first 1,000 documents of the search corpus (BenchmarkIndex1000; 3 KB
// of text on average): 11.9 KB on disk per document, 3.9× the text. Of that, storing the body
// is 2.1 KB (0.7× the text) and the exact field's term vectors are 3.2 KB; without them, exact
// phrases ("Antrag auf", "Anna Müller") and highlights of exact-only matches ("Mueller" →
// "Müller") would be lost.
func newMapping() (*mapping.IndexMappingImpl, error) {
	im := mapping.NewIndexMapping()
	err := im.AddCustomAnalyzer(analyzerExact, map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []any{lowercase.Name, foldFilterName},
	})
	if err != nil {
		return nil, err
	}
	im.DefaultAnalyzer = analyzerExact
	im.IndexDynamic, im.StoreDynamic, im.DocValuesDynamic = false, false, false

	text := func(name, analyzer string, store bool) *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Name, f.Analyzer, f.Store = name, analyzer, store
		f.IncludeTermVectors, f.IncludeInAll, f.DocValues = true, false, false
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
	dm.AddFieldMappingsAt(fieldText, text(fieldText, de.AnalyzerName, true), text(fieldExact, analyzerExact, false))
	dm.AddFieldMappingsAt(fieldTitle, text(fieldTitle, de.AnalyzerName, true), text(fieldTitleExact, analyzerExact, false))
	dm.AddFieldMappingsAt(fieldNames, text(fieldNames, analyzerExact, false))
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
	m := map[string]any{
		fieldText:    norm.NFC.String(text),
		fieldTitle:   norm.NFC.String(d.Title),
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
