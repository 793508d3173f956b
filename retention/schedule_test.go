package retention_test

import (
	"errors"
	"strings"
	"testing"

	"akte/retention"
)

// TestScheduleValidation: every mistake is named with its line.
func TestScheduleValidation(t *testing.T) {
	for _, tc := range []struct {
		yaml string
		want []string // "line N: substring"
	}{
		{"", []string{"line 1: the schedule is empty"}},
		{"classes: []\n", []string{"line 1: classes must be a mapping"}},
		{"clases: {}\n", []string{`line 1: the schedule: unknown key "clases"`, "line 1: the schedule has no classes"}},
		{`classes:
  tax:
    disposition: burn
    earliest:
      - {basis: "AO §147", start: created, after: 10Y}
`, []string{`line 3: class tax: disposition "burn" is not destroy, offer or review`, "line 5: class tax: earliest[0]: after: \"10Y\" is not an ISO 8601 duration"}},
		{`classes:
  tax:
    disposition: destroy
    earliest:
      - start: created
        after: P10Y
      - {basis: x, start: "event:married", after: P1Y}
      - {basis: x, start: "fact:Valid Until", after: P1Y, year_end: yes}
      - {basis: x, start: created, after: PT5H, until: 2030}
`, []string{
			"line 5: class tax: earliest[0]: basis is missing",
			"line 7: class tax: earliest[1]: start \"event:married\": events are moved_away, deceased, new_document, case_closed",
			"line 8: class tax: earliest[2]: start \"fact:Valid Until\"",
			"line 8: class tax: earliest[2]: year_end is true or false",
			`line 9: class tax: earliest[3]: unknown key "until"`,
			"line 9: class tax: earliest[3]: after: \"PT5H\" has a time part",
		}},
		{`classes:
  tax:
    title: Steuer
    disposition: destroy
`, []string{"line 3: class tax: needs earliest or latest rules"}},
		{`classes:
  Tax Office:
    disposition: destroy
    latest: [{basis: x, start: "event:new_document:pass port", after: P1D}]
`, []string{`line 2: class "Tax Office"`, "line 4: class Tax Office: latest[0]: start \"event:new_document:pass port\""}},
	} {
		_, err := retention.Parse([]byte(tc.yaml))
		var se *retention.ScheduleError
		if !errors.As(err, &se) {
			t.Errorf("%q: %v, want a *ScheduleError", tc.yaml, err)
			continue
		}
		msg := err.Error()
		for _, w := range tc.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%q:\n%s\nlacks %q", tc.yaml, msg, w)
			}
		}
		if len(se.Problems) != len(tc.want) {
			t.Errorf("%q: %d problems, want %d:\n%s", tc.yaml, len(se.Problems), len(tc.want), msg)
		}
	}
	if _, err := retention.Parse([]byte(strings.Repeat("#", retention.MaxScheduleBytes+1))); err == nil {
		t.Error("an oversized schedule was accepted")
	}
}

func TestParsePeriod(t *testing.T) {
	for in, want := range map[string]retention.Period{
		"P5Y": {Years: 5}, "P1Y6M": {Years: 1, Months: 6}, "P2W": {Days: 14}, "P1W3D": {Days: 10}, "P0D": {},
	} {
		got, err := retention.ParsePeriod(in)
		if err != nil || got != want {
			t.Errorf("%s: %+v, %v; want %+v", in, got, err, want)
		}
		if back, err := retention.ParsePeriod(got.String()); err != nil || back != got {
			t.Errorf("%s: String %q parses as %+v, %v", in, got.String(), back, err)
		}
	}
	for _, in := range []string{"", "P", "5Y", "P5", "PY", "P5Y5Y", "P6M1Y", "P1YT2H", "P-1Y", "P99999999999999999999Y", "P5X"} {
		if p, err := retention.ParsePeriod(in); err == nil {
			t.Errorf("%q accepted as %+v", in, p)
		}
	}
}

func TestClockRoundTrip(t *testing.T) {
	for _, in := range []string{"created", "fact:valid_until", "event:deceased", "event:new_document:id-card"} {
		c, err := retention.ParseClock(in)
		if err != nil || c.String() != in {
			t.Errorf("%s: %+v (%q), %v", in, c, c.String(), err)
		}
	}
}

// FuzzParse: a schedule file never crashes the parser; what parses evaluates without panic.
func FuzzParse(f *testing.F) {
	f.Add(retention.DefaultYAML())
	f.Add([]byte("classes:\n  a:\n    disposition: review\n    latest: [{basis: b, start: [created, \"event:deceased\"], after: P1Y2M3D, year_end: true}]\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := retention.Parse(data)
		if err != nil {
			return
		}
		for name := range s.Classes {
			if _, err := retention.Evaluate(s, retention.Facts{Class: name, Created: d(2020, 1, 1)}, d(2026, 1, 1)); err != nil {
				t.Fatalf("class %s parsed but does not evaluate: %v", name, err)
			}
		}
	})
}
