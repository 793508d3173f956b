package search

import (
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// wordsTokenizerName is the registered name of wordsTokenizer; like the filters in fold.go it
// is stored in index mappings and must not change without a new SchemaVersion.
const wordsTokenizerName = "akte_words"

// wordsTokenizer splits text into words: runs of letters, digits and combining marks. A
// single '.' or ',' between two digits stays inside a number ("1.234,56", "15.02.2024"), a
// single '.' or apostrophe between two letters inside a word ("z.B", "Müller's"); anything
// else separates words ("E-Mail" is "E" and "Mail"). This is the part of Unicode word
// segmentation (UAX #29) that German office text needs, several times faster than Bleve's
// "unicode" tokenizer, which had been a third of the indexing time. Offsets are bytes of the
// input; positions count words from 1.
type wordsTokenizer struct{}

func (wordsTokenizer) Tokenize(input []byte) analysis.TokenStream {
	out := make(analysis.TokenStream, 0, len(input)/6)
	eachWord(input, func(start, end int, letters bool) {
		typ := analysis.Numeric
		if letters {
			typ = analysis.AlphaNumeric
		}
		out = append(out, &analysis.Token{Term: input[start:end:end], Start: start, End: end, Position: len(out) + 1, Type: typ})
	})
	return out
}

// eachWord calls word with the byte range of each word of input, in order, and whether it
// holds a letter (or only digits).
func eachWord(input []byte, word func(start, end int, letters bool)) {
	start := -1
	letters := false
	for i := 0; i < len(input); {
		r, n := rune(input[i]), 1
		var k int
		if r < utf8.RuneSelf {
			k = int(asciiClass[r])
		} else {
			r, n = utf8.DecodeRune(input[i:])
			k = wordClass(r)
		}
		switch {
		case k != 0:
			if start < 0 {
				start = i
			}
			letters = letters || k == classLetter
		case start >= 0 && joins(r, input[:i], input[i+n:]):
			// stays inside the word
		case start >= 0:
			word(start, i, letters)
			start, letters = -1, false
		}
		i += n
	}
	if start >= 0 {
		word(start, len(input), letters)
	}
}

const (
	classLetter = 1
	classDigit  = 2
	classMark   = 3
)

// asciiClass is wordClass of the ASCII characters.
var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for r := range rune(utf8.RuneSelf) {
		t[r] = uint8(wordClass(r))
	}
	return t
}()

// wordClass says whether r belongs to a word, and as what; 0 means it does not.
func wordClass(r rune) int {
	switch {
	case 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z':
		return classLetter
	case '0' <= r && r <= '9':
		return classDigit
	case r < utf8.RuneSelf:
		return 0
	case unicode.IsLetter(r):
		return classLetter
	case unicode.IsDigit(r):
		return classDigit
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r):
		return classMark
	}
	return 0
}

// joins reports whether the separator r, between before and after, stays inside a word: '.'
// or ',' between digits, '.' or an apostrophe between letters.
func joins(r rune, before, after []byte) bool {
	if r != '.' && r != ',' && r != '\'' && r != '’' {
		return false
	}
	p, _ := utf8.DecodeLastRune(before)
	q, _ := utf8.DecodeRune(after)
	a, b := wordClass(p), wordClass(q)
	if r == '.' || r == ',' {
		if a == classDigit && b == classDigit {
			return true
		}
	}
	return r != ',' && a == classLetter && b == classLetter
}
