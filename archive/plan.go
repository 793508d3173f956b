package archive

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"akte/archive/catalog"
	"akte/retention"
)

// PlanRequest selects what Plan shows.
type PlanRequest struct {
	// Until: records whose earliest disposal date (or restriction) falls
	// on or before it, plus every record waiting for a person. Zero: all
	// records with a known date.
	Until time.Time
	// Class narrows the plan to one class; empty means all.
	Class Class
}

// PlanItem is one record in the retention plan. It names the citizen ID
// (records officers act on it) but no title or content.
type PlanItem struct {
	Record      RecordID              `json:"record"`
	Citizen     CitizenID             `json:"citizen"`
	Class       Class                 `json:"class"`
	Disposition retention.Disposition `json:"disposition"`
	Phase       retention.Phase       `json:"phase"`
	Restricted  time.Time             `json:"restricted,omitzero"`
	Earliest    time.Time             `json:"earliest,omitzero"`
	Latest      time.Time             `json:"latest,omitzero"`
	LockedUntil time.Time             `json:"locked_until,omitzero"`
	Held        bool                  `json:"held,omitempty"`
	// Awaiting: "approval" or "appraisal" when a person must act.
	Awaiting string `json:"awaiting,omitempty"`
	// Overdue: past the latest lawful date and still here.
	Overdue bool     `json:"overdue,omitempty"`
	Basis   []string `json:"basis,omitempty"`
	Failure string   `json:"failure,omitempty"`
}

// PlanReport is the plan, ordered by the date each record becomes due
// (then restricted), earliest first.
type PlanReport struct {
	At      time.Time  `json:"at"`
	Records int        `json:"records"` // records looked at
	Items   []PlanItem `json:"items"`
	// Stale: the schedule changed since the dates were computed; the next
	// sweep refreshes them.
	Stale bool `json:"stale,omitempty"`
}

// Plan lists what becomes due when, from the dates kept in the catalog
// (no store access): one pass over the catalog.
func (a *Archive) Plan(ctx context.Context, req PlanRequest) (PlanReport, error) {
	now := a.opts.Now().UTC()
	if req.Class != "" && !a.classes[req.Class] {
		return PlanReport{}, fmt.Errorf("plan: %w", invalid("class", "unknown class %q (known: %v)", clip(string(req.Class)), a.Classes()))
	}
	rep := PlanReport{At: now, Items: []PlanItem{}, Stale: a.scheduleChanged.Load()}
	for e, err := range a.cat.All(ctx) {
		if err != nil {
			return rep, fmt.Errorf("plan: %w", err)
		}
		if e.Status == catalog.StatusDisposed || (req.Class != "" && Class(e.Class) != req.Class) {
			continue
		}
		rep.Records++
		st, err := decodeState(e)
		if err != nil {
			return rep, fmt.Errorf("plan: %w", err)
		}
		dd := st.Decision
		d := retention.Decision{Disposition: dd.Disposition, Earliest: dd.Earliest, Latest: dd.Latest, Restricted: dd.Restricted}
		d.Phase = d.PhaseAt(now)
		it := PlanItem{Record: RecordID(e.ID), Citizen: CitizenID(e.Citizen), Class: Class(e.Class), Disposition: dd.Disposition,
			Phase: d.Phase, Restricted: dd.Restricted, Earliest: dd.Earliest, Latest: dd.Latest, LockedUntil: st.LockedUntil,
			Held: st.Hold != nil, Awaiting: awaiting(st, d), Basis: dd.Basis, Failure: st.Failure,
			Overdue: !dd.Latest.IsZero() && now.After(dd.Latest)}
		when := planDate(it)
		if it.Awaiting == "" && !it.Overdue && it.Failure == "" && (when.IsZero() || !req.Until.IsZero() && when.After(req.Until)) {
			continue
		}
		rep.Items = append(rep.Items, it)
	}
	slices.SortFunc(rep.Items, func(x, y PlanItem) int {
		return cmp.Or(planDate(x).Compare(planDate(y)), cmp.Compare(x.Record, y.Record))
	})
	return rep, nil
}

// planDate is the next date that matters for the item: when it becomes
// due, or when it becomes restricted if that comes first.
func planDate(it PlanItem) time.Time {
	if !it.Restricted.IsZero() && (it.Earliest.IsZero() || it.Restricted.Before(it.Earliest)) && it.Phase == retention.PhaseActive {
		return it.Restricted
	}
	return it.Earliest
}
