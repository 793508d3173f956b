// Command akte runs Akte: the archive server, the web UI and every
// command-line job. See `akte help`.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"akte/pdfa"
	"akte/search"
)

// Exit codes. Documented in the README and in `akte help`.
const (
	exitOK          = 0
	exitFailure     = 1 // anything not listed below
	exitUsage       = 2 // bad command line
	exitRefused     = 3 // the input was refused (invalid field, bad document)
	exitNotFound    = 4 // no such record
	exitIntegrity   = 5 // verify or audit verify found problems; corrupt object
	exitConfig      = 6 // bad configuration, or the store refused at start (no Object Lock)
	exitConflict    = 7 // idempotency key reused for another document; a retention change that does not fit the record's state
	exitUnavailable = 8 // a service ingest needs (the timestamp authority) did not answer; retry
	exitDisposed    = 9 // the record was disposed of; only its disposal certificate remains
	exitInterrupted = 130
)

type command struct {
	name, summary string
	run           func(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "run the HTTP API server", cmdServe},
		{"ingest", "archive one document for a citizen", cmdIngest},
		{"import", "archive a folder of scans (manifest CSV or file names), resumable; --watch a hot folder", cmdImport},
		{"get", "write a record's archive PDF (or original)", cmdGet},
		{"search", "search the archive (German full text, names, filters)", cmdSearch},
		{"verify", "re-read every object and check its SHA-256", cmdVerify},
		{"audit", "verify or seal the audit log", cmdAudit},
		{"reindex", "rebuild the catalog from the store alone", cmdReindex},
		{"pdfa", "check a file against PDF/A-2b, or convert one to it", cmdPDFA},
		{"keys", "create a seal key and CSR, or show the active seal", cmdKeys},
		{"citizen", "record a citizen's event (moved away, deceased, new document), list them", cmdCitizen},
		{"retention", "plan, sweep, holds, facts, approvals, certificates, the schedule", cmdRetention},
		{"users", "users, roles and API tokens of the server", cmdUsers},
	}
}

func main() {
	// The PDF/A checker re-executes this binary as a sandboxed worker for
	// untrusted files; in that role it never returns from here.
	pdfa.RunWorkerIfRequested()
	search.UseGCPercent()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and maps its error to an exit code; it is
// the only place that does.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	g := &globals{getenv: getenv, stdin: stdin}
	rest, err := g.parse(args)
	if err == nil && len(rest) == 0 {
		err = usageError{"no command given"}
	}
	if err != nil {
		return report(ctx, err, stderr)
	}
	name, rest := rest[0], rest[1:]
	if name == "help" || name == "-h" || name == "--help" {
		printHelp(stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name == name {
			return report(ctx, c.run(ctx, g, rest, stdout, stderr), stderr)
		}
	}
	return report(ctx, usageError{fmt.Sprintf("unknown command %q", name)}, stderr)
}

func report(ctx context.Context, err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	code := exitCode(err)
	if ctx.Err() != nil && code == exitFailure {
		code = exitInterrupted
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "akte: %v\nRun 'akte help' for usage.\n", err)
	} else if !errors.Is(err, errReported) {
		fmt.Fprintf(stderr, "akte: %v\n", err)
	}
	return code
}

func printHelp(w io.Writer) {
	fmt.Fprint(w, `akte — the archive behind a digital town hall: sealed PDF/A documents in
WORM storage, searchable, disposed of when the law says.

Usage: akte [--data DIR] [--config FILE] [--json] COMMAND [ARGS]

Commands:
`)
	printCommands(w, commands())
	fmt.Fprint(w, `
Run 'akte COMMAND --help' for a command's flags.

Global flags (also accepted after the command):
  --data DIR      data directory (default ./akte-data; env AKTE_DATA)
  --config FILE   YAML configuration (see README); AKTE_* variables override it
  --json          machine-readable output

Exit codes:
  0 ok   1 failure   2 usage   3 input refused (also a bad user name, role or
  password)   4 not found (also an unknown user or token)
  5 integrity problem found   6 configuration or store refused
  7 conflict (idempotency key reused; already on hold; not due or not for review;
    a user of that name exists)
  8 a required service (timestamp authority) is unavailable: retry
  9 the record was disposed of (its disposal certificate remains)
  130 interrupted
`)
}

func printCommands(w io.Writer, cmds []command) {
	width := 0
	for _, c := range cmds {
		width = max(width, len(c.name))
	}
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-*s %s\n", width, c.name, c.summary)
	}
}

// dispatch runs the subcommand of group (akte GROUP SUBCOMMAND ARGS) that
// args name; global flags may come before the subcommand. Without one, or
// with --help, it lists them.
func dispatch(ctx context.Context, g *globals, group string, subs []command, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet(group, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	g.addFlags(fs)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) || err == nil && fs.Arg(0) == "help" {
		fmt.Fprintf(stdout, "Usage: akte %s COMMAND [ARGS]\n\nCommands:\n", group)
		printCommands(stdout, subs)
		fmt.Fprintf(stdout, "\nRun 'akte %s COMMAND --help' for a command's flags.\n", group)
		return nil
	}
	if err != nil {
		return usageError{err.Error()}
	}
	names := make([]string, len(subs))
	for i, c := range subs {
		names[i] = c.name
		if c.name == fs.Arg(0) {
			return c.run(ctx, g, fs.Args()[1:], stdout, stderr)
		}
	}
	if fs.NArg() == 0 {
		return usageError{fmt.Sprintf("%s needs a command: %s", group, strings.Join(names, ", "))}
	}
	return usageError{fmt.Sprintf("unknown %s command %q (%s)", group, fs.Arg(0), strings.Join(names, ", "))}
}

// newLogger logs warnings and errors; the server (newServerLogger) logs
// what it does too.
func newLogger(w io.Writer, json bool) *slog.Logger { return newLevelLogger(w, json, slog.LevelWarn) }

func newServerLogger(w io.Writer, json bool) *slog.Logger {
	return newLevelLogger(w, json, slog.LevelInfo)
}

func newLevelLogger(w io.Writer, json bool, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if json {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
