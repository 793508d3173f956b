package main

import (
	"context"
	"fmt"
	"io"

	"akte/archive"
	"akte/pdfa"
)

func cmdPDFA(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet(g, "pdfa", "pdfa check FILE | pdfa convert [--part 1|2] IN OUT", stderr)
	part := fs.Int("part", 2, "with convert: PDF/A part of a rendered image or form, 2 or 1 (PDF/A-1b-compatible)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) == 2 && pos[0] == "check":
		return runPDFACheck(ctx, g, pos[1], stdout)
	case len(pos) == 3 && pos[0] == "convert":
		if *part != 1 && *part != 2 {
			return usageError{"--part must be 1 or 2"}
		}
		return runPDFAConvert(ctx, g, pos[1], pos[2], *part, stdout)
	}
	return usageError{"pdfa takes: check FILE, or convert IN OUT"}
}

// runPDFACheck prints the violated clauses of ISO 19005-2 (level b); exit
// 0 when the file conforms, 3 when it does not.
func runPDFACheck(ctx context.Context, g *globals, path string, stdout io.Writer) error {
	data, err := readInput(path, 1<<30)
	if err != nil {
		return err
	}
	rep, err := pdfa.Check(ctx, data, nil)
	if err != nil {
		return &archive.FieldError{Kind: archive.ErrRefused, Field: "document", Reason: fmt.Sprintf("%s cannot be checked: %v", path, err)}
	}
	if g.json {
		if err := writeJSON(stdout, rep); err != nil {
			return err
		}
	} else {
		for _, v := range rep.Violations {
			obj := ""
			if v.Object != "" {
				obj = " (" + v.Object + ")"
			}
			fmt.Fprintf(stdout, "VIOLATION %s%s: %s\n", v.Clause, obj, v.Message)
		}
		verdict := "conforms to PDF/A-2b"
		if !rep.OK() {
			verdict = fmt.Sprintf("does NOT conform to PDF/A-2b: %d violations of clauses %v", len(rep.Violations), rep.Clauses())
		}
		fmt.Fprintf(stdout, "%s %s\n", path, verdict)
	}
	if !rep.OK() {
		return exitError{exitRefused}
	}
	return nil
}

// runPDFAConvert makes a PDF/A-2b file from a PDF, JPEG, PNG or TIFF
// exactly as ingest would, and writes it to out.
func runPDFAConvert(ctx context.Context, g *globals, in, out string, part int, stdout io.Writer) error {
	data, err := readInput(in, 1<<30)
	if err != nil {
		return err
	}
	media := archive.Sniff(data)
	res, err := archive.PDFA{Part: part}.Convert(ctx, archive.ConvertInput{Data: data, MediaType: media})
	if err != nil {
		return err
	}
	if err := writeOutput(out, res.PDF); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s → %s (%s, %d bytes)\n", in, out, res.Stages["pdfa"], len(res.PDF))
	return nil
}
