package search_test

import (
	"strings"
	"testing"
	"time"

	"akte/search"
)

// corpus is a small set of German municipal documents; the numbers are the document IDs.
func corpus() []search.Doc {
	named := func(d search.Doc, names ...string) search.Doc { d.Names = names; return d }
	return []search.Doc{
		doc(1, "Antrag", "Antrag auf einen Reisepass für das Kind."),
		doc(2, "Vertrag", "Der Vertrag über die Nutzung der Halle wurde geschlossen."),
		doc(3, "Bescheid", "Bescheid über die Festsetzung der Grundsteuer."),
		doc(4, "Urkunde", "Ausstellung einer Urkunde über die Geburt."),
		doc(5, "Gebühr", "Die Gebühr für den Personalausweis beträgt 37 Euro."),
		doc(6, "Anmeldung", "Anmeldung einer Wohnung im Haus am Markt."),
		named(doc(10, "Anschreiben", "Sehr geehrte Frau Müller, Ihr Antrag ist eingegangen."), "Anna Müller"),
		doc(11, "Abfall", "Die Abholung von Müll und Sperrmüll erfolgt montags."),
		named(doc(12, "Meldebescheinigung", "Herr Peter Weiß wohnt in der Lindenstraße."), "Peter Weiß"),
		named(doc(13, "Anmeldung", "Familie Schäfer meldet sich an."), "Jonas Schäfer"),
		doc(14, "Tierhaltung", "Ein Schaf auf der Weide hinter dem Rathaus."),
		named(doc(15, "Wohngeld", "Herr Karl Groß beantragt Wohngeld."), "Karl Groß"),
		doc(16, "Brief", "Brief an Herrn Fischer wegen der Fischerei am See."),
		doc(20, "Reisepass", "Antrag auf Reisepass gestellt am Schalter."),
		doc(21, "Verlust", "Reisepass verloren, Antrag folgt per E-Mail."),
		doc(22, "Finanzamt", "Schreiben vom Finanzamt <script>alert(1)</script> zur Steuer."),
	}
}

func TestGermanRecall(t *testing.T) {
	ix, _ := open(t, nil)
	fill(t, ix, corpus()...)
	for _, tc := range []struct {
		query string
		want  []int // must be among the hits
	}{
		{"Reisepässe", []int{1, 20, 21}},
		{"reisepässe", []int{1, 20, 21}},
		{"Verträge", []int{2}},
		{"Anträge", []int{1, 10, 20, 21}},
		{"Bescheide", []int{3}},
		{"Urkunden", []int{4}},
		{"Gebühren", []int{5}},
		{"Personalausweise", []int{5}},
		{"Anmeldungen", []int{6, 13}},
		{"Häuser", []int{6}},
		{"Reisepass", []int{1, 20, 21}},     // and the other way round
		{"Geburten", []int{4}},              // plural of a word in the body
		{"Finanzämter", []int{22}},          // umlaut plural
		{"ﬁnanzamt", []int{22}},             // ligature from PDF text
		{"Abholungen Sperrmüll", []int{11}}, // all words must match
	} {
		got := find(t, ix, search.Request{Query: tc.query})
		for _, w := range tc.want {
			if !strings.Contains(strings.Join(got, ","), id(w)) {
				t.Errorf("%q: hits %v, want %d among them", tc.query, names(got), w)
			}
		}
	}
}

func TestNamePrecision(t *testing.T) {
	ix, _ := open(t, nil)
	fill(t, ix, corpus()...)
	for _, tc := range []struct {
		query string
		want  []int // exactly these
	}{
		{"Müller", []int{10}}, // not 11 (Müll)
		{"Mueller", []int{10}},
		{"Mu\u0308ller", []int{10}}, // decomposed ü
		{"MÜLLER", []int{10}},
		{"Weiß", []int{12}},
		{"Weiss", []int{12}},
		{"Schäfer", []int{13}}, // not 14 (Schaf)
		{"Schaefer", []int{13}},
		{"Groß", []int{15}},
		{"Gross", []int{15}},
		{`"Anna Müller"`, []int{10}},
		{"Müll", []int{10, 11}}, // Müll is nobody's name: German matching, Müller ranks second
		{"Sperrmüll", []int{11}},
		{"Fischer", []int{16}},
	} {
		got := find(t, ix, search.Request{Query: tc.query})
		if !sameSet(got, ids(tc.want...)) {
			t.Errorf("%q: hits %v, want %v", tc.query, names(got), tc.want)
		}
	}
	// Where German matching finds a name-like word, the exact spelling ranks first.
	if got := find(t, ix, search.Request{Query: "Müll"}); len(got) < 2 || got[0] != id(11) {
		t.Errorf("Müll: hits %v, want 11 first", names(got))
	}
}

func TestPhrasesAndExclusion(t *testing.T) {
	ix, _ := open(t, nil)
	fill(t, ix, corpus()...)
	for _, tc := range []struct {
		query string
		want  []int
	}{
		{"Antrag Reisepass", []int{1, 20, 21}},
		{`"Antrag auf Reisepass"`, []int{20}},
		{`„Antrag auf Reisepass“`, []int{20}},
		{`"Anträge auf Reisepässe"`, nil},     // a phrase is exact: no German forms
		{`"antrag AUF reisepass"`, []int{20}}, // up to case
		{`"Antrag auf Reisepass gestellt"`, []int{20}},
		{`"Reisepass Antrag"`, nil},       // order matters
		{`"Reisepass"`, []int{1, 20, 21}}, // a one-word phrase is a word
		{"E-Mail", []int{21}},
		{"Antrag Reisepass -verloren", []int{1, 20}},
		{`Reisepass -"Antrag folgt"`, []int{1, 20}},
		{`Reisepass -"Antrag auf"`, []int{21}},
		{"-Müller Antrag", []int{1, 20, 21}},
		{"Reisepass -& -", []int{1, 20, 21}}, // excluding nothing
		{"& Reisepass", []int{1, 20, 21}},    // nothing searchable in "&": left out
		{"&", nil},                           // nothing at all: nothing found
		{"Reisepass*", []int{1, 20, 21}},     // '*' is no wildcard
		{"Reisep*", nil},
		{"Reisepass~2", nil}, // '~' is no fuzzy operator: the phrase "reisepass 2"
		{"Reisepas~", nil},
		{"/Reise.*/", nil},
	} {
		got := find(t, ix, search.Request{Query: tc.query})
		if !sameSet(got, ids(tc.want...)) {
			t.Errorf("%q: hits %v, want %v", tc.query, names(got), tc.want)
		}
	}
	// Excluded terms alone: everything visible but them.
	got := find(t, ix, search.Request{Query: "-Reisepass"})
	if len(got) != len(corpus())-3 {
		t.Errorf("-Reisepass: %d hits, want %d", len(got), len(corpus())-3)
	}
}

func TestHighlight(t *testing.T) {
	ix, _ := open(t, nil)
	long := doc(30, "Lang", strings.Repeat("Füllwort ", 100)+"Hier steht der Reisepass. "+strings.Repeat("Füllwort ", 100)+"Und dort Frau Müller.")
	long.Names = []string{"Anna Müller"}
	fill(t, ix, append(corpus(), long)...)
	for _, tc := range []struct {
		query string
		id    int
		marks []string // the marked words of all fragments, in order
		html  string   // a substring of the first fragment's HTML
	}{
		{"Reisepässe", 20, []string{"Reisepass"}, "<mark>Reisepass</mark> gestellt"},
		{"Mueller", 10, []string{"Müller"}, "Frau <mark>Müller</mark>,"},
		{"Steuer", 22, []string{"Steuer"}, "&lt;script&gt;"},
		{`"Antrag auf Reisepass" Schalter`, 20, []string{"Antrag auf Reisepass", "Schalter"}, "<mark>Antrag auf Reisepass</mark> gestellt"},
		{"Reisepass Mueller", 30, []string{"Reisepass", "Müller"}, "… "},
	} {
		res := run(t, ix, search.Request{Query: tc.query, Highlight: true})
		var hit *search.Hit
		for i := range res.Hits {
			if res.Hits[i].ID == id(tc.id) {
				hit = &res.Hits[i]
			}
		}
		if hit == nil {
			t.Errorf("%q: %d not found", tc.query, tc.id)
			continue
		}
		var marks []string
		for _, f := range hit.Fragments {
			for _, m := range f.Marks {
				marks = append(marks, f.Text[m.Start:m.End])
			}
		}
		if strings.Join(marks, "|") != strings.Join(tc.marks, "|") {
			t.Errorf("%q: marks %q, want %q (fragments %+v)", tc.query, marks, tc.marks, hit.Fragments)
		}
		if len(hit.Fragments) == 0 || !strings.Contains(hit.Fragments[0].HTML(), tc.html) {
			t.Errorf("%q: fragments %+v lack %q", tc.query, hit.Fragments, tc.html)
		}
		for _, f := range hit.Fragments {
			if len(f.Text) > 400 {
				t.Errorf("%q: fragment of %d bytes", tc.query, len(f.Text))
			}
		}
	}
	// Without Highlight, no fragments.
	if res := run(t, ix, search.Request{Query: "Reisepass"}); res.Hits[0].Fragments != nil {
		t.Errorf("fragments without Highlight: %+v", res.Hits[0].Fragments)
	}
}

// TestTitleWords: the title's words are found like the body's and weigh more; the title is
// kept as it was for display, and highlights come from the body only.
func TestTitleWords(t *testing.T) {
	ix, _ := open(t, nil)
	fill(t, ix,
		doc(1, "Hundesteuer Bescheid", "Die Festsetzung für das Jahr erfolgt hiermit."),
		doc(2, "Schreiben", "Die Hundesteuer für das Jahr wird hiermit festgesetzt."),
		doc(3, "Antrag auf Wohngeld", "Eingang am Schalter."),
		doc(4, "Antrag", "Wohngeld wird gewährt."),
	)
	if got := find(t, ix, search.Request{Query: "Hundesteuern"}); strings.Join(got, ",") != strings.Join(ids(1, 2), ",") {
		t.Errorf("Hundesteuern: hits %v, want 1 (title) before 2 (body)", names(got))
	}
	if got := find(t, ix, search.Request{Query: `"Antrag auf Wohngeld"`}); strings.Join(got, ",") != id(3) {
		t.Errorf(`"Antrag auf Wohngeld": hits %v, want 3 (a phrase in the title)`, names(got))
	}
	// Title and body are separate values: no phrase across their boundary.
	if got := find(t, ix, search.Request{Query: `"Antrag Wohngeld"`}); len(got) != 0 {
		t.Errorf(`"Antrag Wohngeld": hits %v, want none (title's last and body's first word)`, names(got))
	}
	res := run(t, ix, search.Request{Query: "Hundesteuer Festsetzung", Highlight: true})
	if len(res.Hits) != 1 || res.Hits[0].Title != "Hundesteuer Bescheid" {
		t.Fatalf("Hundesteuer Festsetzung: hits %+v, want 1 titled %q", res.Hits, "Hundesteuer Bescheid")
	}
	for _, f := range res.Hits[0].Fragments {
		if strings.Contains(f.Text, "Hundesteuer") || !strings.Contains(f.Text, "Festsetzung") {
			t.Errorf("fragment %q: want the body's words only", f.Text)
		}
	}
}

// TestFiltersDoNotReorder: a filter every hit passes leaves hits, scores and order as they
// were — a date range as postings had added a score that differed from document to document.
// The ranges cut years, so they are date ranges, not only year terms.
func TestFiltersDoNotReorder(t *testing.T) {
	ix, _ := open(t, nil)
	docs := corpus()
	for i := range docs { // dates over 2020 and 2021, some on the same day
		docs[i].Date = day(2020+i%2, time.Month(1+i*5%12), 2+i%3)
	}
	fill(t, ix, docs...)
	for _, q := range []string{"Antrag", "Reisepass Antrag", "Müller"} {
		plain := run(t, ix, search.Request{Query: q})
		for _, f := range []string{" von:2020-01-02", " bis:2021-12-30", " von:2020-01-02 bis:2021-12-30 klasse:correspondence"} {
			res := run(t, ix, search.Request{Query: q + f})
			if len(res.Hits) != len(plain.Hits) {
				t.Fatalf("%q: %d hits, without the filter %d", q+f, len(res.Hits), len(plain.Hits))
			}
			for i := range res.Hits {
				if res.Hits[i].ID != plain.Hits[i].ID || res.Hits[i].Score != plain.Hits[i].Score {
					t.Errorf("%q: hit %d is %s (%.4f), without the filter %s (%.4f)", q+f, i,
						res.Hits[i].ID, res.Hits[i].Score, plain.Hits[i].ID, plain.Hits[i].Score)
				}
			}
		}
	}
}

// TestPhraseOrder: the index keeps no positions; a phrase is its words, their order checked
// on the stored title, body and names. The check is exact where pairs had not been: a phrase
// of three words does not match its two pairs apart.
func TestPhraseOrder(t *testing.T) {
	ix, _ := open(t, nil)
	named := func(d search.Doc, names ...string) search.Doc { d.Names = names; return d }
	fill(t, ix,
		doc(1, "Brief", "Antrag auf Ausstellung eines Reisepasses."),
		doc(2, "Brief", "Der Antrag auf Verlängerung liegt vor; wir warten auf Ausstellung der Urkunde."),
		doc(3, "Brief", "Ausstellung auf Antrag eines Reisepasses."),
		named(doc(4, "Anmeldung", "Die Anmeldung liegt vor."), "Anna Maria Weiß"),
		doc(5, "Anna Maria", "Weiß ist die Farbe des Formulars."),
		doc(6, "Antrag auf Ausstellung", "Eingang am Schalter."),
		named(doc(7, "Vollmacht", "Vollmacht für Anna."), "Maria Weiß", "Anna Schulz"),
	)
	for _, tc := range []struct {
		query string
		want  []int
	}{
		{`"Antrag auf Ausstellung"`, []int{1, 6}},     // 2 has both pairs apart, 3 the words
		{`"auf Ausstellung"`, []int{1, 2, 6}},         // 2 has this pair
		{`"Ausstellung eines Reisepasses"`, []int{1}}, // 3: "Antrag eines Reisepasses"
		{`"Anna Maria Weiß"`, []int{4}},               // names; 5 splits title and body
		{`"Anna Weiß"`, nil},                          // 7: two names, no name "Anna Weiß"
		{`"Maria Weiss"`, []int{4, 7}},                // folded, within one name
		{`Antrag -"auf Ausstellung"`, []int{3}},       // 2 excluded by the pair, 3 kept
		{`Reisepasses -"Antrag auf Ausstellung"`, []int{3}},
		{`"liegt vor" "Antrag auf"`, []int{2}}, // two phrases
	} {
		got := find(t, ix, search.Request{Query: tc.query})
		if !sameSet(got, ids(tc.want...)) {
			t.Errorf("%q: hits %v, want %v", tc.query, names(got), tc.want)
		}
	}
}
