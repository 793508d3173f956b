package search

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Bounds on what a clerk may type. Violations are a *QueryError.
const (
	MaxQueryLen = 1000 // characters (runes) in the whole query
	MaxTerms    = 32   // words, phrase words, excluded terms and filters together
	MaxTermLen  = 64   // characters (runes) in one word
)

// Dates the index can hold and filter on; document dates outside are ignored (Created stands
// in), query dates outside are refused.
var (
	minDate = time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC)
	maxDate = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// inDateRange reports whether t lies within the dates the index can hold: [minDate, maxDate).
func inDateRange(t time.Time) bool { return !t.Before(minDate) && t.Before(maxDate) }

// Query is a parsed clerk query. Terms must all match (AND) except excluded ones, which must
// not; several bürger: (or klasse:) filters mean any of them; von:/bis: bound the document
// date (or Created, when a document has no date) by whole calendar days, UTC, both inclusive.
type Query struct {
	Terms    []Term
	Citizens []string
	Classes  []string
	From, To time.Time // midnight UTC; zero means open
}

// Term is one word or quoted phrase. Text is the word, or the phrase's words joined by single
// spaces.
type Term struct {
	Text    string
	Phrase  bool // quoted, more than one word
	Exclude bool // written with a leading '-'
}

// filter kinds of field:value tokens.
const (
	filterCitizen = iota + 1
	filterClass
	filterFrom
	filterTo
)

// filterNames maps the lowercase field names a clerk may type, German and English, to kinds.
var filterNames = map[string]int{
	"bürger": filterCitizen, "buerger": filterCitizen, "citizen": filterCitizen,
	"klasse": filterClass, "class": filterClass,
	"von": filterFrom, "from": filterFrom,
	"bis": filterTo, "to": filterTo,
}

// ParseQuery parses the query language a clerk types into the search box:
//
//	Reisepass Müller        words: all must match; German forms match ("Reisepässe")
//	"Antrag auf Reisepass"  a phrase: the words in this order
//	-Abmeldung -"neue Anschrift"   excluded word or phrase
//	bürger:4711             citizen ID (also buerger:, citizen:); several mean any of them
//	klasse:tax              class (also class:); several mean any of them
//	von:2024-01-01 bis:2024-12-31  document date range, days inclusive (also from:, to:)
//
// Quotes may be straight or German („…“, “…”). Any other x:y is an ordinary word. There are
// no wildcards, regular expressions or fuzzy terms: '*', '?', '~' are just characters. Field
// names are case-insensitive; filters cannot be excluded.
//
// How Search matches a word: in the title or the body, either with German analysis (stop words
// dropped, plurals and umlauts reduced: "Reisepässe" finds "Reisepass") or exactly up to case
// and ASCII folding ("Mueller" finds "Müller"); exact matches and title matches rank higher. A
// phrase matches its words exactly (up to case and folding) and in this order, in the title,
// the body or the names; so does a word the tokenizer splits, like "E-Mail". The name rule: a word written with a capital first letter whose folded form
// occurs among the names (Doc.Names) of some indexed document is a name, and a name (or a
// phrase containing one) is matched exactly only, and also against those names — so "Müller"
// does not find "Müll", and "Schäfer" does not find "Schaf". Other capitalised words, i.e.
// German nouns, keep German matching. To get German matching for a name, type it in lower
// case. A word made only of punctuation ("&") is left out.
//
// Errors are a *QueryError with the position of the offending part: an unterminated quote,
// more than MaxTerms terms, a word longer than MaxTermLen, a query longer than MaxQueryLen, a
// filter without a value, a malformed citizen ID or class, a bad or repeated date, von: after
// bis:. ParseQuery never panics and never returns more than MaxTerms terms.
func ParseQuery(s string) (*Query, error) {
	if utf8.RuneCountInString(s) <= 4*MaxQueryLen { // else too long even after composition
		s = norm.NFC.String(s)
	}
	if utf8.RuneCountInString(s) > MaxQueryLen {
		return nil, &QueryError{Pos: MaxQueryLen, Msg: fmt.Sprintf("the query is longer than %d characters", MaxQueryLen)}
	}
	p := parser{r: []rune(s), q: &Query{}}
	if err := p.parse(); err != nil {
		return nil, err
	}
	return p.q, nil
}

type parser struct {
	r       []rune
	i       int
	q       *Query
	n       int // terms counted so far
	fromPos int // position of von:, for the von-after-bis message
}

func (p *parser) parse() error {
	for {
		for p.i < len(p.r) && unicode.IsSpace(p.r[p.i]) {
			p.i++
		}
		if p.i == len(p.r) {
			break
		}
		start, exclude := p.i, false
		if p.r[p.i] == '-' {
			exclude = true
			p.i++
			if p.i == len(p.r) || unicode.IsSpace(p.r[p.i]) {
				continue // a lone '-' means nothing
			}
		}
		var err error
		if isOpenQuote(p.r[p.i]) {
			err = p.phrase(exclude)
		} else {
			err = p.word(start, exclude)
		}
		if err != nil {
			return err
		}
	}
	q := p.q
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return &QueryError{Pos: p.fromPos, Msg: "von: is after bis:"}
	}
	return nil
}

// phrase reads a quoted phrase starting at p.i.
func (p *parser) phrase(exclude bool) error {
	open := p.i
	p.i++
	end := p.i
	for end < len(p.r) && !isCloseQuote(p.r[end]) {
		end++
	}
	if end == len(p.r) {
		return &QueryError{Pos: open, Msg: "the quotation mark has no closing partner"}
	}
	inner := p.r[p.i:end]
	p.i = end + 1
	words := strings.Fields(string(inner))
	if len(words) == 0 {
		return nil // "" means nothing
	}
	for _, w := range words {
		if err := p.count(open); err != nil {
			return err
		}
		if utf8.RuneCountInString(w) > MaxTermLen {
			return &QueryError{Pos: open, Msg: fmt.Sprintf("a word in the phrase is longer than %d characters", MaxTermLen)}
		}
	}
	p.q.Terms = append(p.q.Terms, Term{Text: strings.Join(words, " "), Phrase: len(words) > 1, Exclude: exclude})
	return nil
}

// word reads a word or a field:value filter starting at p.i; start is where its '-' was.
func (p *parser) word(start int, exclude bool) error {
	at := p.i
	for p.i < len(p.r) && !unicode.IsSpace(p.r[p.i]) && !isOpenQuote(p.r[p.i]) {
		p.i++
	}
	tok := string(p.r[at:p.i])
	if err := p.count(start); err != nil {
		return err
	}
	if k, v, ok := strings.Cut(tok, ":"); ok {
		if kind := filterNames[strings.ToLower(norm.NFC.String(k))]; kind != 0 {
			if exclude {
				return &QueryError{Pos: start, Msg: fmt.Sprintf("a filter cannot be excluded: remove the '-' before %s:", k)}
			}
			return p.filter(kind, k, v, at+utf8.RuneCountInString(k)+1)
		}
	}
	if n := utf8.RuneCountInString(tok); n > MaxTermLen {
		return &QueryError{Pos: at, Msg: fmt.Sprintf("the word is %d characters long; at most %d are allowed", n, MaxTermLen)}
	}
	p.q.Terms = append(p.q.Terms, Term{Text: tok, Exclude: exclude})
	return nil
}

// filter applies field:value; pos is the position of the value.
func (p *parser) filter(kind int, name, v string, pos int) error {
	if v == "" {
		return &QueryError{Pos: pos, Msg: fmt.Sprintf("%s: needs a value right after the colon, without a space", name)}
	}
	switch kind {
	case filterCitizen, filterClass:
		if !validKeyword(v) {
			return &QueryError{Pos: pos, Msg: fmt.Sprintf("%s:%s: a value has 1 to 64 letters, digits, '.', '_' or '-'", name, v)}
		}
		if kind == filterCitizen {
			p.q.Citizens = append(p.q.Citizens, v)
		} else {
			p.q.Classes = append(p.q.Classes, v)
		}
		return nil
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return &QueryError{Pos: pos, Msg: fmt.Sprintf("%s:%s is not a date; write YYYY-MM-DD, e.g. 2024-03-31", name, v)}
	}
	if !inDateRange(d) {
		return &QueryError{Pos: pos, Msg: fmt.Sprintf("%s:%s is out of range; dates from %d to %d are allowed", name, v, minDate.Year(), maxDate.Year()-1)}
	}
	dst := &p.q.From
	if kind == filterTo {
		dst = &p.q.To
	} else {
		p.fromPos = pos - utf8.RuneCountInString(name) - 1
	}
	if !dst.IsZero() {
		return &QueryError{Pos: pos, Msg: fmt.Sprintf("%s: is given twice", name)}
	}
	*dst = d
	return nil
}

// count counts one more term.
func (p *parser) count(pos int) error {
	p.n++
	if p.n > MaxTerms {
		return &QueryError{Pos: pos, Msg: fmt.Sprintf("too many terms: at most %d words, phrase words and filters are allowed", MaxTerms)}
	}
	return nil
}

func isOpenQuote(r rune) bool  { return r == '"' || r == '„' || r == '“' }
func isCloseQuote(r rune) bool { return r == '"' || r == '“' || r == '”' }
