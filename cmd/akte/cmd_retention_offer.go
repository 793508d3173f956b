package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"akte/archive"
)

func cmdRetentionOffer(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	var out string
	fs := newFlagSet(g, "retention offer", `retention offer --out DIR

Writes an offer list (xdomea 0501) of every due record whose class is
offered to the state archive, and the transfer package, into DIR. The
records then wait for the archive's appraisal (retention appraisal).`, stderr)
	fs.StringVar(&out, "out", "", "write the offer list and transfer package into `DIR` (created if missing), required")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 || out == "" {
		return usageError{"retention offer takes no arguments and needs --out DIR"}
	}
	if err := os.MkdirAll(out, 0o750); err != nil {
		return fmt.Errorf("retention offer: %w", err)
	}
	return withArchive(ctx, g, stderr, func(a *archive.Archive) error {
		res, err := a.Offer(ctx, archive.OfferRequest{Dir: out, Actor: cliActor(g)})
		if err != nil {
			return err
		}
		if g.json {
			return writeJSON(stdout, res)
		}
		fmt.Fprintf(stdout, "offer %s: %d records\n  offer list:       %s\n  transfer package: %s\n", res.ID, len(res.Records), res.List, res.Package)
		return nil
	})
}

func cmdRetentionAppraisal(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet(g, "retention appraisal", `retention appraisal FILE

Imports the state archive's appraisal of an offer (xdomea 0502: per record
A, archive, or V, destroy; - reads standard input). The next sweep
transfers or destroys the records.`, stderr)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"retention appraisal takes one FILE"}
	}
	var in io.Reader = os.Stdin
	if pos[0] != "-" {
		f, err := os.Open(pos[0])
		if err != nil {
			return &archive.FieldError{Kind: archive.ErrRefused, Field: "appraisal", Reason: fmt.Sprintf("cannot read %s: %v", pos[0], unwrapPath(err))}
		}
		defer f.Close()
		in = f
	}
	return withArchive(ctx, g, stderr, func(a *archive.Archive) error {
		res, err := a.ImportAppraisal(ctx, cliActor(g), in)
		if err != nil {
			return err
		}
		if g.json {
			return writeJSON(stdout, res)
		}
		fmt.Fprintf(stdout, "appraisal: %d records to the state archive, %d to destroy\n", len(res.Archive), len(res.Destroy))
		for _, id := range res.Unknown {
			fmt.Fprintf(stderr, "akte: the appraisal names %q, which this archive did not offer; ignored\n", id)
		}
		return nil
	})
}
