package searchcorpus

import (
	"strings"
	"time"

	"akte/search"
)

// Query classes of QuerySpec.Class.
const (
	QueryCitizen  = "citizen"  // a citizen's file: bürger:ID
	QueryName     = "name"     // a person's name
	QueryTerm     = "term"     // one word, frequent or rare
	QueryPhrase   = "phrase"   // a quoted phrase
	QueryFiltered = "filtered" // words with klasse:, von:, bis: or the same as structured filters
	QueryFacets   = "facets"   // full text with facets and highlights
)

// QuerySpec is one query of the benchmark mix: what a clerk types (Query), structured
// filters from the UI, and whether facets and highlights are asked for.
type QuerySpec struct {
	Class       string // one of the Query… classes
	Query       string
	Citizen     []string
	ClassFilter []string
	From, To    time.Time // document date, days inclusive; zero means open
	Facets      bool
	Highlight   bool
}

// Request returns q as a search request for role.
func (q QuerySpec) Request(role search.Role) search.Request {
	return search.Request{
		Query: q.Query, Citizen: q.Citizen, Class: q.ClassFilter,
		DateFrom: q.From, DateTo: q.To,
		Facets: q.Facets, Highlight: q.Highlight, Role: role,
	}
}

// queryPattern fixes the classes of the mix: query i has class queryPattern[i%20], so every
// 20 consecutive queries (and 0..999 as a whole) hold 25 % citizen lookups, 15 % names,
// 20 % terms, 15 % phrases, 15 % filtered full text and 10 % full text with facets.
var queryPattern = [20]string{
	QueryCitizen, QueryName, QueryTerm, QueryPhrase, QueryCitizen,
	QueryFiltered, QueryTerm, QueryCitizen, QueryFacets, QueryName,
	QueryPhrase, QueryTerm, QueryCitizen, QueryFiltered, QueryName,
	QueryTerm, QueryPhrase, QueryCitizen, QueryFiltered, QueryFacets,
}

// Query returns query number i ≥ 0 of the fixed mix, a pure function of the options and i.
// The benchmark uses i in 0..999. Citizens, names, classes and dates are taken from documents
// 0..Docs-1 (a document drawn uniformly, so citizens with many documents come up more often,
// as they do at the counter). Within each class:
//
//   - citizen: 50 % "bürger:ID", 10 % "citizen:ID", 20 % the ID as a structured filter with no
//     words (opening a file), 20 % "bürger:ID" and a word all documents of one kind contain.
//   - name: 50 % the family name as written, 20 % the same with umlauts and ß spelt out
//     ("Mueller", "Weiss"; names without them stay as they are), 20 % given and family name,
//     10 % family name and a kind's word ("Müller Reisepass").
//   - term: 40 % frequent words ("Antrag", "Bescheid"), 20 % inflected forms that need German
//     matching ("Reisepässe", "Anträge") or lower case, 25 % rare words from the tail of the
//     vocabulary, 15 % a street or town.
//   - phrase: 60 % phrases of frequent words ("der Antrag", "mit freundlichen Grüßen"), 25 % a
//     citizen's full name in quotes, 15 % a phrase and a word.
//   - filtered: a kind's word with the document's class and a date range of one to three
//     years around its date: two thirds typed (klasse:/von:/bis:, some in the English
//     spelling, some with only one bound), one third as structured filters.
//   - facets: facets and highlights on 50 % a kind's word, 30 % two frequent words, 20 % a
//     family name.
func (g *Generator) Query(i int) QuerySpec {
	if i < 0 {
		panic("searchcorpus: query number is negative")
	}
	r := rng{key(g.seed, tagQuery, uint64(i))}
	j := r.intn(g.docs)
	q := QuerySpec{Class: queryPattern[i%len(queryPattern)]}
	c := g.citizen(g.citizenOf(j))
	_, k, _, date := g.start(j)
	switch q.Class {
	case QueryCitizen:
		switch x := r.intn(100); {
		case x < 50:
			q.Query = "bürger:" + c.id
		case x < 60:
			q.Query = "citizen:" + c.id
		case x < 80:
			q.Citizen = []string{c.id}
		default:
			q.Query = "bürger:" + c.id + " " + k.key
		}
	case QueryName:
		switch x := r.intn(100); {
		case x < 50:
			q.Query = c.family
		case x < 70:
			q.Query = spellOut(c.family)
		case x < 90:
			q.Query = c.given[0] + " " + c.family
		default:
			q.Query = c.family + " " + k.key
		}
	case QueryTerm:
		switch x := r.intn(100); {
		case x < 40:
			q.Query = pick(&r, frequentWords)
		case x < 60:
			q.Query = pick(&r, inflectedWords)
		case x < 85:
			np := nouns[len(nouns)/3+r.intn(len(nouns)-len(nouns)/3)]
			q.Query = np[strings.LastIndexByte(np, ' ')+1:]
		default:
			q.Query = c.town.name
			if r.intn(2) == 0 {
				q.Query = c.street[:strings.LastIndexByte(c.street, ' ')] // without the number
			}
		}
	case QueryPhrase:
		switch x := r.intn(100); {
		case x < 60:
			q.Query = `"` + pick(&r, frequentPhrases) + `"`
		case x < 85:
			q.Query = `"` + c.fullName() + `"`
		default:
			q.Query = `"` + pick(&r, frequentPhrases) + `" ` + pick(&r, frequentWords)
		}
	case QueryFiltered:
		from := time.Date(date.Year()-r.intn(2), 1, 1, 0, 0, 0, 0, time.UTC)
		to := time.Date(from.Year()+r.intn(3), 12, 31, 0, 0, 0, 0, time.UTC)
		to = time.Date(max(to.Year(), date.Year()), 12, 31, 0, 0, 0, 0, time.UTC)
		if r.intn(3) == 0 {
			q.Query, q.ClassFilter, q.From, q.To = k.key, []string{k.class}, from, to
			break
		}
		cls, von, bis := "klasse:", "von:", "bis:"
		if r.intn(4) == 0 {
			cls, von, bis = "class:", "from:", "to:"
		}
		q.Query = k.key + " " + cls + k.class
		switch r.intn(4) {
		case 0:
			q.Query += " " + von + from.Format(time.DateOnly)
		case 1:
			q.Query += " " + bis + to.Format(time.DateOnly)
		default:
			q.Query += " " + von + from.Format(time.DateOnly) + " " + bis + to.Format(time.DateOnly)
		}
	case QueryFacets:
		q.Facets, q.Highlight = true, true
		switch x := r.intn(100); {
		case x < 50:
			q.Query = k.key
		case x < 80:
			q.Query = pick(&r, frequentWords) + " " + pick(&r, frequentWords)
		default:
			q.Query = c.family
		}
	}
	return q
}

// spellOut writes umlauts and ß the way they are typed without them: "Weiß" → "Weiss".
var spellOut = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue", "ß", "ss").Replace

// Words and phrases of the query mix. Every one occurs in the corpus.
var (
	frequentWords = []string{"Antrag", "Bescheid", "Gebühr", "Stadt", "Frist", "Widerspruch",
		"Zahlung", "Termin", "Unterlagen", "Anschrift", "Wohnung", "Vollmacht", "Reisepass",
		"Personalausweis", "Anmeldung", "Grundsteuer", "Müllgebühren", "Standesamt", "Bürgeramt",
		"Stadtkasse", "Mahnung", "Geburtsurkunde"}
	inflectedWords = []string{"Anträge", "Reisepässe", "Bescheide", "Gebühren", "Fristen",
		"Mahnungen", "Urkunden", "Wohnungen", "Ausweise", "Stellungnahmen", "antrag",
		"müllgebühren", "grundsteuer", "Müll", "Sperrmüll", "Meldebescheinigungen"}
	frequentPhrases = []string{"der Antrag", "die Gebühr", "der Bescheid", "mit freundlichen Grüßen",
		"Sehr geehrte Frau", "sehr geehrter Herr", "gegen diesen Bescheid", "innerhalb eines Monats",
		"nach Bekanntgabe", "bis zum", "Antrag auf Ausstellung", "Ausstellung eines Reisepasses",
		"die Anmeldung", "der Stadt", "Auskunft erteilt", "zu entrichten", "das Kassenzeichen",
		"am 15. Februar", "vom Hundert", "Angaben zur Person", "Widerspruch erhoben",
		"drei bis vier Wochen", "die Müllabfuhr", "in der Regel", "ist nach", "wurde am"}
)
