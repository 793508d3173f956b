package searchcorpus

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Templates are text with slots: "{date}" is filled by the slot of that name (see slotNames),
// "{a|b|c}" by one of the alternatives, uniformly. Alternatives are plain text.

type slot uint8

const (
	sLiteral slot = iota
	sAlt
	sFull        // given and family names
	sGiven       // given names
	sFamily      // family name
	sSalutation  // "Sehr geehrte Frau Müller"
	sAnrede      // "Frau" or "Herr"
	sBirth       // birth date, 02.01.2006
	sBirthYear   // year of birth
	sBirthplace  // town of birth
	sStreet      // street and house number
	sPLZ         // postal code of the citizen's town
	sCity        // the citizen's town
	sHome        // the municipality
	sHomePLZ     // its postal code
	sHomeWeb     // its web name: "lueneburg"
	sOffice      // office of the document's kind
	sOfficeAddr  // its address
	sOStreet     // another street and number
	sOCity       // another town (fixed per document)
	sOPLZ        // its postal code
	sOName       // another person's full name (fixed per document)
	sAbroad      // a town abroad
	sDate        // document date, 02.01.2006
	sDateLong    // document date, "2. Januar 2006"
	sEarlier     // a few days or weeks before the document date
	sLater       // two to five weeks after it (deadlines)
	sYear        // year of the document date
	sPrevYear    // the year before
	sAmount      // an amount of money, "1.234,56 €"
	sSmall       // a small amount, 5–150 €
	sAz          // case number, "Az. 33-1234/2024" without "Az. "
	sKz          // Kassenzeichen
	sCID         // citizen ID
	sClerk       // "Frau Köhler" (fixed per document)
	sPhone       // clerk's phone number
	sRoom        // "Zimmer 2.14"
	sNP          // noun phrase, capitalised
	sNp          // noun phrase
	sPart        // participle
	sAdj         // predicative adjective
	sLaw         // law citation
	sPassNo      // passport number
	sIDNo        // identity card number
	sIBAN        // IBAN
	sCount       // 1–4
	sHeight      // body height in cm
	sRegNo       // register number
	sTime        // time of day, "14:35"
	sNationality // the citizen's nationality
	sMarital     // the citizen's marital status
	sSpouse      // a person with the citizen's family name
	sChild       // a given name
	sChannel     // how the document came in, from its source
	sSigned      // signature line, from its source
	sMessbetrag  // tax base (fixed per document)
	sHebesatz    // municipal rate in % (fixed per document)
	sSteuer      // tax: Messbetrag × Hebesatz
	sPassFee     // passport fee by age
	sIDFee       // identity card fee by age
	sFlur        // parcel number
	sBusiness    // what a business does
	sDog         // a dog's name
)

var slotNames = map[string]slot{
	"full": sFull, "given": sGiven, "family": sFamily, "salutation": sSalutation, "anrede": sAnrede,
	"birth": sBirth, "birthyear": sBirthYear, "birthplace": sBirthplace, "street": sStreet, "plz": sPLZ,
	"city": sCity, "home": sHome, "homeplz": sHomePLZ, "homeweb": sHomeWeb, "office": sOffice,
	"officeaddr": sOfficeAddr, "ostreet": sOStreet, "ocity": sOCity, "oplz": sOPLZ, "oname": sOName,
	"abroad": sAbroad, "date": sDate, "datelong": sDateLong, "earlier": sEarlier, "later": sLater,
	"year": sYear, "prevyear": sPrevYear, "amount": sAmount, "small": sSmall, "az": sAz, "kz": sKz,
	"cid": sCID, "clerk": sClerk, "phone": sPhone, "room": sRoom, "NP": sNP, "np": sNp,
	"part": sPart, "adj": sAdj, "law": sLaw, "passno": sPassNo, "idno": sIDNo, "iban": sIBAN,
	"count": sCount, "height": sHeight, "regno": sRegNo, "time": sTime, "nationality": sNationality,
	"marital": sMarital, "spouse": sSpouse, "child": sChild, "channel": sChannel, "signed": sSigned,
	"messbetrag": sMessbetrag, "hebesatz": sHebesatz, "steuer": sSteuer, "passfee": sPassFee,
	"idfee": sIDFee, "flur": sFlur, "business": sBusiness, "dog": sDog,
}

type piece struct {
	slot slot
	lit  string   // sLiteral
	alts []string // sAlt
}

type tmpl []piece

// compile parses a template; an unknown slot or a stray brace is an error.
func compile(s string) (tmpl, error) {
	var t tmpl
	for s != "" {
		open := strings.IndexByte(s, '{')
		if open < 0 {
			if strings.IndexByte(s, '}') >= 0 {
				return nil, fmt.Errorf("template %q: '}' without '{'", s)
			}
			t = append(t, piece{lit: s})
			break
		}
		if open > 0 {
			t = append(t, piece{lit: s[:open]})
		}
		end := strings.IndexByte(s[open:], '}')
		if end < 0 {
			return nil, fmt.Errorf("template %q: '{' without '}'", s)
		}
		name := s[open+1 : open+end]
		switch sl, ok := slotNames[name]; {
		case strings.Contains(name, "|"):
			t = append(t, piece{slot: sAlt, alts: strings.Split(name, "|")})
		case ok:
			t = append(t, piece{slot: sl})
		default:
			return nil, fmt.Errorf("template %q: unknown slot {%s}", s, name)
		}
		s = s[open+end+1:]
	}
	return t, nil
}

// ctx is what one document's text is made from.
type ctx struct {
	g       *Generator
	r       rng
	c       *citizen
	k       *kind
	source  int
	date    time.Time
	earlier time.Time
	later   time.Time
	az, kz  string
	clerk   string
	other   city
	oname   string
	mess    int64 // Messbetrag in cents
	hebe    int   // Hebesatz in %
	b       []byte
}

func (x *ctx) exec(t tmpl) {
	b := x.b
	for _, p := range t {
		switch p.slot {
		case sLiteral:
			b = append(b, p.lit...)
		case sAlt:
			b = append(b, pick(&x.r, p.alts)...)
		default:
			x.b = b
			x.fill(p.slot)
			b = x.b
		}
	}
	x.b = b
}

func (x *ctx) fill(s slot) {
	r, c, g := &x.r, x.c, x.g
	b := x.b
	switch s {
	case sFull:
		b = appendFull(b, c)
	case sGiven:
		for i, n := range c.given {
			if i > 0 {
				b = append(b, ' ')
			}
			b = append(b, n...)
		}
	case sFamily:
		b = append(b, c.family...)
	case sSalutation:
		if c.female {
			b = append(b, "Sehr geehrte Frau "...)
		} else {
			b = append(b, "Sehr geehrter Herr "...)
		}
		b = append(b, c.family...)
	case sAnrede:
		if c.female {
			b = append(b, "Frau"...)
		} else {
			b = append(b, "Herr"...)
		}
	case sBirth:
		b = appendDate(b, c.birth)
	case sBirthYear:
		b = strconv.AppendInt(b, int64(c.birth.Year()), 10)
	case sBirthplace:
		b = append(b, c.birthplace...)
	case sStreet:
		b = append(b, c.street...)
	case sPLZ:
		b = append(b, c.town.plz...)
	case sCity:
		b = append(b, c.town.name...)
	case sHome:
		b = append(b, g.home.name...)
	case sHomePLZ:
		b = append(b, g.home.plz...)
	case sHomeWeb:
		b = append(b, g.home.web...)
	case sOffice:
		b = append(b, x.k.office.name...)
	case sOfficeAddr:
		b = append(b, x.k.office.addr...)
	case sOStreet:
		b = append(b, pick(r, streets)...)
		b = append(b, ' ')
		b = append(b, houseNumber(r)...)
	case sOCity:
		b = append(b, x.other.name...)
	case sOPLZ:
		b = append(b, x.other.plz...)
	case sOName:
		b = append(b, x.oname...)
	case sAbroad:
		b = append(b, pick(r, abroad)...)
	case sDate:
		b = appendDate(b, x.date)
	case sDateLong:
		b = strconv.AppendInt(b, int64(x.date.Day()), 10)
		b = append(b, ". "...)
		b = append(b, months[x.date.Month()-1]...)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(x.date.Year()), 10)
	case sEarlier:
		b = appendDate(b, x.earlier)
	case sLater:
		b = appendDate(b, x.later)
	case sYear:
		b = strconv.AppendInt(b, int64(x.date.Year()), 10)
	case sPrevYear:
		b = strconv.AppendInt(b, int64(x.date.Year()-1), 10)
	case sAmount:
		b = appendAmount(b, logUniform(r, 500, 2_000_000))
	case sSmall:
		b = appendAmount(b, logUniform(r, 500, 15_000))
	case sAz:
		b = append(b, x.az...)
	case sKz:
		b = append(b, x.kz...)
	case sCID:
		b = append(b, c.id...)
	case sClerk:
		b = append(b, x.clerk...)
	case sPhone:
		b = append(b, g.home.area...)
		b = append(b, " 309-"...)
		b = appendPadded(b, 1000+r.intn(9000), 4)
	case sRoom:
		b = append(b, "Zimmer "...)
		b = strconv.AppendInt(b, int64(r.intn(4)), 10)
		b = append(b, '.')
		b = appendPadded(b, 1+r.intn(40), 2)
	case sNP, sNp:
		np := nouns[g.nouns.draw(r)]
		if s == sNP {
			b = append(b, 'D')
			np = np[1:]
		}
		b = append(b, np...)
	case sPart:
		b = append(b, participles[g.parts.draw(r)]...)
	case sAdj:
		b = append(b, adjectives[g.adjs.draw(r)]...)
	case sLaw:
		b = append(b, laws[g.laws.draw(r)]...)
	case sPassNo:
		b = appendDocNo(b, r, 'C')
	case sIDNo:
		b = appendDocNo(b, r, 'L')
	case sIBAN:
		b = append(b, "DE"...)
		b = appendPadded(b, 10+r.intn(90), 2)
		for range 4 {
			b = append(b, ' ')
			b = appendPadded(b, r.intn(10000), 4)
		}
		b = append(b, ' ')
		b = appendPadded(b, r.intn(100), 2)
	case sCount:
		b = strconv.AppendInt(b, int64(1+r.intn(4)), 10)
	case sHeight:
		b = strconv.AppendInt(b, int64(150+r.intn(50)), 10)
	case sRegNo:
		b = strconv.AppendInt(b, int64(1+r.intn(2500)), 10)
	case sTime:
		b = appendPadded(b, r.intn(24), 2)
		b = append(b, ':')
		b = appendPadded(b, r.intn(60), 2)
	case sNationality:
		b = append(b, c.nationality...)
	case sMarital:
		b = append(b, c.marital...)
	case sSpouse:
		if c.female {
			b = append(b, givenMale[g.male.draw(r)]...)
		} else {
			b = append(b, givenFemale[g.female.draw(r)]...)
		}
		b = append(b, ' ')
		b = append(b, c.family...)
	case sChild:
		if r.intn(2) == 0 {
			b = append(b, givenMale[g.male.draw(r)]...)
		} else {
			b = append(b, givenFemale[g.female.draw(r)]...)
		}
	case sChannel:
		b = append(b, channels[x.source]...)
	case sSigned:
		b = append(b, signatures[x.source]...)
	case sMessbetrag:
		b = appendAmount(b, x.mess)
	case sHebesatz:
		b = strconv.AppendInt(b, int64(x.hebe), 10)
	case sSteuer:
		b = appendAmount(b, x.mess*int64(x.hebe)/100)
	case sPassFee, sIDFee:
		// PassV § 15 and PAuswGebV § 1: reduced fees under 24.
		fee, reduced := int64(7000), int64(3750)
		if s == sIDFee {
			fee, reduced = 3700, 2280
		}
		if x.date.Before(c.birth.AddDate(24, 0, 0)) {
			fee = reduced
		}
		b = appendAmount(b, fee)
	case sFlur:
		b = strconv.AppendInt(b, int64(1+r.intn(80)), 10)
		b = append(b, '/')
		b = strconv.AppendInt(b, int64(1+r.intn(400)), 10)
	case sBusiness:
		b = append(b, pick(r, businesses)...)
	case sDog:
		b = append(b, pick(r, dogs)...)
	default:
		panic(fmt.Sprintf("searchcorpus: slot %d has no filler", s))
	}
	x.b = b
}

// channels and signatures, by source (see sources).
var (
	channels = [...]string{
		"Online-Portal (Bürgerkonto)", "persönliche Vorsprache", "Posteingang, gescannt",
		"Datenübernahme aus dem Altverfahren", "Schnittstelle des Fachverfahrens",
	}
	signatures = [...]string{
		"Elektronisch übermittelt; die antragstellende Person hat sich mit der Online-Ausweisfunktion (eID) ausgewiesen.",
		"Eigenhändig unterschrieben in Anwesenheit der Sachbearbeitung; Identität anhand des Ausweises geprüft.",
		"Unterschrift auf dem Original vorhanden; das Original wurde nach dem Scannen vernichtet (ersetzendes Scannen nach TR-RESISCAN).",
		"Aus dem Altverfahren übernommen; die Unterschrift liegt in der Papierakte vor.",
		"Vom Fachverfahren übermittelt; die Unterschrift liegt dem Fachverfahren vor.",
	}
	businesses = []string{
		"Einzelhandel mit Lebensmitteln", "Friseursalon", "Gaststätte", "Elektroinstallation",
		"Softwareentwicklung", "Bäckerei", "Kfz-Werkstatt", "Garten- und Landschaftsbau",
		"Versicherungsvermittlung", "Schafhaltung und Direktvermarktung", "Physiotherapie",
		"Dachdeckerei", "Kiosk", "Blumenladen", "Fahrradwerkstatt", "Reinigungsdienst",
	}
	dogs = []string{"Bello", "Luna", "Rex", "Emma", "Balu", "Nala", "Struppi", "Mäxchen",
		"Fiete", "Jöri", "Lotte", "Krümel", "Wuschel", "Bärli"}
)

func appendFull(b []byte, c *citizen) []byte {
	for _, n := range c.given {
		b = append(b, n...)
		b = append(b, ' ')
	}
	return append(b, c.family...)
}

// appendDate appends t as 02.01.2006.
func appendDate(b []byte, t time.Time) []byte {
	y, m, d := t.Date()
	b = appendPadded(b, d, 2)
	b = append(b, '.')
	b = appendPadded(b, int(m), 2)
	b = append(b, '.')
	return strconv.AppendInt(b, int64(y), 10)
}

// appendPadded appends n ≥ 0 with leading zeros to width digits.
func appendPadded(b []byte, n, width int) []byte {
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], int64(n), 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// appendAmount appends cents in German style: 1.234,56 €.
func appendAmount(b []byte, cents int64) []byte {
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], cents/100, 10)
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, '.')
		}
		b = append(b, c)
	}
	b = append(b, ',')
	b = appendPadded(b, int(cents%100), 2)
	return append(b, " €"...)
}

// logUniform returns an amount between lo and hi cents, uniform in its logarithm.
func logUniform(r *rng, lo, hi int64) int64 {
	return int64(float64(lo) * math.Pow(float64(hi)/float64(lo), r.float()))
}

// appendDocNo appends a passport or identity card serial number: a letter, eight
// characters of the alphabet the Bundesdruckerei uses.
func appendDocNo(b []byte, r *rng, first byte) []byte {
	const alphabet = "CFGHJKLMNPRTVWXYZ0123456789"
	b = append(b, first)
	for range 8 {
		b = append(b, alphabet[r.intn(len(alphabet))])
	}
	return b
}
