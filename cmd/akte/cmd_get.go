package main

import (
	"context"
	"fmt"
	"io"

	"akte/archive"
	"akte/internal/fsutil"
)

type getOptions struct {
	out      string
	original bool
	purpose  string
	seal     bool
}

func cmdGet(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	var o getOptions
	fs := newFlagSet(g, "get", "get RECORD [-o FILE] [--original] [--purpose TEXT]", stderr)
	fs.StringVar(&o.out, "o", "", "write to `FILE` instead of standard output")
	fs.BoolVar(&o.original, "original", false, "the original as received, not the archive PDF")
	fs.StringVar(&o.purpose, "purpose", "", "why you open it (recorded in the audit log)")
	fs.BoolVar(&o.seal, "verify-seal", false, "also verify the archive copy's seal; the verdict goes to standard error, an invalid seal exits 5")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"get takes exactly one RECORD ID"}
	}
	return runGet(ctx, g, o, archive.RecordID(pos[0]), stdout, stderr)
}

func runGet(ctx context.Context, g *globals, o getOptions, id archive.RecordID, stdout, stderr io.Writer) error {
	a, _, closeArchive, err := openArchive(ctx, g, stderr, nil)
	if err != nil {
		return err
	}
	defer closeArchive()
	doc, err := a.Get(ctx, archive.GetRequest{ID: id, Original: o.original, Purpose: o.purpose, Actor: cliActor(g), VerifySeal: o.seal})
	if err != nil {
		return err
	}
	if o.out == "" {
		_, err = stdout.Write(doc.Data)
	} else {
		err = writeOutput(o.out, doc.Data)
	}
	if err != nil || !o.seal {
		return err
	}
	if doc.Seal == nil {
		fmt.Fprintln(stderr, "seal: none (the record was archived unsealed)")
		return exitError{exitIntegrity}
	}
	fmt.Fprintln(stderr, "seal:", doc.Seal)
	if !doc.Seal.Valid {
		return exitError{exitIntegrity}
	}
	return nil
}

// writeOutput writes a document the user asked for to path, whole or not
// at all (a failure never leaves half a document).
func writeOutput(path string, data []byte) error {
	if err := fsutil.WriteAtomic(path, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
