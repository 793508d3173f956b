package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"akte/archive"
)

type sweepOptions struct {
	dryRun, all bool
}

func cmdRetentionSweep(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	var o sweepOptions
	fs := newFlagSet(g, "retention sweep", `retention sweep [--dry-run] [--all]

Applies the schedule to every record whose next date has come: extends
locks, restricts, puts records on the offer list, and disposes of those
that are due, not held, no longer locked and (review, offer) decided —
with a disposal certificate each. The server does this by itself every
retention.sweep_interval. Exit 1 when a record failed (retried next time).`, stderr)
	fs.BoolVar(&o.dryRun, "dry-run", false, "show what the sweep would do; change nothing")
	fs.BoolVar(&o.all, "all", false, "look at every record, not only those whose date has come")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usageError{"retention sweep takes no arguments"}
	}
	return runRetentionSweep(ctx, g, o, stdout, stderr)
}

func runRetentionSweep(ctx context.Context, g *globals, o sweepOptions, stdout, stderr io.Writer) error {
	return withArchive(ctx, g, stderr, func(a *archive.Archive) error {
		last := time.Now()
		rep, err := a.Sweep(ctx, archive.SweepOptions{DryRun: o.dryRun, All: o.all, Actor: cliActor(g), Progress: func(n int) {
			if !g.json && time.Since(last) > 2*time.Second {
				last = time.Now()
				fmt.Fprintf(stderr, "sweep: %d records looked at…\n", n)
			}
		}})
		if err != nil {
			if rep.Visited > 0 {
				fmt.Fprintf(stderr, "akte: sweep stopped after %d records: %s\n", rep.Visited, sweepCounts(rep))
			}
			return err
		}
		if g.json {
			if err := writeJSON(stdout, rep); err != nil {
				return err
			}
		} else {
			writeSweep(stdout, rep)
		}
		if n := rep.Counts[archive.ActionFailed]; n > 0 {
			fmt.Fprintf(stderr, "akte: %d records failed; the next sweep retries them (akte retention status RECORD shows why)\n", n)
			return exitError{exitFailure}
		}
		return nil
	})
}

func writeSweep(w io.Writer, rep archive.SweepReport) {
	if len(rep.Items) > 0 {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "RECORD\tCLASS\tACTIONS\tUNTIL\tERROR")
		for _, it := range rep.Items {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", it.Record, it.Class, strings.Join(it.Actions, ","), showDay(it.Until), oneLine(it.Error))
		}
		tw.Flush()
	}
	what := "swept"
	if rep.DryRun {
		what = "dry run, nothing changed:"
	}
	fmt.Fprintf(w, "%s %d records in %s: %s\n", what, rep.Visited, rep.Duration.Round(time.Millisecond), sweepCounts(rep))
}

// sweepActions orders the actions in a summary.
var sweepActions = []string{archive.ActionDispose, archive.ActionTransfer, archive.ActionOffer, archive.ActionRestrict,
	archive.ActionExtendLock, archive.ActionAwait, archive.ActionHeld, archive.ActionLocked, archive.ActionFailed}

// sweepCounts sums a sweep up: "dispose 2, extend-lock 5", or "nothing to do".
func sweepCounts(rep archive.SweepReport) string {
	var parts []string
	seen := map[string]bool{}
	for _, act := range sweepActions {
		seen[act] = true
		if n := rep.Counts[act]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", act, n))
		}
	}
	for act, n := range rep.Counts { // an action this list does not know yet
		if !seen[act] && n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", act, n))
		}
	}
	if len(parts) == 0 {
		return "nothing to do"
	}
	return strings.Join(parts, ", ")
}
