package searchcorpus

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"

	"akte/search"
)

// Options describe a corpus. The zero value is the default corpus of the benchmark.
type Options struct {
	Seed int64
	// Docs is the number of documents the caller will use, numbers 0 to Docs-1; Query draws
	// its citizens, names and dates from them. Doc accepts any number. Default 1,000,000.
	Docs int
	// Citizens is about how many citizens the Docs documents belong to; it sets the average
	// number of documents per citizen. Default Docs/4; at most Docs.
	Citizens int
}

// Generator makes the documents and queries of one corpus. It is immutable and safe for
// concurrent use.
type Generator struct {
	seed uint64
	docs int
	home city
	t    *templates

	counts                   counts
	family, roots, suffixes  zipf
	male, female, city       zipf
	nouns, parts, adjs, laws zipf
}

// New returns the generator of the corpus opts describes.
func New(opts Options) *Generator {
	t, err := compiledTemplates()
	if err != nil {
		panic(err) // a broken template is a bug, which every test finds
	}
	if opts.Docs <= 0 {
		opts.Docs = 1_000_000
	}
	if opts.Citizens <= 0 {
		opts.Citizens = max(opts.Docs/4, 1)
	}
	opts.Citizens = min(opts.Citizens, opts.Docs)
	seed := uint64(opts.Seed)
	home := rng{key(seed, tagTown, 0)}
	return &Generator{
		seed:     seed,
		docs:     opts.Docs,
		home:     pick(&home, homeTowns),
		t:        t,
		counts:   newCounts(float64(opts.Docs) / float64(opts.Citizens)),
		family:   newZipf(len(familyNames), 0.8),
		roots:    newZipf(len(familyRoots), 0.5),
		suffixes: newZipf(len(familySuffixes), 0.5),
		male:     newZipf(len(givenMale), 0.7),
		female:   newZipf(len(givenFemale), 0.7),
		city:     newZipf(len(cities), 0.9),
		nouns:    newZipf(len(nouns), 1),
		parts:    newZipf(len(participles), 0.8),
		adjs:     newZipf(len(adjectives), 0.8),
		laws:     newZipf(len(laws), 0.8),
	}
}

// Doc returns document number i ≥ 0. It depends only on the options and i: the same i gives
// the same Doc, different i give different IDs. It panics if i is negative.
func (g *Generator) Doc(i int) search.Doc {
	if i < 0 {
		panic(fmt.Sprintf("searchcorpus: document number %d is negative", i))
	}
	c := g.citizen(g.citizenOf(i))
	x := ctx{g: g, c: &c}
	var k *ckind
	x.r, k, x.source, x.date = g.start(i)
	x.k = k.kind
	r := &x.r
	created := createdAt(r, x.date, x.source)
	x.earlier = x.date.AddDate(0, 0, -3-r.intn(50))
	x.later = x.date.AddDate(0, 0, 14+r.intn(22))
	x.az = k.office.code + "-" + strconv.Itoa(1+r.intn(3000)) + "/" + strconv.Itoa(x.date.Year())
	x.kz = strconv.Itoa(1+r.intn(9)) + "." + pad(r.intn(10000), 4) + "." + pad(r.intn(1000000), 6) + "." + strconv.Itoa(r.intn(10))
	x.clerk = pick(r, clerks)
	x.other = cities[g.city.draw(r)]
	x.oname = g.otherName(r)
	x.mess = logUniform(r, 2000, 500000)
	x.hebe = 380 + r.intn(111)
	status := search.StatusActive
	if c.restricted || r.chance(25) {
		status = search.StatusRestricted
	}

	target := 1000 + int(4000*(r.float()+r.float())/2) // 1–5 KB, 3 KB on average
	x.b = make([]byte, 0, 160)
	x.exec(pick(r, k.titles))
	title := string(x.b)
	x.b = make([]byte, 0, target+1200)
	g.t.write(&x, k, title, target)

	return search.Doc{
		ID:      g.id(i, created),
		Citizen: c.id,
		Class:   k.class,
		Source:  sources[x.source],
		Status:  status,
		Title:   title,
		Text:    string(x.b),
		Date:    x.date,
		Created: created,
		Names:   c.names(),
	}
}

// start begins document i: its random stream, past the first draws, which fix the kind, the
// source and the date. Query learns those from it without writing the text.
func (g *Generator) start(i int) (r rng, k *ckind, source int, date time.Time) {
	r = rng{key(g.seed, tagDoc, uint64(i))}
	k = &g.t.kinds[weighted(&r, g.t.weights)]
	source = weighted(&r, k.sources[:])
	return r, k, source, docDate(&r, source)
}

// otherName returns a person's full name: a landlord, a representative, a deceased relative.
func (g *Generator) otherName(r *rng) string {
	given := givenMale[g.male.draw(r)]
	if r.intn(2) == 0 {
		given = givenFemale[g.female.draw(r)]
	}
	return given + " " + g.familyName(r)
}

// id returns the ULID of document i: the time of created, and 80 bits of entropy whose last
// 64 are a bijection of i, so IDs of one corpus never collide.
func (g *Generator) id(i int, created time.Time) string {
	var u ulid.ULID
	if err := u.SetTime(ulid.Timestamp(created)); err != nil {
		panic(err) // created lies within 2005–2027
	}
	e := mix(uint64(i) ^ key(g.seed, tagID, 0))
	s := key(g.seed, tagID, uint64(i)+1)
	var ent [10]byte
	ent[0], ent[1] = byte(s>>8), byte(s)
	for j := range 8 {
		ent[2+j] = byte(e >> (56 - 8*j))
	}
	if err := u.SetEntropy(ent[:]); err != nil {
		panic(err)
	}
	return u.String()
}

// The corpus spans document dates from corpusStart to corpusEnd; documents become more
// frequent over the years (the density at the end is three times that at the start).
var (
	corpusStart = time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC)
	corpusEnd   = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
)

// docDate returns a document date (midnight UTC). Documents handed in at the counter or
// scanned by staff fall on working days.
func docDate(r *rng, source int) time.Time {
	span := corpusEnd.Sub(corpusStart).Hours() / 24
	x := (math.Sqrt(1+8*r.float()) - 1) / 2 // density ∝ 1+2x on [0, 1)
	d := corpusStart.AddDate(0, 0, int(x*span))
	if source == 1 || source == 2 {
		switch d.Weekday() {
		case time.Saturday:
			d = d.AddDate(0, 0, 2)
		case time.Sunday:
			d = d.AddDate(0, 0, 1)
		}
		if !d.Before(corpusEnd) {
			d = d.AddDate(0, 0, -3) // the Friday before
		}
	}
	return d
}

// createdAt returns when the record was created: on the day for the portal, the counter and
// the API, days later for scans and imports.
func createdAt(r *rng, date time.Time, source int) time.Time {
	var days, from, to int // to: seconds after midnight
	switch source {
	case 0: // portal: any time of day
		from, to = 0, 86399
	case 1: // counter: office hours
		from, to = 8*3600, 17*3600
	case 2: // scan: in the post room within a few weeks
		days, from, to = 1+r.intn(20), 7*3600, 17*3600
	case 3: // import: a night batch within two months
		days, from, to = 1+r.intn(60), 3600, 5*3600
	default: // api: the specialised system hands it on within two days
		days, from, to = r.intn(3), 0, 86399
	}
	sec := from + r.intn(to-from+1)
	return date.AddDate(0, 0, days).Add(time.Duration(sec)*time.Second + time.Duration(r.intn(1000))*time.Millisecond)
}

func pad(n, width int) string { return string(appendPadded(nil, n, width)) }

// templates are the kinds and shared parts, compiled.
type templates struct {
	kinds   []ckind
	weights []int

	formHead, formHead2, letterHead, replyHead tmpl
	formClose, letterClose, replyClose, remedy tmpl
	notices, fillers                           []tmpl
	noteHeads                                  []tmpl
}

type ckind struct {
	*kind
	titles, intro, body []tmpl
}

var compiledTemplates = sync.OnceValues(func() (*templates, error) {
	t := &templates{}
	var err error
	one := func(s string) tmpl {
		if err != nil {
			return nil
		}
		var c tmpl
		c, err = compile(strings.ReplaceAll(s, "{personblock}", personBlock))
		return c
	}
	all := func(ss []string) []tmpl {
		out := make([]tmpl, len(ss))
		for i, s := range ss {
			out[i] = one(s)
		}
		return out
	}
	for i := range kinds {
		k := &kinds[i]
		if len(k.body) > maxBody {
			return nil, fmt.Errorf("kind %s: %d body paragraphs, at most %d", k.name, len(k.body), maxBody)
		}
		t.kinds = append(t.kinds, ckind{kind: k, titles: all(k.titles), intro: all(k.intro), body: all(k.body)})
		t.weights = append(t.weights, k.weight)
	}
	t.formHead, t.formHead2, t.letterHead, t.replyHead = one(formHead), one(formHead2), one(letterHead), one(replyHead)
	t.formClose, t.letterClose, t.replyClose, t.remedy = one(formClose), one(letterClose), one(replyClose), one(remedy)
	t.notices = all(notices)
	t.fillers = all(fillerPatterns)
	t.noteHeads = all([]string{"Bearbeitungsvermerk ({clerk}, {earlier}): ", "Vermerk vom {later}: ",
		"Aktenvermerk {clerk}: ", "Notiz der Sachbearbeitung: ", "Eingangsvermerk {office}: "})
	if err != nil {
		return nil, err
	}
	return t, nil
})

const maxBody = 16

// write writes the text of a document of kind k into x.b: a header, the intro, body
// paragraphs of the kind, notices and notes until it is about target bytes long, the close.
func (t *templates) write(x *ctx, k *ckind, title string, target int) {
	r := &x.r
	switch k.style {
	case form:
		x.exec(t.formHead)
		x.b = append(x.b, title...)
		x.exec(t.formHead2)
	case letter:
		x.exec(t.letterHead)
	case reply:
		x.exec(t.replyHead)
	}
	x.exec(pick(r, k.intro))

	closing := 250
	if k.remedy {
		closing = 650
	}
	var order [maxBody]uint8 // body paragraphs not used yet: order[next:]
	for j := range order {
		order[j] = uint8(j)
	}
	next := 0
	var usedNotices uint32
	for guard := 0; len(x.b) < target-closing && guard < 60; guard++ {
		switch {
		case next < len(k.body) && r.chance(650):
			j := next + r.intn(len(k.body)-next)
			order[next], order[j] = order[j], order[next]
			x.exec(k.body[order[next]])
			next++
		case r.chance(350):
			j := r.intn(len(t.notices))
			if usedNotices&(1<<j) != 0 {
				continue
			}
			usedNotices |= 1 << j
			x.exec(t.notices[j])
		default:
			x.exec(pick(r, t.noteHeads))
			for n := 2 + r.intn(4); n > 0; n-- {
				x.exec(pick(r, t.fillers))
				if n > 1 {
					x.b = append(x.b, ' ')
				}
			}
		}
		x.b = append(x.b, "\n\n"...)
	}

	switch k.style {
	case form:
		x.exec(t.formClose)
	case letter:
		if k.remedy {
			x.exec(t.remedy)
		}
		x.exec(t.letterClose)
	case reply:
		x.exec(t.replyClose)
	}
}
