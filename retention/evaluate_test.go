package retention_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"akte/retention"
)

func d(y int, m time.Month, dd int) time.Time { return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC) }

// TestShippedRules: golden decisions of the default schedule, with their reasons.
func TestShippedRules(t *testing.T) {
	s := retention.Default()
	if !s.Example {
		t.Error("the shipped schedule is not marked as an example")
	}
	now := d(2026, 11, 21)
	for _, tc := range []struct {
		name                  string
		facts                 retention.Facts
		now                   time.Time
		earliest, latest, res time.Time
		phase                 retention.Phase
		next                  time.Time
		reasons               []string // German reasons, in order
	}{
		{
			name: "PassG without a new passport: kept until five years after validity",
			facts: retention.Facts{Class: "passport-application", Created: d(2021, 3, 2),
				Facts: map[string]time.Time{"valid_until": d(2031, 3, 1)}},
			earliest: d(2036, 3, 1), latest: d(2036, 3, 1), phase: retention.PhaseActive, next: d(2036, 3, 1),
			reasons: []string{
				"PassG §21(4): frühestens mit Ausstellung eines neuen Dokuments (passport) — noch nicht eingetreten",
				"PassG §21(4): spätestens 5 Jahre nach Ablauf der Gültigkeit 2031-03-01 → 2036-03-01",
				"Frühester Zeitpunkt noch offen: es gilt der späteste, 2036-03-01",
				"Aufbewahren bis 2036-03-01, dann vernichten",
			},
		},
		{
			name: "PassG with a new passport: may go once it is issued",
			facts: retention.Facts{Class: "passport-application", Created: d(2015, 3, 2),
				Facts:  map[string]time.Time{"valid_until": d(2025, 3, 1)},
				Events: []retention.Event{{Kind: "new_document", Detail: "id-card", At: d(2019, 1, 1)}, {Kind: "new_document", Detail: "passport", At: d(2025, 2, 10)}}},
			earliest: d(2025, 2, 10), latest: d(2030, 3, 1), phase: retention.PhaseDue,
			reasons: []string{
				"PassG §21(4): frühestens mit Ausstellung eines neuen Dokuments (passport) 2025-02-10 → 2025-02-10",
				"PassG §21(4): spätestens 5 Jahre nach Ablauf der Gültigkeit 2025-03-01 → 2030-03-01",
				"Seit 2025-02-10 zur Aussonderung fällig (vernichten), spätestens bis 2030-03-01",
			},
		},
		{
			name: "PassG: a passport issued before this application is not a new one",
			facts: retention.Facts{Class: "passport-application", Created: d(2021, 3, 2),
				Facts:  map[string]time.Time{"valid_until": d(2031, 3, 1)},
				Events: []retention.Event{{Kind: "new_document", Detail: "passport", At: d(2011, 2, 10)}}},
			earliest: d(2036, 3, 1), latest: d(2036, 3, 1), phase: retention.PhaseActive, next: d(2036, 3, 1),
		},
		{
			name:  "PassG: validity not yet recorded — nothing is known",
			facts: retention.Facts{Class: "passport-application", Created: d(2021, 3, 2)},
			phase: retention.PhaseActive,
			reasons: []string{
				"PassG §21(4): frühestens mit Ausstellung eines neuen Dokuments (passport) — noch nicht eingetreten",
				"PassG §21(4): spätestens 5 Jahre nach Ablauf der Gültigkeit — noch nicht eingetreten",
				"Aufbewahren: die Frist hat noch nicht begonnen",
			},
		},
		{
			name: "BMG move-away: five years after the end of the year, then restricted for fifty more",
			facts: retention.Facts{Class: "registration", Created: d(2010, 4, 1),
				Events: []retention.Event{{Kind: "moved_away", At: d(2020, 6, 15)}}},
			res: d(2026, 1, 1), earliest: d(2076, 1, 1), latest: d(2076, 1, 1),
			phase: retention.PhaseRestricted, next: d(2076, 1, 1),
			reasons: []string{
				"BMG §13(2) S. 2, §14: frühestens 55 Jahre nach Wegzug 2020-06-15 (Ablauf des Jahres) → 2076-01-01",
				"BMG §13(2) S. 1: gesperrt ab 5 Jahre nach Wegzug 2020-06-15 (Ablauf des Jahres) → 2026-01-01",
				"Gesperrt seit 2026-01-01 (nur Registratur); aufbewahren bis 2076-01-01, dann dem Archiv anbieten",
			},
		},
		{
			name: "BMG death on 31 December: the year ends the same night",
			facts: retention.Facts{Class: "registration", Created: d(2010, 4, 1),
				Events: []retention.Event{{Kind: "deceased", At: d(2021, 12, 31)}}},
			res: d(2027, 1, 1), earliest: d(2077, 1, 1), latest: d(2077, 1, 1),
			phase: retention.PhaseActive, next: d(2027, 1, 1),
		},
		{
			name: "BMG: the first of move and death counts",
			facts: retention.Facts{Class: "registration", Created: d(2010, 4, 1),
				Events: []retention.Event{{Kind: "deceased", At: d(2024, 2, 1)}, {Kind: "moved_away", At: d(2019, 7, 1)}, {Kind: "moved_away", At: d(2009, 7, 1)}}},
			res: d(2025, 1, 1), earliest: d(2075, 1, 1), latest: d(2075, 1, 1),
			phase: retention.PhaseRestricted, next: d(2075, 1, 1),
		},
		{
			name:  "BMG: still living here — kept, no date",
			facts: retention.Facts{Class: "registration", Created: d(2010, 4, 1)},
			phase: retention.PhaseActive,
		},
		{
			name: "PStG birth register: 110 years after the entry",
			facts: retention.Facts{Class: "civil-register-birth", Created: d(2001, 5, 3),
				Facts: map[string]time.Time{"registered": d(1950, 5, 2)}},
			earliest: d(2060, 5, 2), latest: d(2060, 5, 2), phase: retention.PhaseActive, next: d(2060, 5, 2),
			reasons: []string{
				"PStG §5(5) Nr. 2, §7(3): frühestens 110 Jahre nach Beurkundung 1950-05-02 → 2060-05-02",
				"Aufbewahren bis 2060-05-02, dann dem Archiv anbieten",
			},
		},
		{
			name: "PStG marriage register: 80 years",
			facts: retention.Facts{Class: "civil-register-marriage", Created: d(1990, 1, 1),
				Facts: map[string]time.Time{"registered": d(1944, 8, 9)}},
			earliest: d(2024, 8, 9), latest: d(2024, 8, 9), phase: retention.PhaseDue,
		},
		{
			name:     "PStG death register: 30 years, from creation without an entry date",
			facts:    retention.Facts{Class: "civil-register-death", Created: d(1996, 11, 21)},
			earliest: d(2026, 11, 21), latest: d(2026, 11, 21), phase: retention.PhaseDue,
		},
		{
			name:     "AO: ten years after the end of the year",
			facts:    retention.Facts{Class: "tax", Created: d(2016, 12, 30)},
			earliest: d(2027, 1, 1), latest: d(2027, 1, 1), phase: retention.PhaseActive, next: d(2027, 1, 1),
			reasons: []string{
				"AO §147(1) Nr. 4, (3), (4): frühestens 10 Jahre nach Erstellung 2016-12-30 (Ablauf des Jahres) → 2027-01-01",
				"Aufbewahren bis 2027-01-01, dann vernichten",
			},
		},
		{
			name:  "AO: due on its first day",
			facts: retention.Facts{Class: "tax", Created: d(2015, 1, 1)}, now: d(2026, 1, 1),
			earliest: d(2026, 1, 1), latest: d(2026, 1, 1), phase: retention.PhaseDue,
		},
		{
			name:     "correspondence: an open case is kept at most 30 years",
			facts:    retention.Facts{Class: "correspondence", Created: d(2020, 5, 5)},
			earliest: d(2051, 1, 1), latest: d(2051, 1, 1), phase: retention.PhaseActive, next: d(2051, 1, 1),
		},
		{
			name: "correspondence: closed case, ten years",
			facts: retention.Facts{Class: "correspondence", Created: d(2020, 5, 5),
				Events: []retention.Event{{Kind: "case_closed", At: d(2021, 3, 1)}}},
			earliest: d(2032, 1, 1), latest: d(2051, 1, 1), phase: retention.PhaseActive, next: d(2032, 1, 1),
		},
	} {
		at := now
		if !tc.now.IsZero() {
			at = tc.now
		}
		got, err := retention.Evaluate(s, tc.facts, at)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !got.Earliest.Equal(tc.earliest) || !got.Latest.Equal(tc.latest) || !got.Restricted.Equal(tc.res) ||
			got.Phase != tc.phase || !got.Next.Equal(tc.next) {
			t.Errorf("%s:\n got earliest %v latest %v restricted %v phase %s next %v\nwant earliest %v latest %v restricted %v phase %s next %v",
				tc.name, got.Earliest, got.Latest, got.Restricted, got.Phase, got.Next, tc.earliest, tc.latest, tc.res, tc.phase, tc.next)
		}
		if tc.reasons != nil {
			var de []string
			for _, r := range got.Reasons {
				de = append(de, r.DE)
			}
			if strings.Join(de, "\n") != strings.Join(tc.reasons, "\n") {
				t.Errorf("%s: reasons\n%s\nwant\n%s", tc.name, strings.Join(de, "\n"), strings.Join(tc.reasons, "\n"))
			}
		}
		for _, r := range got.Reasons {
			if r.DE == "" || r.EN == "" {
				t.Errorf("%s: a reason lacks a language: %+v", tc.name, r)
			}
		}
	}
	if _, err := retention.Evaluate(s, retention.Facts{Class: "nope", Created: now}, now); !errors.Is(err, retention.ErrUnknownClass) {
		t.Errorf("unknown class: %v", err)
	}
}

// TestLockUntil: the lock policy — earliest date when known, rolling otherwise, never past
// the latest date, never shorter than the current lock.
func TestLockUntil(t *testing.T) {
	year := retention.Period{Years: 1}
	now := d(2026, 11, 21)
	for _, tc := range []struct {
		name                   string
		earliest, latest, curr time.Time
		want                   time.Time
	}{
		{"earliest known", d(2030, 1, 1), d(2035, 1, 1), time.Time{}, d(2030, 1, 1)},
		{"unknown: rolling", time.Time{}, time.Time{}, time.Time{}, d(2027, 11, 21)},
		{"unknown, latest soon: not past it", time.Time{}, d(2027, 3, 1), time.Time{}, d(2027, 3, 1)},
		{"never shortened", d(2028, 1, 1), d(2040, 1, 1), d(2029, 1, 1), d(2029, 1, 1)},
		{"extended as facts arrive", d(2031, 1, 1), d(2040, 1, 1), d(2027, 11, 21), d(2031, 1, 1)},
	} {
		got := retention.LockUntil(retention.Decision{Earliest: tc.earliest, Latest: tc.latest}, tc.curr, now, year)
		if !got.Equal(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	// The earliest rule's clock has not started (correspondence, case not
	// closed): Evaluate stands the latest date in, but the lock rolls.
	dec, err := retention.Evaluate(retention.Default(), retention.Facts{Class: "correspondence", Created: now}, now)
	if err != nil || !dec.Provisional || dec.Earliest.IsZero() {
		t.Fatalf("correspondence without case_closed: %+v, %v", dec, err)
	}
	if got := retention.LockUntil(dec, time.Time{}, now, year); !got.Equal(d(2027, 11, 21)) {
		t.Errorf("provisional earliest: lock %v, want the rolling year", got)
	}
}
