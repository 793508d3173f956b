package pdfa

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestConvertersRunNiced: a program started like Ghostscript and pdftotext
// (limitedCommand, runLowPriority) runs childNice steps below this process.
func TestConvertersRunNiced(t *testing.T) {
	prio, err := unix.Getpriority(unix.PRIO_PROCESS, 0)
	if err != nil {
		t.Fatal(err)
	}
	if 20-prio >= 19 {
		t.Skip("this test runs at the lowest priority already: nothing to lower")
	}
	want := min(20-prio+childNice, 19)
	// The shell execs into another shell that prints its own nice value
	// (field 19 of /proc/self/stat; sh's name has no space) at once: the
	// priority is lowered before the program runs, not some time after.
	// This test's own thread keeps its priority.
	cmd := limitedCommand(context.Background(), 1<<30, "/bin/sh", "-c", "read -r l < /proc/self/stat; set -- $l; echo ${19}")
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := runLowPriority(cmd); err != nil {
		t.Fatal(err)
	}
	got, err := strconv.Atoi(strings.TrimSpace(out.String()))
	if err != nil {
		t.Fatalf("output %q: %v", out.String(), err)
	}
	if got != want {
		t.Fatalf("child's nice value %d, want %d", got, want)
	}
	if after, err := unix.Getpriority(unix.PRIO_PROCESS, 0); err != nil || after != prio {
		t.Fatalf("the caller's priority changed from %d to %d (%v)", prio, after, err)
	}
}
