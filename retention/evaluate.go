package retention

import (
	"fmt"
	"strings"
	"time"
)

// Facts is what Evaluate knows about one record: its class, when it was created, facts about
// it (valid_until of a passport, registered of a register entry) and its citizen's events.
type Facts struct {
	Class   string
	Created time.Time
	Facts   map[string]time.Time
	Events  []Event
}

// Event is something that happened to the record's citizen.
type Event struct {
	Kind   string // EventMovedAway, EventDeceased, EventNewDocument, EventCaseClosed
	Detail string // for EventNewDocument: which document, e.g. passport
	At     time.Time
}

// Phase is where a record stands in its life.
type Phase string

// Phases.
const (
	PhaseActive     Phase = "active"     // every role that may read it sees it
	PhaseRestricted Phase = "restricted" // records officers only
	PhaseDue        Phase = "due"        // may lawfully be disposed of (and must be by Latest)
)

// Decision is the retention state of a record at one moment. Dates are days (midnight UTC);
// the zero time means not yet known, because a clock has not started.
type Decision struct {
	Class       string
	Disposition Disposition
	Earliest    time.Time // the first day on which disposal is lawful
	Latest      time.Time // the day by which the record must be disposed of
	Restricted  time.Time // from this day records officers only; zero if never
	// Provisional: an earliest rule's clock has not started yet, so Earliest
	// is only the latest date standing in; a lock must roll, not jump there.
	Provisional bool
	Phase       Phase
	Next        time.Time // when the phase changes next; zero if no change is known
	NextPhase   Phase
	Reasons     []Reason // one per rule, then the conclusions
}

// Reason is one step of a decision, in German and English, with its legal basis.
type Reason struct {
	Basis string `json:"basis,omitempty"`
	DE    string `json:"de"`
	EN    string `json:"en"`
}

// Evaluate applies the schedule to one record's facts at now: the earliest and latest
// disposal dates, the phase, the next change and the reasons. It is a pure function: no
// I/O, no clock. It fails only with ErrUnknownClass.
//
// A rule's clock starts at the first of its starts to happen: created, a fact, or an event.
// Events count from the day the record was created on — a move before the record was made
// is not the move that ends it — except deceased, which counts whenever it happened. With
// year_end the period runs from the end of that calendar year (1 January of the next).
func Evaluate(s *Schedule, f Facts, now time.Time) (Decision, error) {
	c := s.Classes[f.Class]
	if c == nil {
		return Decision{}, fmt.Errorf("%w: %q", ErrUnknownClass, f.Class)
	}
	d := Decision{Class: c.Name, Disposition: c.Disposition}
	today := day(now)

	var earliest time.Time
	earliestKnown := len(c.Earliest) > 0
	for _, r := range c.Earliest {
		t, reason := f.apply(r, "frühestens", "not before")
		d.Reasons = append(d.Reasons, reason)
		if t.IsZero() {
			earliestKnown = false
		} else if t.After(earliest) {
			earliest = t
		}
	}
	for _, r := range c.Latest {
		t, reason := f.apply(r, "spätestens", "at the latest")
		d.Reasons = append(d.Reasons, reason)
		if !t.IsZero() && (d.Latest.IsZero() || t.Before(d.Latest)) {
			d.Latest = t
		}
	}
	for _, r := range c.Restrict {
		t, reason := f.apply(r, "gesperrt ab", "restricted from")
		d.Reasons = append(d.Reasons, reason)
		if !t.IsZero() && (d.Restricted.IsZero() || t.Before(d.Restricted)) {
			d.Restricted = t
		}
	}
	if earliestKnown {
		d.Earliest = earliest
	}
	switch {
	case len(c.Latest) == 0:
		d.Latest = d.Earliest
	case d.Latest.IsZero():
	case len(c.Earliest) == 0:
		d.Earliest = d.Latest
	case d.Earliest.IsZero():
		d.Earliest, d.Provisional = d.Latest, true
		d.Reasons = append(d.Reasons, Reason{DE: "Frühester Zeitpunkt noch offen: es gilt der späteste, " + date(d.Latest),
			EN: "The earliest date is not known yet: the latest applies, " + date(d.Latest)})
	case d.Earliest.After(d.Latest):
		d.Earliest = d.Latest
		d.Reasons = append(d.Reasons, Reason{DE: "Der späteste Zeitpunkt geht vor: " + date(d.Latest),
			EN: "The latest date prevails: " + date(d.Latest)})
	}
	if !d.Restricted.IsZero() && !d.Earliest.IsZero() && !d.Restricted.Before(d.Earliest) {
		d.Restricted = time.Time{} // due before the restriction would begin
	}

	switch d.Phase = d.PhaseAt(today); {
	case d.Phase == PhaseRestricted:
		d.Next, d.NextPhase = d.Earliest, PhaseDue
	case d.Phase == PhaseDue:
	case !d.Restricted.IsZero():
		d.Next, d.NextPhase = d.Restricted, PhaseRestricted
	default:
		d.Next, d.NextPhase = d.Earliest, PhaseDue
	}
	if d.Next.IsZero() {
		d.NextPhase = ""
	}
	d.Reasons = append(d.Reasons, conclusion(d))
	return d, nil
}

// PhaseAt is the phase the decision's dates give at t: due from Earliest,
// restricted from Restricted, active before.
func (d Decision) PhaseAt(t time.Time) Phase {
	switch {
	case !d.Earliest.IsZero() && !t.Before(d.Earliest):
		return PhaseDue
	case !d.Restricted.IsZero() && !t.Before(d.Restricted):
		return PhaseRestricted
	}
	return PhaseActive
}

func conclusion(d Decision) Reason {
	switch {
	case d.Phase == PhaseDue:
		return Reason{DE: fmt.Sprintf("Seit %s zur Aussonderung fällig (%s), spätestens bis %s", date(d.Earliest), dispositionDE[d.Disposition], date(d.Latest)),
			EN: fmt.Sprintf("Due since %s (%s), at the latest by %s", date(d.Earliest), d.Disposition, date(d.Latest))}
	case d.Earliest.IsZero():
		return Reason{DE: "Aufbewahren: die Frist hat noch nicht begonnen", EN: "Keep: the period has not started yet"}
	case d.Phase == PhaseRestricted:
		return Reason{DE: fmt.Sprintf("Gesperrt seit %s (nur Registratur); aufbewahren bis %s, dann %s", date(d.Restricted), date(d.Earliest), dispositionDE[d.Disposition]),
			EN: fmt.Sprintf("Restricted since %s (records officers only); keep until %s, then %s", date(d.Restricted), date(d.Earliest), d.Disposition)}
	}
	return Reason{DE: fmt.Sprintf("Aufbewahren bis %s, dann %s", date(d.Earliest), dispositionDE[d.Disposition]),
		EN: fmt.Sprintf("Keep until %s, then %s", date(d.Earliest), d.Disposition)}
}

var dispositionDE = map[Disposition]string{Destroy: "vernichten", Offer: "dem Archiv anbieten", Review: "prüfen"}

// apply computes a rule's date for f, or zero if its clock has not started, with the reason.
func (f Facts) apply(r Rule, de, en string) (time.Time, Reason) {
	var start time.Time
	var from Clock
	for _, c := range r.Start {
		if t := f.clock(c); !t.IsZero() && (start.IsZero() || t.Before(start)) {
			start, from = t, c
		}
	}
	after, afterEN := r.After.german()+" nach", r.After.english()+" after"
	if r.After == (Period{}) {
		after, afterEN = "mit", "at"
	}
	if start.IsZero() {
		var names, namesEN []string
		for _, c := range r.Start {
			names, namesEN = append(names, clockDE(c)), append(namesEN, clockEN(c))
		}
		return time.Time{}, Reason{Basis: r.Basis,
			DE: fmt.Sprintf("%s: %s %s %s — noch nicht eingetreten", r.Basis, de, after, strings.Join(names, " oder ")),
			EN: fmt.Sprintf("%s: %s %s %s — not yet", r.Basis, en, afterEN, strings.Join(namesEN, " or "))}
	}
	base, yearDE, yearEN := start, "", ""
	if r.YearEnd {
		base = time.Date(start.Year()+1, 1, 1, 0, 0, 0, 0, time.UTC)
		yearDE, yearEN = " (Ablauf des Jahres)", " (end of that year)"
	}
	t := r.After.AddTo(base)
	return t, Reason{Basis: r.Basis,
		DE: fmt.Sprintf("%s: %s %s %s %s%s → %s", r.Basis, de, after, clockDE(from), date(start), yearDE, date(t)),
		EN: fmt.Sprintf("%s: %s %s %s %s%s → %s", r.Basis, en, afterEN, clockEN(from), date(start), yearEN, date(t))}
}

// clock returns the day c started for f, or zero.
func (f Facts) clock(c Clock) time.Time {
	switch c.Kind {
	case "created":
		return day(f.Created)
	case "fact":
		if t, ok := f.Facts[c.Name]; ok && !t.IsZero() {
			return day(t)
		}
		return time.Time{}
	}
	created := day(f.Created)
	var first time.Time
	for _, e := range f.Events {
		if e.Kind != c.Name || (c.Detail != "" && e.Detail != c.Detail) || e.At.IsZero() {
			continue
		}
		at := day(e.At)
		if e.Kind != EventDeceased && at.Before(created) {
			continue
		}
		if first.IsZero() || at.Before(first) {
			first = at
		}
	}
	return first
}

func clockDE(c Clock) string {
	switch c.Kind {
	case "created":
		return "Erstellung"
	case "fact":
		if n, ok := factDE[c.Name]; ok {
			return n
		}
		return c.Name
	}
	if c.Name == EventNewDocument && c.Detail != "" {
		return "Ausstellung eines neuen Dokuments (" + c.Detail + ")"
	}
	return eventDE[c.Name]
}

func clockEN(c Clock) string {
	switch c.Kind {
	case "created":
		return "creation"
	case "fact":
		return strings.ReplaceAll(c.Name, "_", " ")
	}
	if c.Name == EventNewDocument && c.Detail != "" {
		return "a new document issued (" + c.Detail + ")"
	}
	return eventEN[c.Name]
}

var (
	factDE  = map[string]string{"valid_until": "Ablauf der Gültigkeit", "registered": "Beurkundung"}
	eventDE = map[string]string{EventMovedAway: "Wegzug", EventDeceased: "Tod", EventNewDocument: "Ausstellung eines neuen Dokuments", EventCaseClosed: "Abschluss des Vorgangs"}
	eventEN = map[string]string{EventMovedAway: "moving away", EventDeceased: "death", EventNewDocument: "a new document issued", EventCaseClosed: "closing the case"}
)

// day returns midnight UTC of t's day (in UTC).
func day(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func date(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format(time.DateOnly)
}

// LockUntil is the lock policy (DESIGN.md): how long a record version should be locked now.
// Until the earliest lawful disposal date when it is known; while it is not, rolling
// periods from today; never past the latest lawful date, so a WORM lock never forces a
// deletion deadline to be broken; and never shorter than the current lock, which cannot be
// shortened anyway.
func LockUntil(d Decision, current, now time.Time, rolling Period) time.Time {
	target := d.Earliest
	if target.IsZero() || d.Provisional {
		target = rolling.AddTo(day(now))
	}
	if !d.Latest.IsZero() && target.After(d.Latest) {
		target = d.Latest
	}
	if current.After(target) {
		return current
	}
	return target
}
