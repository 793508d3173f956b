package main

import (
	"context"
	"fmt"
	"io"

	"akte/archive"
)

func cmdAudit(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet(g, "audit", "audit verify | seal", stderr)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"audit takes one of: verify, seal"}
	}
	switch pos[0] {
	case "verify":
		return runAuditVerify(ctx, g, stdout, stderr)
	case "seal":
		return runAuditSeal(ctx, g, stdout, stderr)
	}
	return usageError{fmt.Sprintf("unknown audit command %q (verify, seal)", pos[0])}
}

// runAuditVerify checks the hash chain of the local audit log against the
// sealed segments in the store. It does not open the archive for writing.
func runAuditVerify(ctx context.Context, g *globals, stdout, stderr io.Writer) error {
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	st, closeStore, err := openStore(ctx, cfg, newLogger(stderr, g.json))
	if err != nil {
		return err
	}
	defer closeStore()
	rep, err := archive.VerifyAudit(ctx, cfg.Data, st)
	if err != nil {
		return err
	}
	if g.json {
		if err := writeJSON(stdout, rep); err != nil {
			return err
		}
	} else {
		for _, p := range rep.Problems {
			fmt.Fprintf(stdout, "PROBLEM %v\n", p)
		}
		fmt.Fprintf(stdout, "audit log: %d entries, %d sealed in %d segments: %d problems\n",
			rep.Entries, rep.SealedEntries, rep.Segments, len(rep.Problems))
	}
	if !rep.OK() {
		return exitError{exitIntegrity}
	}
	return nil
}

func runAuditSeal(ctx context.Context, g *globals, stdout, stderr io.Writer) error {
	a, _, closeArchive, err := openArchive(ctx, g, stderr, nil)
	if err != nil {
		return err
	}
	defer closeArchive()
	if err := a.SealAudit(ctx); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "audit log sealed")
	return nil
}
