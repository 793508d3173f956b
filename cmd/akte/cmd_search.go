package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"akte/archive"
	"akte/search"
)

type searchOptions struct {
	citizen, class, from, to, sort, role string
	page, size                           int
	facets, highlight                    bool
}

func cmdSearch(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	var o searchOptions
	fs := newFlagSet(g, "search", `search [QUERY] [--citizen ID] [--class CLASS] [--from DATE] [--to DATE] [--sort relevance|date] [--page N] [--facets]

QUERY: words (all must match), "a phrase", -excluded, bürger:ID, klasse:CLASS,
von:YYYY-MM-DD, bis:YYYY-MM-DD (also citizen:, class:, from:, to:). Names
written with a capital (Müller) match exactly; Mueller finds Müller.`, stderr)
	fs.StringVar(&o.citizen, "citizen", "", "only this citizen's records")
	fs.StringVar(&o.class, "class", "", "only records of this class")
	fs.StringVar(&o.from, "from", "", "document date from `YYYY-MM-DD` (inclusive)")
	fs.StringVar(&o.to, "to", "", "document date to `YYYY-MM-DD` (inclusive)")
	fs.StringVar(&o.sort, "sort", "relevance", "relevance or date (newest first)")
	fs.StringVar(&o.role, "role", "clerk", "search as clerk, records-officer or auditor (restricted records: records-officer only)")
	fs.IntVar(&o.page, "page", 1, "page `N` of the hits")
	fs.IntVar(&o.size, "size", 20, "hits per page (at most 100)")
	fs.BoolVar(&o.facets, "facets", false, "also count hits by class, year, source and status")
	fs.BoolVar(&o.highlight, "highlight", true, "show where the words matched")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	req := archive.SearchRequest{Query: strings.Join(pos, " "), Role: search.Role(o.role), Size: o.size,
		From: (max(o.page, 1) - 1) * o.size, Sort: o.sort, Facets: o.facets, Highlight: o.highlight && !g.json}
	if o.citizen != "" {
		req.Citizen = []string{o.citizen}
	}
	if o.class != "" {
		req.Class = []string{o.class}
	}
	for _, d := range []struct {
		flag, v string
		t       *time.Time
	}{{"--from", o.from, &req.DateFrom}, {"--to", o.to, &req.DateTo}} {
		if d.v == "" {
			continue
		}
		if *d.t, err = time.Parse(time.DateOnly, d.v); err != nil {
			return usageError{fmt.Sprintf("%s %q: want YYYY-MM-DD", d.flag, d.v)}
		}
	}
	return runSearch(ctx, g, req, stdout, stderr)
}

func runSearch(ctx context.Context, g *globals, req archive.SearchRequest, stdout, stderr io.Writer) error {
	a, _, closeArchive, err := openArchive(ctx, g, stderr, nil)
	if err != nil {
		return err
	}
	defer closeArchive()
	res, err := a.Search(ctx, req)
	if err != nil {
		return err
	}
	if res.Rebuilding {
		fmt.Fprintln(stderr, "akte: the search index is still being filled from the store; hits may be missing")
	}
	if g.json {
		return writeJSON(stdout, res)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RECORD\tDATE\tCITIZEN\tCLASS\tTITLE")
	for _, h := range res.Hits {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", h.ID, h.Date.Format(time.DateOnly), h.Citizen, h.Class, oneLine(h.Title))
		for _, f := range h.Fragments {
			fmt.Fprintf(tw, "\t\t\t\t%s\n", oneLine(marked(f)))
		}
	}
	tw.Flush()
	total := strconv.Itoa(res.Total)
	if res.Capped {
		total = "more than " + total // the search stopped there; facets count those
	}
	fmt.Fprintf(stdout, "%s hits (%d–%d shown) in %s\n", total, min(req.From+1, res.Total), req.From+len(res.Hits), res.Took.Round(time.Microsecond))
	for _, name := range []string{"class", "year", "source", "status"} {
		f, ok := res.Facets[name]
		if !ok {
			continue
		}
		var parts []string
		for _, t := range f.Terms {
			parts = append(parts, fmt.Sprintf("%s (%d)", t.Value, t.Count))
		}
		fmt.Fprintf(stdout, "%-7s %s\n", name+":", strings.Join(parts, ", "))
	}
	return nil
}

// marked shows a fragment's matches between » and «.
func marked(f search.Fragment) string {
	var b strings.Builder
	last := 0
	for _, m := range f.Marks {
		b.WriteString(f.Text[last:m.Start])
		b.WriteString("»" + f.Text[m.Start:m.End] + "«")
		last = m.End
	}
	b.WriteString(f.Text[last:])
	return b.String()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
