package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"akte/archive"
	"akte/archive/archivetest"
	"akte/retention"
)

// A tax record through the retention commands: an event of its citizen,
// a legal hold in the status and the plan (csv and json) until released,
// a dry-run sweep, and the exit codes of refused and unknown input.
func TestRetentionCommands(t *testing.T) {
	c, dir := newCLI(t)
	r := c.run("ingest", writeTemp(t, "bescheid.pdf", archivetest.MakePDFA(t, "Becker")), "--citizen", "C-1", "--class", "tax", "--title", "Grundsteuerbescheid")
	if r.code != 0 {
		t.Fatalf("ingest: exit %d: %s", r.code, r.stderr)
	}
	id := strings.TrimSpace(r.stdout)
	now := time.Now().UTC()
	today := now.Format(time.DateOnly)
	due := fmt.Sprintf("%d-01-01", now.Year()+11) // AO §147: ten years after the end of the year

	if r = c.run("citizen", "event", "C-1", "moved_away", "--date", today); r.code != 0 || !strings.Contains(r.stdout, "1 records re-evaluated") {
		t.Fatalf("citizen event: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	r = c.run("citizen", "events", "C-1", "--json")
	var evs struct {
		Citizen string
		Events  []archive.CitizenEvent
	}
	if err := json.Unmarshal([]byte(r.stdout), &evs); err != nil || len(evs.Events) != 1 || evs.Events[0].Type != archive.EventMovedAway ||
		string(evs.Events[0].Date) != today || evs.Events[0].By.Name != "cli:tester" {
		t.Fatalf("citizen events --json: %v: %s", err, r.stdout)
	}

	if r = c.run("retention", "hold", id, "--reason", "VG Musterstadt 3 K 12/26"); r.code != 0 || !strings.Contains(r.stdout, "on legal hold") {
		t.Fatalf("hold: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	if r = c.run("retention", "hold", id, "--reason", "again"); r.code != exitConflict {
		t.Fatalf("second hold: exit %d, want %d: %s", r.code, exitConflict, r.stderr)
	}
	r = c.run("retention", "status", id)
	for _, want := range []string{"legal hold", "VG Musterstadt 3 K 12/26", "AO §147", "frühestens 10 Jahre nach Erstellung", "earliest      " + due} {
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Fatalf("status lacks %q: exit %d: %s%s", want, r.code, r.stdout, r.stderr)
		}
	}
	if r = c.run("retention", "status", id, "--lang", "en"); r.code != 0 || !strings.Contains(r.stdout, "not before 10 years after creation") {
		t.Fatalf("status --lang en: exit %d: %s", r.code, r.stdout)
	}

	r = c.run("retention", "plan", "--all", "--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if r.code != 0 || err != nil || len(rows) != 2 {
		t.Fatalf("plan csv: exit %d, %v: %s%s", r.code, err, r.stdout, r.stderr)
	}
	row := map[string]string{}
	for i, name := range rows[0] {
		row[name] = rows[1][i]
	}
	if row["record"] != id || row["citizen"] != "C-1" || row["class"] != "tax" || row["earliest"] != due || row["held"] != "true" || row["disposition"] != "destroy" {
		t.Fatalf("plan csv row %v", row)
	}
	r = c.run("--json", "retention", "plan", "--until", due)
	var plan archive.PlanReport
	if err := json.Unmarshal([]byte(r.stdout), &plan); err != nil || len(plan.Items) != 1 || plan.Items[0].Record != archive.RecordID(id) || !plan.Items[0].Held {
		t.Fatalf("plan --json --until %s: %v: %s%s", due, err, r.stdout, r.stderr)
	}
	if r = c.run("retention", "plan"); r.code != 0 || strings.Contains(r.stdout, id) || !strings.Contains(r.stdout, "0 of 1 records") {
		t.Fatalf("plan for the coming year shows a record due in %s: %s", due, r.stdout)
	}

	if r = c.run("retention", "release", id, "--reason", "Verfahren abgeschlossen"); r.code != 0 {
		t.Fatalf("release: exit %d: %s", r.code, r.stderr)
	}
	if r = c.run("retention", "status", id, "--json"); r.code != 0 || strings.Contains(r.stdout, `"hold"`) {
		t.Fatalf("status after release: exit %d: %s", r.code, r.stdout)
	}
	if r = c.run("retention", "sweep", "--dry-run", "--all"); r.code != 0 || !strings.Contains(r.stdout, "dry run, nothing changed: 1 records") {
		t.Fatalf("sweep --dry-run: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	if r = c.run("retention", "facts", id, "valid_until=2031-03-01"); r.code != 0 || !strings.Contains(r.stdout, "facts set: valid_until") {
		t.Fatalf("facts: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "audit.log")); !bytes.Contains(b, []byte(`"action":"hold"`)) || !bytes.Contains(b, []byte(`"action":"release"`)) {
		t.Errorf("hold and release are not in the audit log")
	}

	unknown := "01ARZ3NDEKTSV4RRFFQ69G5FAV"
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"citizen", "event", "C-1", "moved_away", "--date", "2026-13-45"}, exitRefused, "date"},
		{[]string{"citizen", "event", "C-1", "married", "--date", today}, exitRefused, "unknown event"},
		{[]string{"citizen", "event", "C-1", "deceased"}, exitUsage, "--date"},
		{[]string{"retention", "status", unknown}, exitNotFound, "not found"},
		{[]string{"retention", "hold", unknown, "--reason", "x"}, exitNotFound, "not found"},
		{[]string{"retention", "hold", id}, exitUsage, "--reason"},
		{[]string{"retention", "approve", id}, exitConflict, "not review"},
		{[]string{"retention", "certificate", id}, exitNotFound, "not found"},
		{[]string{"retention", "facts", id, "valid_until=2031-13-01"}, exitRefused, "valid_until"},
		{[]string{"retention", "facts", id, "valid_until"}, exitUsage, "name=YYYY-MM-DD"},
		{[]string{"retention", "plan", "--until", "31.12.2030"}, exitUsage, "--until"},
		{[]string{"retention", "plan", "--class", "gossip"}, exitRefused, "unknown class"},
		{[]string{"retention", "plan", "--json", "--format", "csv"}, exitUsage, "choose one"},
		{[]string{"retention", "offer"}, exitUsage, "--out"},
		{[]string{"retention", "shred"}, exitUsage, "unknown retention command"},
	} {
		if r := c.run(tc.args...); r.code != tc.code || !strings.Contains(r.stderr, tc.msg) {
			t.Errorf("%v: exit %d (want %d), stderr %q (want it to say %q)", tc.args, r.code, tc.code, r.stderr, tc.msg)
		}
	}
	if r := c.run("citizen", "events", "C-1"); !strings.Contains(r.stdout, "1 events") {
		t.Errorf("a refused event was recorded: %s", r.stdout)
	}
}

func TestRetentionHelpAndSchedule(t *testing.T) {
	c, _ := newCLI(t)
	r := c.run("retention", "--help")
	for _, want := range []string{"plan", "sweep", "status", "hold", "release", "approve", "facts", "certificate", "schedule", "offer", "appraisal"} {
		if r.code != 0 || !strings.Contains(r.stdout, "\n  "+want+" ") {
			t.Fatalf("retention --help lacks %q: exit %d: %s", want, r.code, r.stdout)
		}
	}
	if r := c.run("help"); !strings.Contains(r.stdout, "retention") || !strings.Contains(r.stdout, "citizen") {
		t.Fatalf("help lacks the retention commands: %s", r.stdout)
	}
	if r := c.run("citizen", "event", "--help"); r.code != 0 || !strings.Contains(r.stderr, "--detail") {
		t.Fatalf("citizen event --help: exit %d: %s", r.code, r.stderr)
	}
	r = c.run("retention", "schedule")
	if s, err := retention.Parse([]byte(r.stdout)); r.code != 0 || err != nil || s.Classes["tax"] == nil || !s.Example {
		t.Fatalf("retention schedule: exit %d, %v: %.200s", r.code, err, r.stdout)
	}
	// A configured schedule is printed as it is; a broken one names its line.
	mine := "classes:\n  tax:\n    disposition: destroy\n    earliest:\n      - {basis: \"AO §147\", start: created, after: P10Y, year_end: true}\n"
	cfg := writeTemp(t, "akte.yaml", []byte("retention:\n  schedule: "+writeTemp(t, "plan.yaml", []byte(mine))+"\n"))
	if r := c.run("--config", cfg, "retention", "schedule"); r.code != 0 || r.stdout != mine {
		t.Fatalf("configured schedule: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	if r := c.run("--config", cfg, "retention", "schedule", "--example"); r.code != 0 || r.stdout != string(retention.DefaultYAML()) {
		t.Fatalf("schedule --example: exit %d", r.code)
	}
	cfg = writeTemp(t, "akte.yaml", []byte("retention:\n  schedule: "+writeTemp(t, "plan.yaml", []byte("classes:\n  tax:\n    disposition: shred\n"))+"\n"))
	if r := c.run("--config", cfg, "retention", "schedule"); r.code != exitConfig || !strings.Contains(r.stderr, "line") {
		t.Fatalf("broken schedule: exit %d: %s", r.code, r.stderr)
	}
}

func TestExitCodeOfDisposedRecord(t *testing.T) {
	err := fmt.Errorf("record X: %w on 2037-01-01: %w", archive.ErrDisposed, archive.ErrNotFound)
	if got := exitCode(err); got != exitDisposed {
		t.Fatalf("exit code of a disposed record: %d, want %d", got, exitDisposed)
	}
	if got := exitCode(fmt.Errorf("record X: %w", archive.ErrNotFound)); got != exitNotFound {
		t.Fatalf("exit code of an unknown record: %d, want %d", got, exitNotFound)
	}
}

// syncBuffer is a log destination the sweeper and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) count(sub string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Count(s.b.String(), sub)
}

// The server's sweeper sweeps first after its delay, then every interval,
// logging a summary each time, and sweeps no more once stopped.
func TestSweeper(t *testing.T) {
	clock := archivetest.NewClock(time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC))
	a, _ := archivetest.OpenDir(t, t.TempDir(), archive.Options{Now: clock.Now})
	if _, err := a.Ingest(context.Background(), archive.IngestRequest{Actor: archive.System, Citizen: "B-1", Class: "tax",
		Body: bytes.NewReader(archivetest.MakePDF("Bescheid", "B-1"))}); err != nil {
		t.Fatal(err)
	}
	clock.Set(time.Date(2037, 1, 1, 0, 0, 0, 0, time.UTC))
	var logs syncBuffer
	stop := startSweeper(a, 20*time.Millisecond, time.Millisecond, time.Second, slog.New(slog.NewTextHandler(&logs, nil)))
	deadline := time.Now().Add(10 * time.Second)
	for logs.count(`msg="retention sweep"`) < 3 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	stop()
	stop() // idempotent
	n := logs.count(`msg="retention sweep"`)
	if n < 3 || logs.count("actions=\"dispose 1\"") != 1 {
		t.Fatalf("sweeper logged %d sweeps:\n%s", n, logs.b.String())
	}
	time.Sleep(60 * time.Millisecond)
	if logs.count(`msg="retention sweep"`) != n {
		t.Fatal("the sweeper swept after stop")
	}
	var off syncBuffer
	startSweeper(a, 0, 0, 0, slog.New(slog.NewTextHandler(&off, nil)))()
	if off.count("sweeper off") != 1 {
		t.Fatalf("interval 0: %s", off.b.String())
	}
}
