package search

import (
	"cmp"
	"html"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// Fragment sizes, in bytes of body text.
const (
	maxFragments   = 3
	fragmentBefore = 60  // context before the first match of a fragment
	fragmentSize   = 220 // whole fragment
	maxSpans       = 1000
)

// Fragment is an excerpt of a document's body around matches: plain text (runs of white space
// collapsed, "…" where it was cut) and the byte ranges in Text that matched. It holds no markup.
type Fragment struct {
	Text  string
	Marks []Span
}

// Span is a byte range [Start, End) in Fragment.Text.
type Span struct{ Start, End int }

// HTML returns the fragment as HTML: escaped text with each match in <mark>…</mark>.
func (f Fragment) HTML() string {
	var b strings.Builder
	at := 0
	for _, m := range f.Marks {
		if m.Start < at || m.End > len(f.Text) || m.Start > m.End {
			continue
		}
		b.WriteString(html.EscapeString(f.Text[at:m.Start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(f.Text[m.Start:m.End]))
		b.WriteString("</mark>")
		at = m.End
	}
	b.WriteString(html.EscapeString(f.Text[at:]))
	return b.String()
}

// marker knows what a query's words look like after analysis, to find them in a hit's text.
// Highlights are found this way, by analysing the stored text of the few hits on a page, so
// the index keeps no term vectors.
type marker struct {
	exact  map[string]bool // one-token words, exact analysis
	german map[string]bool // the same words, German analysis (not for names)
	seqs   [][]string      // phrases: exact tokens in order
}

// add notes a one-token word's exact and German forms.
func (m *marker) add(exact, german analysis.TokenStream) {
	if m.exact == nil {
		m.exact, m.german = map[string]bool{}, map[string]bool{}
	}
	for _, t := range exact {
		m.exact[string(t.Term)] = true
	}
	for _, t := range german {
		m.german[string(t.Term)] = true
	}
}

func (m *marker) empty() bool { return len(m.exact) == 0 && len(m.seqs) == 0 }

// spans returns the byte ranges of text where the query's words and phrases occur, sorted,
// at most maxSpans of them.
func (m *marker) spans(ix *Index, text string) []Span {
	if m.empty() {
		return nil
	}
	var spans []Span
	add := func(s, e int) {
		if s < e && e <= len(text) && len(spans) < maxSpans {
			spans = append(spans, Span{s, e})
		}
	}
	exact := ix.exact.Analyze([]byte(text))
	for i, t := range exact {
		if m.exact[string(t.Term)] {
			add(t.Start, t.End)
		}
		for _, seq := range m.seqs {
			if seqAt(exact, i, seq) {
				add(t.Start, exact[i+len(seq)-1].End)
			}
		}
	}
	if len(m.german) > 0 {
		for _, t := range ix.german.Analyze([]byte(text)) {
			if m.german[string(t.Term)] {
				add(t.Start, t.End)
			}
		}
	}
	slices.SortFunc(spans, func(a, b Span) int { return cmp.Or(a.Start-b.Start, a.End-b.End) })
	return spans
}

// seqAt reports whether seq occurs in toks from toks[i] on.
func seqAt(toks analysis.TokenStream, i int, seq []string) bool {
	if i+len(seq) > len(toks) {
		return false
	}
	for k, w := range seq {
		if string(toks[i+k].Term) != w {
			return false
		}
	}
	return true
}

// fragments cuts up to n fragments from text around the sorted spans. The fragments with the
// most distinct matched words win; they come back in text order.
func fragments(text string, spans []Span, n int) []Fragment {
	if len(spans) == 0 {
		return nil
	}
	spans = mergeSpans(spans)

	type cand struct {
		start, end int
		spans      []Span
		score      int
	}
	var cands []cand
	for i := 0; i < len(spans); {
		start := wordStart(text, max(spans[i].Start-fragmentBefore, 0))
		end := min(start+fragmentSize, len(text))
		j := i
		for j < len(spans) && spans[j].Start < end {
			end = max(end, spans[j].End)
			j++
		}
		end = max(wordEnd(text, end), spans[j-1].End)
		distinct := map[string]bool{}
		for _, s := range spans[i:j] {
			distinct[strings.ToLower(text[s.Start:s.End])] = true
		}
		cands = append(cands, cand{start, end, spans[i:j], len(distinct)*1000 + (j - i)})
		i = j
	}
	slices.SortStableFunc(cands, func(a, b cand) int { return b.score - a.score })
	cands = cands[:min(n, len(cands))]
	slices.SortFunc(cands, func(a, b cand) int { return a.start - b.start })

	out := make([]Fragment, len(cands))
	for k, c := range cands {
		out[k] = excerpt(text, c.start, c.end, c.spans)
	}
	return out
}

// mergeSpans joins overlapping spans of a sorted slice, in place.
func mergeSpans(s []Span) []Span {
	out := s[:1]
	for _, x := range s[1:] {
		last := &out[len(out)-1]
		if x.Start <= last.End {
			last.End = max(last.End, x.End)
			continue
		}
		out = append(out, x)
	}
	return out
}

// excerpt renders text[start:end] with white space collapsed, marking spans.
func excerpt(text string, start, end int, spans []Span) Fragment {
	var b strings.Builder
	var marks []Span
	if start > 0 {
		b.WriteString("… ")
	}
	k := 0
	space := false
	for i := start; i < end; {
		for k < len(spans) && spans[k].Start < i {
			k++ // cannot happen with offsets from the tokenizer; be safe anyway
		}
		if k < len(spans) && i == spans[k].Start {
			if space {
				b.WriteByte(' ')
				space = false
			}
			at := b.Len()
			b.WriteString(text[spans[k].Start:spans[k].End])
			marks = append(marks, Span{at, b.Len()})
			i = spans[k].End
			k++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			space = b.Len() > 0 && !strings.HasSuffix(b.String(), " ")
		} else {
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteString(text[i : i+size])
		}
		i += size
	}
	if end < len(text) {
		b.WriteString(" …")
	}
	return Fragment{Text: b.String(), Marks: marks}
}

// wordStart moves i forward to the start of a word (after white space), unless that passes
// the next 20 bytes; it always lands on a rune boundary.
func wordStart(text string, i int) int {
	if i == 0 {
		return 0
	}
	for j := i; j < len(text) && j < i+20; j++ {
		if text[j] == ' ' || text[j] == '\n' || text[j] == '\t' {
			return j + 1
		}
	}
	for i < len(text) && !utf8.RuneStart(text[i]) {
		i++
	}
	return i
}

// wordEnd moves i back to the end of a word (before white space), unless that passes the
// previous 20 bytes; it always lands on a rune boundary.
func wordEnd(text string, i int) int {
	if i >= len(text) {
		return len(text)
	}
	for j := i; j > 0 && j > i-20; j-- {
		if text[j] == ' ' || text[j] == '\n' || text[j] == '\t' {
			return j
		}
	}
	for i > 0 && !utf8.RuneStart(text[i]) {
		i--
	}
	return i
}
