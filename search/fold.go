package search

import (
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
	"golang.org/x/text/unicode/norm"
)

// foldFilterName is the name the folding token filter is registered under in Bleve's registry.
// The index mapping stored on disk refers to it, so it must never change without a new
// SchemaVersion.
const foldFilterName = "akte_fold_de"

// pairsFilterName is the registered name of pairsFilter; the same rule holds.
const pairsFilterName = "akte_pairs"

// fold maps a lowercase term to plain ASCII letters the way Germans write without umlauts:
// ä→ae, ö→oe, ü→ue, ß→ss; other letters with diacritics lose them (é→e, č→c), a few
// letters without a decomposition get their usual Latin spelling (ø→o, æ→ae, ł→l, þ→th), and
// compatibility forms are unpacked (the ligature ﬁ→fi, common in PDF text). So "müller" and
// "mueller" both become "mueller", while "müll" stays "muell". Letters of other scripts are
// kept. The input is lowercased already (the lowercase filter runs first); fold also accepts
// capital umlauts. ASCII input is returned as is, without allocating.
func fold(term []byte) []byte {
	ascii := true
	for _, c := range term {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return term
	}
	// NFKC first: composes "u" + combining diaeresis into "ü" and unpacks ligatures.
	s := norm.NFKC.Bytes(term)
	out := make([]byte, 0, len(s)+4)
	for len(s) > 0 {
		r, n := utf8.DecodeRune(s)
		s = s[n:]
		if r < utf8.RuneSelf {
			out = append(out, byte(r))
			continue
		}
		if d := digraph(r); d != "" {
			out = append(out, d...)
			continue
		}
		// Decompose and drop the combining marks: é → e + ◌́ → e.
		var buf [utf8.UTFMax]byte
		for _, x := range norm.NFD.String(string(buf[:utf8.EncodeRune(buf[:], r)])) {
			if !unicode.Is(unicode.Mn, x) {
				out = utf8.AppendRune(out, x)
			}
		}
	}
	return out
}

// digraph returns the ASCII spelling of r when it is not just r without its diacritics.
func digraph(r rune) string {
	switch r {
	case 'ä', 'Ä', 'æ', 'Æ':
		return "ae"
	case 'ö', 'Ö', 'œ', 'Œ':
		return "oe"
	case 'ü', 'Ü':
		return "ue"
	case 'ß', 'ẞ':
		return "ss"
	case 'ø', 'Ø':
		return "o"
	case 'ł', 'Ł':
		return "l"
	case 'đ', 'Đ', 'ð', 'Ð':
		return "d"
	case 'þ', 'Þ':
		return "th"
	case 'ı':
		return "i"
	}
	return ""
}

// foldFilter is the Bleve token filter applying fold to every token.
type foldFilter struct{}

func (foldFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, t := range input {
		t.Term = fold(t.Term)
	}
	return input
}

// pairsFilter adds to a token stream the pairs of adjacent tokens, each joined by one space
// and spanning both: "antrag auf ausstellung" → "antrag", "auf", "ausstellung", "antrag auf",
// "auf ausstellung". Pairs cannot be mistaken for words, which never hold a space.
type pairsFilter struct{}

func (pairsFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	if len(input) < 2 {
		return input
	}
	out := make(analysis.TokenStream, len(input), 2*len(input)-1)
	copy(out, input)
	for i := 1; i < len(input); i++ {
		a, b := input[i-1], input[i]
		term := make([]byte, 0, len(a.Term)+1+len(b.Term))
		term = append(append(append(term, a.Term...), ' '), b.Term...)
		out = append(out, &analysis.Token{Term: term, Start: a.Start, End: b.End, Position: a.Position, Type: analysis.AlphaNumeric})
	}
	return out
}

var (
	registerOnce sync.Once
	registerErr  error
)

// register adds the folding and pairs filters and the words tokenizer to Bleve's global registry, once per process. Bleve offers
// no other way to use a custom filter in a mapping it stores on disk; Open calls it before any
// other use of Bleve by this package.
func register() error {
	registerOnce.Do(func() {
		registerErr = registry.RegisterTokenFilter(foldFilterName,
			func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
				return foldFilter{}, nil
			})
		if registerErr == nil {
			registerErr = registry.RegisterTokenFilter(pairsFilterName,
				func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
					return pairsFilter{}, nil
				})
		}
		if registerErr == nil {
			registerErr = registry.RegisterTokenizer(wordsTokenizerName,
				func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
					return wordsTokenizer{}, nil
				})
		}
	})
	return registerErr
}
