package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"akte/archive"
	"akte/retention"
)

func cmdRetention(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	return dispatch(ctx, g, "retention", []command{
		{"plan", "list what becomes due (or restricted) when, and what waits for a person", cmdRetentionPlan},
		{"sweep", "apply the schedule now: extend locks, restrict, dispose (--dry-run to see)", cmdRetentionSweep},
		{"status", "a record's retention: dates, phase and the reasons", cmdRetentionStatus},
		{"hold", "put a legal hold on a record: nothing disposes of it", holdCommand.run},
		{"release", "release a record's legal hold", releaseCommand.run},
		{"approve", "approve disposal of a due record whose class says review", approveCommand.run},
		{"facts", "set a record's facts (named dates such as valid_until)", cmdRetentionFacts},
		{"certificate", "print the disposal certificate of a disposed record (JSON)", cmdRetentionCertificate},
		{"schedule", "print the retention schedule in force (YAML), to copy and adapt", cmdRetentionSchedule},
		{"offer", "write an offer list and transfer package for the state archive", cmdRetentionOffer},
		{"appraisal", "import the state archive's appraisal of an offer", cmdRetentionAppraisal},
	}, args, stdout, stderr)
}

// parseRecord parses the flags and the RECORD of a retention subcommand;
// with more, it returns the arguments after RECORD too.
func parseRecord(fs *flag.FlagSet, args []string, more bool) (archive.RecordID, []string, error) {
	pos, err := parseArgs(fs, args)
	if err != nil {
		return "", nil, err
	}
	if len(pos) == 0 || !more && len(pos) != 1 {
		return "", nil, usageError{fmt.Sprintf("%s takes one RECORD", fs.Name())}
	}
	return archive.RecordID(pos[0]), pos[1:], nil
}

func cmdRetentionStatus(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	var lang string
	fs := newFlagSet(g, "retention status", "retention status RECORD [--lang de|en]", stderr)
	fs.StringVar(&lang, "lang", "de", "language of the reasons: de or en")
	id, _, err := parseRecord(fs, args, false)
	if err != nil {
		return err
	}
	if lang != "de" && lang != "en" {
		return usageError{fmt.Sprintf("--lang %q: want de or en", lang)}
	}
	return withArchive(ctx, g, stderr, func(a *archive.Archive) error {
		rs, err := a.Retention(ctx, id)
		if err != nil {
			return err
		}
		if g.json {
			return writeJSON(stdout, rs)
		}
		printStatus(stdout, id, rs, lang)
		return nil
	})
}

// printStatus shows a record's retention, the reasons in lang (de or en).
func printStatus(w io.Writer, id archive.RecordID, rs *archive.RetentionStatus, lang string) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	line := func(name, format string, args ...any) { fmt.Fprintf(tw, name+"\t"+format+"\n", args...) }
	line("record", "%s", id)
	line("disposition", "%s", rs.Disposition)
	line("phase", "%s", rs.Phase)
	line("earliest", "%s", showDay(rs.Earliest))
	line("latest", "%s", showDay(rs.Latest))
	if !rs.Restricted.IsZero() {
		line("restricted", "%s", showDay(rs.Restricted))
	}
	if !rs.Next.IsZero() {
		line("next", "%s on %s", rs.NextPhase, showDay(rs.Next))
	}
	line("locked until", "%s", showDay(rs.LockedUntil))
	if rs.Hold != nil {
		line("legal hold", "since %s by %s: %s", showDay(rs.Hold.Since), rs.Hold.By, oneLine(rs.Hold.Reason))
	}
	if rs.Approval != nil {
		line("approved", "on %s by %s %s", showDay(rs.Approval.At), rs.Approval.By, oneLine(rs.Approval.Note))
	}
	if rs.Offer != "" {
		line("offer", "%s", rs.Offer)
	}
	if rs.Awaiting != "" {
		line("awaiting", "%s", rs.Awaiting)
	}
	for _, name := range slices.Sorted(maps.Keys(rs.Facts)) {
		line("fact", "%s=%s", name, rs.Facts[name])
	}
	if rs.Failure != "" {
		line("last sweep", "FAILED: %s", oneLine(rs.Failure))
	}
	tw.Flush()
	fmt.Fprintln(w, "reasons:")
	for _, r := range rs.Reasons {
		text := r.DE
		if lang == "en" {
			text = r.EN
		}
		fmt.Fprintf(w, "  %s\n", text)
	}
}

// showDay shows a date of the retention engine (midnight UTC), or — when not
// known.
func showDay(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format(time.DateOnly)
}

// changeRecord runs one change of a record's retention and shows the
// record's retention afterwards (in full with --json).
func changeRecord(ctx context.Context, g *globals, id archive.RecordID, stdout, stderr io.Writer,
	change func(*archive.Archive, archive.Actor) (*archive.Record, error), done string) error {
	return withArchive(ctx, g, stderr, func(a *archive.Archive) error {
		if _, err := change(a, cliActor(g)); err != nil {
			return err
		}
		rs, err := a.Retention(ctx, id)
		if err != nil {
			return err
		}
		if g.json {
			return writeJSON(stdout, rs)
		}
		fmt.Fprintf(stdout, "%s: %s; %s, due %s, at the latest %s\n", id, done, rs.Phase, showDay(rs.Earliest), showDay(rs.Latest))
		return nil
	})
}

// textChange is a change of one RECORD with a text: hold, release, approve.
type textChange struct {
	name, flag, usage string
	required          bool
	done              string // what the change did, for the user
	apply             func(*archive.Archive, context.Context, archive.Actor, archive.RecordID, string) (*archive.Record, error)
}

var (
	holdCommand = textChange{name: "hold", flag: "reason", usage: "why, e.g. the court case number (audited), required",
		required: true, done: "on legal hold", apply: (*archive.Archive).SetHold}
	releaseCommand = textChange{name: "release", flag: "reason", usage: "why the hold ends (audited), required",
		required: true, done: "legal hold released", apply: (*archive.Archive).ClearHold}
	approveCommand = textChange{name: "approve", flag: "note", usage: "a note for the audit log and the certificate",
		done: "disposal approved (the next sweep disposes of it)", apply: (*archive.Archive).Approve}
)

func (c textChange) run(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	var text string
	synopsis := fmt.Sprintf("retention %s RECORD --%s TEXT", c.name, c.flag)
	if !c.required {
		synopsis = fmt.Sprintf("retention %s RECORD [--%s TEXT]", c.name, c.flag)
	}
	fs := newFlagSet(g, "retention "+c.name, synopsis, stderr)
	fs.StringVar(&text, c.flag, "", c.usage)
	id, _, err := parseRecord(fs, args, false)
	if err != nil {
		return err
	}
	if c.required && strings.TrimSpace(text) == "" {
		return usageError{fmt.Sprintf("retention %s needs --%s TEXT", c.name, c.flag)}
	}
	return changeRecord(ctx, g, id, stdout, stderr, func(a *archive.Archive, who archive.Actor) (*archive.Record, error) {
		return c.apply(a, ctx, who, id, text)
	}, c.done)
}

func cmdRetentionFacts(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet(g, "retention facts", `retention facts RECORD name=YYYY-MM-DD...

Adds or corrects facts the schedule counts from, e.g. valid_until of a
passport. A new fact never shortens a lock already in force.`, stderr)
	id, rest, err := parseRecord(fs, args, true)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return usageError{"retention facts takes RECORD and at least one name=YYYY-MM-DD"}
	}
	facts := factFlags{}
	for _, kv := range rest {
		if err := facts.Set(kv); err != nil {
			return usageError{err.Error()}
		}
	}
	return changeRecord(ctx, g, id, stdout, stderr, func(a *archive.Archive, who archive.Actor) (*archive.Record, error) {
		return a.SetFacts(ctx, who, id, facts)
	}, "facts set: "+strings.Join(slices.Sorted(maps.Keys(facts)), ", "))
}

func cmdRetentionCertificate(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet(g, "retention certificate", "retention certificate RECORD", stderr)
	id, _, err := parseRecord(fs, args, false)
	if err != nil {
		return err
	}
	return withArchive(ctx, g, stderr, func(a *archive.Archive) error {
		cert, err := a.Certificate(ctx, id)
		if err != nil {
			return err
		}
		return writeJSON(stdout, cert)
	})
}

func cmdRetentionSchedule(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	var example bool
	fs := newFlagSet(g, "retention schedule", `retention schedule [--example]

Prints the schedule in force (config retention.schedule), or the shipped
example when none is configured. Copy it, adapt it to your Land's law and
your Aktenplan, and name the copy in the configuration.`, stderr)
	fs.BoolVar(&example, "example", false, "print the shipped example even when a schedule is configured")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usageError{"retention schedule takes no arguments"}
	}
	data := retention.DefaultYAML()
	if !example {
		cfg, err := g.loadConfig()
		if err != nil {
			return err
		}
		// A broken schedule is reported with every problem and its line.
		if _, _, err := cfg.schedule(); err != nil {
			return err
		}
		if data, err = cfg.scheduleYAML(); err != nil {
			return err
		}
	}
	_, err = stdout.Write(data)
	return err
}
