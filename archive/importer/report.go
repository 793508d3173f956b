package importer

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"akte/internal/csvcell"
	"akte/internal/fsutil"
)

// ReportHeader is the first line of the CSV report.
var ReportHeader = []string{"file", "outcome", "record", "existing", "pages", "sha256", "size", "seconds", "reason"}

// WriteCSV writes every entry as one CSV row under ReportHeader. A file
// name or reason (which come from the folder, not from us) that a
// spreadsheet would take for a formula gets a leading apostrophe.
func WriteCSV(w io.Writer, entries []Entry) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(ReportHeader); err != nil {
		return err
	}
	for _, e := range entries {
		existing := ""
		if e.Existing {
			existing = "yes"
		}
		pages := ""
		if e.Pages > 0 {
			pages = strconv.Itoa(e.Pages)
		}
		size, secs := "", ""
		if e.Outcome != Pending {
			size = strconv.FormatInt(e.Size, 10)
			secs = strconv.FormatFloat(e.Seconds, 'f', 2, 64)
		}
		if err := cw.Write([]string{csvcell.Safe(e.File), string(e.Outcome), string(e.Record), existing, pages, e.SHA256, size, secs, csvcell.Safe(e.Reason)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteReport writes the CSV report to p atomically: a reader sees the
// previous report or the new one, never half of one.
func WriteReport(p string, entries []Entry) error {
	var b bytes.Buffer
	err := WriteCSV(&b, entries)
	if err == nil {
		err = os.MkdirAll(filepath.Dir(p), 0o750)
	}
	if err == nil {
		err = fsutil.WriteAtomic(p, b.Bytes(), 0o600)
	}
	if err != nil {
		return fmt.Errorf("import report: %w", err)
	}
	return nil
}

// String is the summary a person reads at the end of a run.
func (s Summary) String() string {
	out := fmt.Sprintf("%d files: %d archived", len(s.Entries), s.Archived)
	var notes []string
	if s.Earlier > 0 {
		notes = append(notes, fmt.Sprintf("%d by an earlier run", s.Earlier))
	}
	if n := s.Existing; n > 0 {
		notes = append(notes, fmt.Sprintf("%d found already in the archive", n))
	}
	if len(notes) > 0 {
		out += " (" + strings.Join(notes, ", ") + ")"
	}
	out += fmt.Sprintf(", %d failed", s.Failed)
	if s.Pending > 0 {
		out += fmt.Sprintf(", %d not reached (run again to continue)", s.Pending)
	}
	out += fmt.Sprintf("; %d pages in %s", s.Pages, s.Elapsed.Round(time.Second))
	if m := s.Elapsed.Minutes(); m > 0 && s.Pages > 0 {
		out += fmt.Sprintf(" (%.1f pages/min)", float64(s.Pages)/m)
	}
	return out
}
