package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"akte/archive"
)

func cmdVerify(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet(g, "verify", "verify [RECORD...]", stderr)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	ids := make([]archive.RecordID, len(pos))
	for i, p := range pos {
		ids[i] = archive.RecordID(p)
	}
	return runVerify(ctx, g, ids, stdout, stderr)
}

func runVerify(ctx context.Context, g *globals, ids []archive.RecordID, stdout, stderr io.Writer) error {
	a, _, closeArchive, err := openArchive(ctx, g, stderr, nil)
	if err != nil {
		return err
	}
	defer closeArchive()
	start := time.Now()
	last := start
	rep, err := a.Verify(ctx, ids, func(done int) {
		if !g.json && time.Since(last) > 2*time.Second {
			last = time.Now()
			fmt.Fprintf(stderr, "verify: %d records checked…\n", done)
		}
	})
	if err != nil {
		return err
	}
	if g.json {
		if err := writeJSON(stdout, rep); err != nil {
			return err
		}
	} else {
		for _, p := range rep.Problems {
			fmt.Fprintf(stdout, "PROBLEM %s\n", p)
		}
		fmt.Fprintf(stdout, "verified %d records, %d objects, %d seals, %d bytes in %s: %d problems\n",
			rep.Records, rep.Objects, rep.Seals, rep.Bytes, time.Since(start).Round(time.Millisecond), len(rep.Problems))
	}
	if !rep.OK() {
		return exitError{exitIntegrity}
	}
	return nil
}
