package searchcorpus

import (
	"strconv"
	"strings"
	"time"
)

// Citizens and which documents belong to whom.
//
// The documents are cut into blocks of blockSize consecutive numbers. Each block has its own
// citizens, with document counts drawn from g.counts until the block is full (the last one is
// cut short), so the citizen of document i follows from i alone, a prefix of the corpus holds
// whole files, and a citizen's documents are spread over the block by a fixed permutation
// rather than being neighbours.
const blockSize = 512

// citizenOf returns the number of the citizen that document i belongs to.
func (g *Generator) citizenOf(i int) uint64 {
	b, o := uint64(i)/blockSize, uint64(i)%blockSize
	r := rng{key(g.seed, tagBlock, b)}
	slot := (o*0x2c5 + r.next()) % blockSize // 0x2c5 is odd: a bijection modulo 2^9
	sum := uint64(0)
	for k := uint64(0); ; k++ {
		sum += uint64(g.counts.draw(&r))
		if slot < sum {
			return b*blockSize + k
		}
	}
}

// citizen is a person with a stable name, birth date and address.
type citizen struct {
	id          string // "P" and at least 7 digits
	female      bool
	given       []string
	family      string
	birth       time.Time
	birthplace  string
	street      string // with house number
	town        city
	nationality string
	marital     string
	restricted  bool // has an Auskunftssperre (BMG § 51): all documents restricted
}

// fullName returns the given names and the family name.
func (c *citizen) fullName() string {
	return strings.Join(c.given, " ") + " " + c.family
}

// names returns the words of the name, as the archive indexes them from a form.
func (c *citizen) names() []string {
	out := append([]string(nil), c.given...)
	return append(out, strings.Fields(c.family)...)
}

// citizenID turns a citizen number into an ID that does not look sequential: below 10^7 it
// is scrambled by a bijection of [0, 10^7); larger numbers are kept, so IDs never collide.
func citizenID(n uint64) string {
	if n < 1e7 {
		n = (n*3456789 + 1234567) % 1e7
	}
	return "P" + pad(int(n), 7)
}

// citizen derives citizen n. Households: 40 % of citizens share family name and address
// with the other member of their pair (n and n^1), like spouses or parent and child.
func (g *Generator) citizen(n uint64) citizen {
	r := rng{key(g.seed, tagCitizen, n)}
	pair := n &^ 1
	house := n
	if h := (rng{key(g.seed, tagHousehold, pair)}); h.chance(400) {
		house = pair
	}
	h := rng{key(g.seed, tagHousehold, house) + 1}

	c := citizen{id: citizenID(n), female: r.intn(2) == 0}
	c.family = g.familyName(&h)
	if h.chance(30) { // double names
		c.family += "-" + g.familyName(&h)
	}
	c.street = pick(&h, streets) + " " + houseNumber(&h)
	c.town = g.home
	if h.chance(80) { // registered elsewhere: secondary residence, moved away, taxpayer
		c.town = cities[g.city.draw(&h)]
	}

	given, z := givenMale, g.male
	if c.female {
		given, z = givenFemale, g.female
	}
	c.given = []string{given[z.draw(&r)]}
	if r.chance(200) {
		if second := given[z.draw(&r)]; second != c.given[0] {
			c.given = append(c.given, second)
		}
	}
	day := r.intn(int(maxBirth.Sub(minBirth).Hours() / 24))
	c.birth = minBirth.AddDate(0, 0, day)
	c.birthplace = g.home.name
	if r.chance(600) {
		c.birthplace = cities[g.city.draw(&r)].name
	}
	c.nationality = nationalities[weighted(&r, nationalityWeights)]
	c.marital = maritalStatus[weighted(&r, maritalWeights)]
	c.restricted = r.chance(25)
	return c
}

var (
	minBirth = time.Date(1932, 1, 1, 0, 0, 0, 0, time.UTC)
	maxBirth = time.Date(2006, 12, 31, 0, 0, 0, 0, time.UTC)
)

// houseNumber returns a house number like "12" or "7a".
func houseNumber(r *rng) string {
	n := strconv.Itoa(1 + r.intn(40) + r.intn(3)*r.intn(60))
	if r.chance(100) {
		n += string(rune('a' + r.intn(3)))
	}
	return n
}

// familyName draws a family name: 40 % from the common names, 60 % a compound of the tail.
func (g *Generator) familyName(r *rng) string {
	if r.chance(400) {
		return familyNames[g.family.draw(r)]
	}
	return familyRoots[g.roots.draw(r)] + familySuffixes[g.suffixes.draw(r)]
}
