package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"akte/archive"
	"akte/internal/csvcell"
)

type planOptions struct {
	until, class, format string
	all                  bool
}

// planHorizon is how far ahead `retention plan` looks without --until.
const planHorizon = 1 // year

func cmdRetentionPlan(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	var o planOptions
	fs := newFlagSet(g, "retention plan", `retention plan [--until YYYY-MM-DD | --all] [--class CLASS] [--format table|csv|json]

Lists the records that become due (or restricted) by a date, earliest
first, plus every record that waits for a person (approval, appraisal),
is past its latest date, or failed in the last sweep. Read from the dates
the catalog keeps: no document is opened.`, stderr)
	fs.StringVar(&o.until, "until", "", "up to `YYYY-MM-DD` inclusive (default: one year from today)")
	fs.BoolVar(&o.all, "all", false, "every record whose dates are known")
	fs.StringVar(&o.class, "class", "", "only records of this `CLASS`")
	fs.StringVar(&o.format, "format", "table", "table, csv or json (--json means json)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usageError{"retention plan takes no arguments"}
	}
	formatSet := false
	fs.Visit(func(f *flag.Flag) { formatSet = formatSet || f.Name == "format" })
	switch {
	case g.json && formatSet && o.format != "json":
		return usageError{fmt.Sprintf("--json and --format %s: choose one", o.format)}
	case g.json:
		o.format = "json"
	case o.format != "table" && o.format != "csv" && o.format != "json":
		return usageError{fmt.Sprintf("--format %q: want table, csv or json", o.format)}
	}
	req := archive.PlanRequest{Class: archive.Class(o.class)}
	switch {
	case o.all && o.until != "":
		return usageError{"--until and --all: choose one"}
	case o.until != "":
		if req.Until, err = time.Parse(time.DateOnly, o.until); err != nil {
			return usageError{fmt.Sprintf("--until %q: want YYYY-MM-DD", o.until)}
		}
	case !o.all:
		y, m, d := time.Now().UTC().AddDate(planHorizon, 0, 0).Date()
		req.Until = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	return withArchive(ctx, g, stderr, func(a *archive.Archive) error {
		rep, err := a.Plan(ctx, req)
		if err != nil {
			return err
		}
		if rep.Stale {
			fmt.Fprintln(stderr, "akte: the schedule changed since these dates were computed; the next sweep recomputes them (akte retention sweep)")
		}
		switch o.format {
		case "json":
			return writeJSON(stdout, rep)
		case "csv":
			return writePlanCSV(stdout, rep)
		}
		writePlanTable(stdout, rep, req)
		return nil
	})
}

// planFlags are a plan item's conditions a records officer acts on.
func planFlags(it archive.PlanItem) string {
	var f []string
	if it.Held {
		f = append(f, "held")
	}
	if it.Awaiting != "" {
		f = append(f, "awaiting "+it.Awaiting)
	}
	if it.Overdue {
		f = append(f, "OVERDUE")
	}
	if it.Failure != "" {
		f = append(f, "FAILED (see retention status)")
	}
	return strings.Join(f, ", ")
}

func writePlanTable(w io.Writer, rep archive.PlanReport, req archive.PlanRequest) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DUE\tLATEST\tRESTRICTED\tPHASE\tDISPOSITION\tCLASS\tRECORD\tCITIZEN\tFLAGS")
	for _, it := range rep.Items {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", showDay(it.Earliest), showDay(it.Latest), showDay(it.Restricted),
			it.Phase, it.Disposition, it.Class, it.Record, it.Citizen, planFlags(it))
	}
	tw.Flush()
	until := "every known date"
	if !req.Until.IsZero() {
		until = "until " + showDay(req.Until)
	}
	fmt.Fprintf(w, "%d of %d records in the plan (%s)\n", len(rep.Items), rep.Records, until)
}

// writePlanCSV writes one row per item under a header, dates as
// YYYY-MM-DD (empty when not known), flags as true/false.
func writePlanCSV(w io.Writer, rep archive.PlanReport) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"earliest", "latest", "restricted", "phase", "disposition", "class", "record", "citizen",
		"held", "awaiting", "overdue", "locked_until", "failure"})
	for _, it := range rep.Items {
		cw.Write([]string{csvDay(it.Earliest), csvDay(it.Latest), csvDay(it.Restricted), string(it.Phase), string(it.Disposition),
			string(it.Class), string(it.Record), string(it.Citizen), strconv.FormatBool(it.Held), it.Awaiting,
			strconv.FormatBool(it.Overdue), csvDay(it.LockedUntil), csvcell.Safe(it.Failure)})
	}
	cw.Flush()
	return cw.Error()
}

func csvDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}
