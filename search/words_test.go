package search

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestWordsTokenizer(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Antrag auf Ausstellung eines Reisepasses.", "Antrag|auf|Ausstellung|eines|Reisepasses"},
		{"Betrag: 1.234,56 € am 15.02.2024", "Betrag|1.234,56|am|15.02.2024"},
		{"E-Mail, z.B. Müller's Straße", "E|Mail|z.B|Müller's|Straße"},
		{"Az. 33-1234/2024 (§ 17 Abs. 1 BMG)", "Az|33|1234|2024|17|Abs|1|BMG"},
		{"1.2. und 3,", "1.2|und|3"},
		{"a,b 1,a ..x.. '''", "a|b|1|a|x"},
		{"Mu\u0308ller Ærø naïve ﬁle", "Mu\u0308ller|Ærø|naïve|ﬁle"},
		{"", ""},
		{"  \t\n", ""},
	} {
		var got []string
		for _, tok := range (wordsTokenizer{}).Tokenize([]byte(tc.in)) {
			got = append(got, string(tok.Term))
		}
		if strings.Join(got, "|") != tc.want {
			t.Errorf("%q: %q, want %q", tc.in, strings.Join(got, "|"), tc.want)
		}
	}
}

// FuzzWordsTokenizer: tokens are non-empty, in order, do not overlap, lie within the input,
// equal the input at their offsets, hold no white space and count positions from 1.
func FuzzWordsTokenizer(f *testing.F) {
	for _, s := range []string{"Antrag auf Ausstellung", "1.234,56 €", "z.B. E-Mail", "\xff\xfe.9,", "Mu\u0308ller"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		orig := string(in)
		end := 0
		for i, tok := range (wordsTokenizer{}).Tokenize(in) {
			if tok.Start < end || tok.End <= tok.Start || tok.End > len(in) {
				t.Fatalf("token %d at [%d,%d) after %d in %d bytes", i, tok.Start, tok.End, end, len(in))
			}
			if string(tok.Term) != orig[tok.Start:tok.End] {
				t.Fatalf("token %d %q is not the input there, %q", i, tok.Term, orig[tok.Start:tok.End])
			}
			if strings.ContainsAny(string(tok.Term), " \t\n\r") || tok.Position != i+1 {
				t.Fatalf("token %d %q at position %d", i, tok.Term, tok.Position)
			}
			if utf8.ValidString(orig) && !utf8.ValidString(string(tok.Term)) {
				t.Fatalf("token %d %q splits a character", i, tok.Term)
			}
			end = tok.End
		}
	})
}
