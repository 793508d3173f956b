package retention

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Period is an ISO 8601 duration in calendar units: years, months, weeks and days ("P5Y",
// "P1Y6M", "P30D", "P0D"). Times of day ("PT12H") are not retention periods and are refused.
type Period struct {
	Years, Months, Days int
}

// ParsePeriod parses an ISO 8601 duration of years, months, weeks and days.
func ParsePeriod(s string) (Period, error) {
	var p Period
	rest, ok := strings.CutPrefix(s, "P")
	if !ok || rest == "" {
		return p, fmt.Errorf("%q is not an ISO 8601 duration: write e.g. P5Y, P6M, P30D", s)
	}
	if strings.Contains(rest, "T") {
		return p, fmt.Errorf("%q has a time part; retention periods are years, months, weeks or days", s)
	}
	last := -1 // index of the last unit seen, to keep Y M W D in order
	for rest != "" {
		i := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
		if i <= 0 {
			return p, fmt.Errorf("%q is not an ISO 8601 duration: a number must come before each unit", s)
		}
		n, err := strconv.Atoi(rest[:i])
		if err != nil || n > 1000 {
			return p, fmt.Errorf("%q: %s is too large (at most 1000 of a unit)", s, rest[:i])
		}
		unit := strings.IndexByte("YMWD", rest[i])
		if unit < 0 || unit <= last {
			return p, fmt.Errorf("%q is not an ISO 8601 duration: units are Y, M, W, D, in this order, each once", s)
		}
		last = unit
		switch rest[i] {
		case 'Y':
			p.Years = n
		case 'M':
			p.Months = n
		case 'W':
			p.Days += 7 * n
		case 'D':
			p.Days += n
		}
		rest = rest[i+1:]
	}
	return p, nil
}

// AddTo returns t plus p, by the calendar (time.AddDate: 29 February plus one year is 1 March).
func (p Period) AddTo(t time.Time) time.Time { return t.AddDate(p.Years, p.Months, p.Days) }

// String returns p in ISO 8601.
func (p Period) String() string {
	if p == (Period{}) {
		return "P0D"
	}
	var b strings.Builder
	b.WriteByte('P')
	for _, u := range []struct {
		n int
		c byte
	}{{p.Years, 'Y'}, {p.Months, 'M'}, {p.Days, 'D'}} {
		if u.n != 0 {
			b.WriteString(strconv.Itoa(u.n))
			b.WriteByte(u.c)
		}
	}
	return b.String()
}

// german and english say p in words: "5 Jahre", "5 years", "1 Jahr 6 Monate".
func (p Period) german() string {
	return p.words([3][2]string{{"Jahr", "Jahre"}, {"Monat", "Monate"}, {"Tag", "Tage"}}, "0 Tage")
}

func (p Period) english() string {
	return p.words([3][2]string{{"year", "years"}, {"month", "months"}, {"day", "days"}}, "0 days")
}

func (p Period) words(units [3][2]string, zero string) string {
	var parts []string
	for i, n := range []int{p.Years, p.Months, p.Days} {
		switch {
		case n == 1:
			parts = append(parts, "1 "+units[i][0])
		case n > 1:
			parts = append(parts, strconv.Itoa(n)+" "+units[i][1])
		}
	}
	if len(parts) == 0 {
		return zero
	}
	return strings.Join(parts, " ")
}
