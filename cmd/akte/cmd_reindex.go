package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"akte/archive"
)

func cmdReindex(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet(g, "reindex", "reindex", stderr)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usageError{"reindex takes no arguments"}
	}
	return runReindex(ctx, g, stdout, stderr)
}

// runReindex discards the local catalog and rebuilds it from the store.
func runReindex(ctx context.Context, g *globals, stdout, stderr io.Writer) error {
	start := time.Now()
	_, rep, closeArchive, err := openArchive(ctx, g, stderr, func(o *archive.Options) { o.Rebuild = true })
	if err != nil {
		return err
	}
	defer closeArchive()
	if g.json {
		return writeJSON(stdout, rep)
	}
	fmt.Fprintf(stdout, "rebuilt catalog from the store in %s: %d records, %d orphaned objects, %d unreadable manifests\n",
		time.Since(start).Round(time.Millisecond), rep.Added, len(rep.Orphans), len(rep.Broken))
	for _, k := range rep.Broken {
		fmt.Fprintf(stdout, "UNREADABLE %s\n", k)
	}
	if len(rep.Broken) > 0 {
		return exitError{exitIntegrity}
	}
	return nil
}
