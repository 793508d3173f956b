package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"akte/archive"
)

func cmdCitizen(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	return dispatch(ctx, g, "citizen", []command{
		{"event", "record an event of a citizen's life; their records' retention follows it", cmdCitizenEvent},
		{"events", "list a citizen's recorded events", cmdCitizenEvents},
	}, args, stdout, stderr)
}

type citizenEventOptions struct {
	date, detail string
}

// eventResult is what `citizen event --json` prints (the API answers the same).
type eventResult struct {
	Event   archive.CitizenEvent `json:"event"`
	Records int                  `json:"records"` // the citizen's records re-evaluated
}

func cmdCitizenEvent(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	var o citizenEventOptions
	fs := newFlagSet(g, "citizen event", `citizen event CITIZEN TYPE --date YYYY-MM-DD [--detail KIND]

TYPE: moved_away, deceased, new_document (--detail says which: passport,
id-card), case_closed. The event is stored unchangeable; every record of
that citizen is re-evaluated at once, and the next sweep extends its locks.`, stderr)
	fs.StringVar(&o.date, "date", "", "the day it happened, `YYYY-MM-DD` (not in the future), required")
	fs.StringVar(&o.detail, "detail", "", "new_document only: which `KIND` of document (passport, id-card)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || o.date == "" {
		return usageError{"citizen event takes CITIZEN and TYPE, and needs --date YYYY-MM-DD"}
	}
	ev := archive.CitizenEvent{Citizen: archive.CitizenID(pos[0]), Type: pos[1], Detail: o.detail, Date: archive.Date(o.date)}
	return runCitizenEvent(ctx, g, ev, stdout, stderr)
}

func runCitizenEvent(ctx context.Context, g *globals, ev archive.CitizenEvent, stdout, stderr io.Writer) error {
	return withArchive(ctx, g, stderr, func(a *archive.Archive) error {
		ev, n, err := a.RecordEvent(ctx, cliActor(g), ev)
		if err != nil {
			return err
		}
		if g.json {
			return writeJSON(stdout, eventResult{Event: ev, Records: n})
		}
		fmt.Fprintf(stdout, "recorded %s of citizen %s on %s (event %s): %d records re-evaluated\n",
			eventName(ev), ev.Citizen, ev.Date, ev.ID, n)
		return nil
	})
}

func eventName(ev archive.CitizenEvent) string {
	if ev.Detail != "" {
		return ev.Type + " (" + ev.Detail + ")"
	}
	return ev.Type
}

func cmdCitizenEvents(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet(g, "citizen events", "citizen events CITIZEN", stderr)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"citizen events takes one CITIZEN"}
	}
	return withArchive(ctx, g, stderr, func(a *archive.Archive) error {
		evs, err := a.Events(ctx, archive.CitizenID(pos[0]))
		if err != nil {
			return err
		}
		if g.json { // as GET /api/v1/citizens/{id}/events answers
			return writeJSON(stdout, struct {
				Citizen string                 `json:"citizen"`
				Events  []archive.CitizenEvent `json:"events"`
			}{pos[0], evs})
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "DATE\tEVENT\tRECORDED\tBY\tID")
		for _, ev := range evs {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", ev.Date, eventName(ev), ev.Recorded.Format(time.RFC3339), ev.By.Name, ev.ID)
		}
		tw.Flush()
		fmt.Fprintf(stdout, "%d events of citizen %s\n", len(evs), pos[0])
		return nil
	})
}
