package archive_test

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"akte/archive"
	"akte/archive/archivetest"
	"akte/archive/store/filestore"
)

var soak = flag.Bool("soak", false, "crash test: 1,000 kills instead of 50 (also AKTE_SOAK=1)")

// crashDoc is the deterministic document of request i, so the parent knows
// what every acknowledged record must contain.
func crashDoc(i int) []byte {
	return archivetest.MakePDF(fmt.Sprintf("Antrag %d", i), strings.Repeat(fmt.Sprintf("Zeile %d ", i), 1+i%50))
}

func crashReq(i int, body []byte) archive.IngestRequest {
	return archive.IngestRequest{
		Citizen: archive.CitizenID(fmt.Sprintf("C%04d", i%97)), Class: "registration", Title: fmt.Sprint("Anmeldung ", i),
		IdempotencyKey: fmt.Sprint("req-", i), Body: bytes.NewReader(body), Actor: clerk,
	}
}

// crashChild ingests requests start, start+1, … until killed, printing
// "start i" before and "ack i ID" after each acknowledged ingest.
func crashChild(dir string, start int) {
	st, err := filestore.Open(filepath.Join(dir, "store"), nil)
	if err != nil {
		fmt.Println("fatal", err)
		os.Exit(3)
	}
	a, _, err := archive.Open(ctx, archive.Options{Store: st, Dir: dir, AuditSealEvery: 7, Converter: archive.PassThrough{}})
	if err != nil {
		fmt.Println("fatal", err)
		os.Exit(3)
	}
	fmt.Println("ready")
	for i := start; ; i++ {
		fmt.Println("start", i)
		res, err := a.Ingest(ctx, crashReq(i, crashDoc(i)))
		if err != nil {
			fmt.Println("fatal", err)
			os.Exit(3)
		}
		fmt.Println("ack", i, res.Record.ID)
	}
}

func TestCrashSafety(t *testing.T) {
	if dir := os.Getenv("AKTE_CRASH_CHILD_DIR"); dir != "" {
		start, _ := strconv.Atoi(os.Getenv("AKTE_CRASH_CHILD_START"))
		crashChild(dir, start)
		return
	}
	rounds := 50
	if *soak || os.Getenv("AKTE_SOAK") == "1" {
		rounds = 1000
	}
	if testing.Short() {
		rounds = 10
	}
	dir := t.TempDir()
	acked := map[int]archive.RecordID{}
	next := 0
	var totals struct{ inflightRetried, inflightExisting, tempRemoved, orphans, added int }
	rng := rand.New(rand.NewPCG(1, uint64(time.Now().UnixNano())))
	for round := 0; round < rounds; round++ {
		started, ackedNow := runChildUntilKilled(t, dir, next, time.Duration(rng.IntN(60_000))*time.Microsecond)
		for i, id := range ackedNow {
			acked[i] = id
		}
		// Reopen as the restarted server would.
		st, err := filestore.Open(filepath.Join(dir, "store"), nil)
		if err != nil {
			t.Fatalf("round %d: reopen store: %v", round, err)
		}
		totals.tempRemoved += len(st.Recovered)
		if n := countTemp(t, filepath.Join(dir, "store")); n != 0 {
			t.Fatalf("round %d: %d temp files left after open", round, n)
		}
		a, rep, err := archive.Open(ctx, archive.Options{Store: st, Dir: dir, Converter: archive.PassThrough{}})
		if err != nil {
			t.Fatalf("round %d: reopen archive: %v", round, err)
		}
		totals.added += rep.Added
		totals.orphans = len(rep.Orphans)
		// Every acknowledged record is present and intact.
		for i, id := range ackedNow {
			doc, err := a.Get(ctx, archive.GetRequest{ID: id, Actor: clerk, Purpose: "crash test"})
			if err != nil || !bytes.Equal(doc.Data, crashDoc(i)) {
				t.Fatalf("round %d: acknowledged record %d (%s) lost or damaged: %v", round, i, id, err)
			}
		}
		// The in-flight request, retried by its client, makes no duplicate.
		if inflight := started; inflight >= 0 {
			if _, ok := ackedNow[inflight]; !ok {
				res, err := a.Ingest(ctx, crashReq(inflight, crashDoc(inflight)))
				if err != nil {
					t.Fatalf("round %d: retry of in-flight request %d: %v", round, inflight, err)
				}
				totals.inflightRetried++
				if res.Existing {
					totals.inflightExisting++
				}
				acked[inflight] = res.Record.ID
				next = inflight + 1
			} else {
				next = inflight + 1
			}
		}
		// Nothing half-visible: each request maps to exactly one record, and
		// what this round wrote verifies (stored files never change, so
		// earlier records need no re-reading; every 50 rounds and at the
		// end everything is verified anyway).
		n, err := a.Count(ctx)
		if err != nil || n != len(acked) {
			t.Fatalf("round %d: catalog shows %d records, %d requests were acknowledged (%v)", round, n, len(acked), err)
		}
		var ids []archive.RecordID
		if round%50 != 49 && round != rounds-1 {
			for i := range ackedNow {
				ids = append(ids, acked[i])
			}
			if started >= 0 {
				ids = append(ids, acked[started])
			}
		}
		vrep, err := a.Verify(ctx, ids, nil)
		if err != nil || !vrep.OK() {
			t.Fatalf("round %d: verify: %v %+v", round, err, vrep.Problems)
		}
		a.Close()
		st.Close()
	}
	arep, err := archive.VerifyAudit(ctx, dir, mustStore(t, dir))
	if err != nil || !arep.OK() {
		t.Fatalf("audit verify after %d kills: %v %+v", rounds, err, arep.Problems)
	}
	t.Logf("crash test: %d SIGKILLs, %d records acknowledged, %d in-flight requests retried (%d had committed before the kill, %d had not), "+
		"%d committed-but-uncataloged versions recovered, %d temp/partial files removed, %d orphaned objects, audit chain of %d entries intact",
		rounds, len(acked), totals.inflightRetried, totals.inflightExisting, totals.inflightRetried-totals.inflightExisting,
		totals.added, totals.tempRemoved, totals.orphans, arep.Entries)
	fmt.Printf("crash test: kills=%d acknowledged=%d inflight_retried=%d inflight_committed=%d recovered_by_reconcile=%d temp_removed=%d orphans=%d\n",
		rounds, len(acked), totals.inflightRetried, totals.inflightExisting, totals.added, totals.tempRemoved, totals.orphans)
}

func mustStore(t *testing.T, dir string) *filestore.Store {
	st, err := filestore.Open(filepath.Join(dir, "store"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// runChildUntilKilled starts a child ingesting from request start, kills it
// with SIGKILL after it has been ready for delay, and returns the last
// request it started (or -1) and the requests it acknowledged.
func runChildUntilKilled(t *testing.T, dir string, start int, delay time.Duration) (int, map[int]archive.RecordID) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashSafety$")
	cmd.Env = append(os.Environ(), "AKTE_CRASH_CHILD_DIR="+dir, "AKTE_CRASH_CHILD_START="+strconv.Itoa(start))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1024)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	started, acked := -1, map[int]archive.RecordID{}
	var kill <-chan time.Time
	deadline := time.After(60 * time.Second)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				cmd.Wait()
				return started, acked
			}
			f := strings.Fields(line)
			switch {
			case len(f) == 1 && f[0] == "ready":
				kill = time.After(delay)
			case len(f) == 2 && f[0] == "start":
				started, _ = strconv.Atoi(f[1])
			case len(f) == 3 && f[0] == "ack":
				i, _ := strconv.Atoi(f[1])
				acked[i] = archive.RecordID(f[2])
			case len(f) > 0 && f[0] == "fatal":
				cmd.Process.Kill()
				t.Fatalf("child failed: %s", line)
			}
		case <-kill:
			cmd.Process.Signal(syscall.SIGKILL)
			kill = nil
		case <-deadline:
			cmd.Process.Kill()
			t.Fatal("child did not become ready or exit within 60 s")
		}
	}
}

func countTemp(t *testing.T, root string) int {
	n := 0
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".tmp-") {
			n++
		}
		return nil
	})
	return n
}
