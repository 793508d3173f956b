package search_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"akte/search"
)

func TestParseQuery(t *testing.T) {
	w := func(s string) search.Term { return search.Term{Text: s} }
	for _, tc := range []struct {
		in   string
		want search.Query
	}{
		{"", search.Query{}},
		{"  Reisepass   Müller ", search.Query{Terms: []search.Term{w("Reisepass"), w("Müller")}}},
		{`"Antrag  auf Reisepass"`, search.Query{Terms: []search.Term{{Text: "Antrag auf Reisepass", Phrase: true}}}},
		{`„Antrag auf“ “neue Anschrift”`, search.Query{Terms: []search.Term{
			{Text: "Antrag auf", Phrase: true}, {Text: "neue Anschrift", Phrase: true}}}},
		{`"Reisepass"`, search.Query{Terms: []search.Term{w("Reisepass")}}},
		{`Pass"Antrag auf"`, search.Query{Terms: []search.Term{w("Pass"), {Text: "Antrag auf", Phrase: true}}}},
		{`-Abmeldung -"neue Anschrift" - ""`, search.Query{Terms: []search.Term{
			{Text: "Abmeldung", Exclude: true}, {Text: "neue Anschrift", Phrase: true, Exclude: true}}}},
		{"bürger:4711 buerger:A-1 citizen:x.y_z", search.Query{Citizens: []string{"4711", "A-1", "x.y_z"}}},
		{"Bürger:4711 BUERGER:4712", search.Query{Citizens: []string{"4711", "4712"}}},
		{"klasse:tax class:passport-application", search.Query{Classes: []string{"tax", "passport-application"}}},
		{"von:2024-01-01 bis:2024-12-31", search.Query{From: day(2024, 1, 1), To: day(2024, 12, 31)}},
		{"from:2024-01-01 to:2024-01-01", search.Query{From: day(2024, 1, 1), To: day(2024, 1, 1)}},
		{"Az:123 https://x", search.Query{Terms: []search.Term{w("Az:123"), w("https://x")}}},
		{"Reise* Pass? /a.*/ Müller~1", search.Query{Terms: []search.Term{w("Reise*"), w("Pass?"), w("/a.*/"), w("Müller~1")}}},
		{"--Pass", search.Query{Terms: []search.Term{{Text: "-Pass", Exclude: true}}}},
	} {
		got, err := search.ParseQuery(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if !reflect.DeepEqual(*got, tc.want) {
			t.Errorf("%q:\n got %+v\nwant %+v", tc.in, *got, tc.want)
		}
	}
}

func TestQueryErrors(t *testing.T) {
	ix, _ := open(t, nil)
	for _, tc := range []struct {
		in  string
		pos int
		msg string // part of the message
	}{
		{strings.Repeat("a ", 32) + "zu viel", 64, "too many terms"},
		{strings.Repeat("a ", 30) + `"b c d"`, 60, "too many terms"},
		{strings.Repeat("bürger:1 ", 33), 288, "too many terms"},
		{"Pass " + strings.Repeat("ü", 65), 5, "at most 64"},
		{`"Pass ` + strings.Repeat("x", 65) + `"`, 0, "longer than 64"},
		{`Pass "Antrag auf`, 5, "quotation mark"},
		{`Pass „Antrag auf`, 5, "quotation mark"},
		{strings.Repeat("x", 1001), 1000, "longer than 1000"},
		{"von:2024-13-01", 4, "not a date"},
		{"bis:1.3.2024", 4, "YYYY-MM-DD"},
		{"von:0001-01-01", 4, "out of range"},
		{"von:2024-01-01 from:2024-02-01", 20, "given twice"},
		{"bis:2024-01-01 von:2024-02-01", 15, "von: is after bis:"},
		{"Pass bürger:", 12, "needs a value"},
		{"bürger:ä", 7, "letters, digits"},
		{"klasse:" + strings.Repeat("a", 65), 7, "1 to 64"},
		{"-klasse:tax", 0, "cannot be excluded"},
	} {
		_, err := search.ParseQuery(tc.in)
		var qe *search.QueryError
		if !errors.As(err, &qe) {
			t.Errorf("%q: error %v, want a *QueryError", tc.in, err)
			continue
		}
		if qe.Pos != tc.pos || !strings.Contains(qe.Msg, tc.msg) {
			t.Errorf("%q: %v, want position %d and %q", tc.in, qe, tc.pos, tc.msg)
		}
		// Search reports the same error, as ErrInvalid.
		_, err = ix.Search(context.Background(), search.Request{Query: tc.in, Role: search.Clerk})
		if !errors.As(err, &qe) || !errors.Is(err, search.ErrInvalid) {
			t.Errorf("%q: Search error %v, want a *QueryError that is ErrInvalid", tc.in, err)
		}
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		"", "Reisepass Müller", `"Antrag auf Reisepass"`, `-"a b" -c`, "bürger:4711 klasse:tax",
		"von:2024-01-01 bis:2024-12-31", `„x“ “y” "z`, "x:y -:", "- -- ---", strings.Repeat("a ", 40),
		"\xff\xfe bürger:\x00", "Mu\u0308ller BU\u0308RGER:1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := search.ParseQuery(s)
		if err != nil {
			var qe *search.QueryError
			if !errors.As(err, &qe) || q != nil {
				t.Fatalf("%q: error %T %v with query %v", s, err, err, q)
			}
			if qe.Pos < 0 || qe.Pos > utf8.RuneCountInString(norm.NFC.String(s))+1 || qe.Msg == "" {
				t.Fatalf("%q: bad error %+v", s, qe)
			}
			return
		}
		if n := len(q.Terms) + len(q.Citizens) + len(q.Classes); n > search.MaxTerms {
			t.Fatalf("%q: %d terms", s, n)
		}
		for _, term := range q.Terms {
			words := strings.Fields(term.Text)
			if len(words) == 0 || len(words) > search.MaxTerms || (len(words) > 1) != term.Phrase {
				t.Fatalf("%q: bad term %+v", s, term)
			}
			for _, w := range words {
				if utf8.RuneCountInString(w) > search.MaxTermLen {
					t.Fatalf("%q: word of %d characters", s, utf8.RuneCountInString(w))
				}
			}
		}
		if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
			t.Fatalf("%q: from %v after to %v", s, q.From, q.To)
		}
	})
}
