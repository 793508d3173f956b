package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"akte/archive"
	"akte/pdfa"
)

type ingestOptions struct {
	citizen, class, title, date, source, idemKey string
	facts                                        factFlags
	// A form submission instead of a file.
	form, values, signature string
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
	fs.StringVar(&o.form, "form", "", "archive a form submission for `TEMPLATE` (registration, deregistration, passport-application, id-card-application, birth-certificate-request) instead of a FILE")
	fs.StringVar(&o.values, "values", "", "with --form: the field values, a JSON object in `FILE`")
	fs.StringVar(&o.signature, "signature", "", "with --form: the handwritten signature from the tablet, a PNG `FILE`")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if o.form != "" {
		if len(pos) != 0 || o.values == "" {
			return usageError{"ingest --form TEMPLATE takes --values FILE and no document FILE"}
		}
		if o.class == "" {
			o.class = o.form // the built-in templates are named after their class
		}
	} else if len(pos) != 1 {
		return usageError{"ingest takes exactly one FILE (use - for standard input), or --form"}
	}
	if o.citizen == "" || o.class == "" {
		return usageError{"ingest needs --citizen and --class"}
	}
	if o.form != "" {
		return runIngestForm(ctx, g, o, stdout, stderr)
	}
	return runIngest(ctx, g, o, pos[0], stdout, stderr)
}

// runIngestForm builds the submission (template, values, signature) that
// is archived as the original; the PDF/A stage renders it.
func runIngestForm(ctx context.Context, g *globals, o ingestOptions, stdout, stderr io.Writer) error {
	sub := pdfa.Submission{Template: o.form}
	vb, err := readInput(o.values, 1<<20)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(vb, &sub.Values); err != nil {
		return &archive.FieldError{Kind: archive.ErrRefused, Field: "values", Reason: fmt.Sprintf("%s is not a JSON object of field values: %v", o.values, err)}
	}
	if o.signature != "" {
		if sub.Signature, err = readInput(o.signature, 8<<20); err != nil {
			return err
		}
	}
	if o.title == "" {
		if t, ok := pdfa.LookupFormTemplate(o.form); ok {
			o.title = t.Title
		}
	}
	body, err := json.Marshal(sub)
	if err != nil {
		return err
	}
	return ingestBody(ctx, g, o, bytes.NewReader(body), archive.MediaForm, stdout, stderr)
}

// readInput reads a small input file, refusing it with a clear reason.
func readInput(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &archive.FieldError{Kind: archive.ErrRefused, Field: "document", Reason: fmt.Sprintf("cannot read %s: %v", path, unwrapPath(err))}
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil || int64(len(b)) > limit {
		return nil, &archive.FieldError{Kind: archive.ErrRefused, Field: "document", Reason: fmt.Sprintf("cannot read %s: unreadable or larger than %d bytes", path, limit)}
	}
	return b, nil
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
	return ingestBody(ctx, g, o, body, "", stdout, stderr)
}

func ingestBody(ctx context.Context, g *globals, o ingestOptions, body io.Reader, mediaType string, stdout, stderr io.Writer) error {
	a, _, closeArchive, err := openArchive(ctx, g, stderr, nil)
	if err != nil {
		return err
	}
	defer closeArchive()
	res, err := a.Ingest(ctx, archive.IngestRequest{
		Citizen: archive.CitizenID(o.citizen), Class: archive.Class(o.class), Title: o.title,
		Source: archive.Source(o.source), Date: archive.Date(o.date), Facts: o.facts,
		IdempotencyKey: o.idemKey, Body: body, MediaType: mediaType, Actor: cliActor(g),
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
