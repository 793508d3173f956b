package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"akte/archive"
)

type ingestOptions struct {
	citizen, class, title, date, source, idemKey string
	facts                                        factFlags
}

// factFlags collects repeated --fact name=YYYY-MM-DD.
type factFlags map[string]archive.Date

func (f factFlags) String() string { return "" }

func (f factFlags) Set(v string) error {
	name, date, ok := strings.Cut(v, "=")
	if !ok {
		return fmt.Errorf("want name=YYYY-MM-DD, got %q", v)
	}
	f[name] = archive.Date(date)
	return nil
}

func cmdIngest(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	o := ingestOptions{facts: factFlags{}}
	fs := newFlagSet(g, "ingest", "ingest FILE --citizen ID --class CLASS [--title T] [--date YYYY-MM-DD] [--fact name=YYYY-MM-DD]…", stderr)
	fs.StringVar(&o.citizen, "citizen", "", "citizen `ID` (1–64 of A-Z a-z 0-9 . _ -), required")
	fs.StringVar(&o.class, "class", "", "record `CLASS` from the schedule, required")
	fs.StringVar(&o.title, "title", "", "document title")
	fs.StringVar(&o.date, "date", "", "document date `YYYY-MM-DD`")
	fs.StringVar(&o.source, "source", "import", "where it came from: portal, counter, scan, import, api")
	fs.StringVar(&o.idemKey, "idempotency-key", "", "retry `KEY`: the same key never archives twice")
	fs.Var(o.facts, "fact", "a named date `name=YYYY-MM-DD` (repeatable), e.g. valid_until=2031-03-01")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"ingest takes exactly one FILE (use - for standard input)"}
	}
	if o.citizen == "" || o.class == "" {
		return usageError{"ingest needs --citizen and --class"}
	}
	return runIngest(ctx, g, o, pos[0], stdout, stderr)
}

func runIngest(ctx context.Context, g *globals, o ingestOptions, path string, stdout, stderr io.Writer) error {
	var body io.Reader = os.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return &archive.FieldError{Kind: archive.ErrRefused, Field: "document", Reason: fmt.Sprintf("cannot read %s: %v", path, unwrapPath(err))}
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.IsDir() {
			return &archive.FieldError{Kind: archive.ErrRefused, Field: "document", Reason: path + " is a directory"}
		}
		body = f
	}
	a, _, closeArchive, err := openArchive(ctx, g, stderr, nil)
	if err != nil {
		return err
	}
	defer closeArchive()
	res, err := a.Ingest(ctx, archive.IngestRequest{
		Citizen: archive.CitizenID(o.citizen), Class: archive.Class(o.class), Title: o.title,
		Source: archive.Source(o.source), Date: archive.Date(o.date), Facts: o.facts,
		IdempotencyKey: o.idemKey, Body: body, Actor: cliActor(),
	})
	if err != nil {
		return err
	}
	if g.json {
		return writeJSON(stdout, res)
	}
	fmt.Fprintln(stdout, res.Record.ID)
	if res.Existing {
		fmt.Fprintf(stderr, "akte: already archived as %s (nothing new stored)\n", res.Record.ID)
	}
	return nil
}

func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
