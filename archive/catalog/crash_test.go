package catalog

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// crashHelperEnv makes the test binary act as the writer process of
// TestKillKeepsAcknowledged instead of running tests.
const crashHelperEnv = "AKTE_CATALOG_CRASH_HELPER"

func TestMain(m *testing.M) {
	if path := os.Getenv(crashHelperEnv); path != "" {
		crashHelper(path)
		os.Exit(3) // crashHelper only returns on failure
	}
	os.Exit(m.Run())
}

// crashHelper writes forever from 8 goroutines and prints "ack <i> <version>"
// after each acknowledged Put, until it is killed (or a minute passes).
func crashHelper(path string) {
	c, err := Open(path, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return
	}
	var mu sync.Mutex
	ack := func(i, v int) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(os.Stdout, "ack %d %d\n", i, v) // one write(2) per line: os.Stdout is unbuffered
	}
	ctx := context.Background()
	for w := range 8 {
		go func() {
			for i := w; ; i += 8 {
				if err := c.Put(ctx, testEntry(i, 1)); err != nil {
					fmt.Fprintln(os.Stderr, "helper:", err)
					os.Exit(4)
				}
				ack(i, 1)
				if i%3 == 0 { // updates move the disposal date and keys
					if err := c.Put(ctx, testEntry(i, 2)); err != nil {
						fmt.Fprintln(os.Stderr, "helper:", err)
						os.Exit(4)
					}
					ack(i, 2)
				}
			}
		}()
	}
	time.Sleep(time.Minute)
}

// TestKillKeepsAcknowledged kills a writing process with SIGKILL and checks
// that every acknowledged write survived and the indexes are consistent.
// (A process kill leaves the page cache intact; it does not prove the fsync
// itself, which bbolt issues on every commit since NoSync is never set.)
func TestKillKeepsAcknowledged(t *testing.T) {
	for round := range 3 {
		t.Run(fmt.Sprint(round), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "catalog.db")
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), crashHelperEnv+"="+path)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			acked := map[int]int{} // record → highest acknowledged version
			killAt := 200 + round*400
			lines := 0
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				var i, v int
				if _, err := fmt.Sscanf(sc.Text(), "ack %d %d", &i, &v); err != nil {
					t.Fatalf("helper said %q", sc.Text())
				}
				acked[i] = max(acked[i], v)
				if lines++; lines == killAt {
					if err := cmd.Process.Kill(); err != nil {
						t.Fatal(err)
					}
				}
			}
			err = cmd.Wait()
			if lines < killAt {
				t.Fatalf("helper stopped after %d acks: %v; stderr: %s", lines, err, stderr.String())
			}
			if err == nil || !strings.Contains(err.Error(), "killed") {
				t.Fatalf("helper exited with %v, want killed", err)
			}

			c, err := Open(path, nil)
			if err != nil {
				t.Fatalf("open after kill: %v", err)
			}
			defer c.Close()
			ctx := context.Background()
			for i, v := range acked {
				got, err := c.Get(ctx, testID(i))
				if err != nil {
					t.Fatalf("acknowledged record %d lost: %v", i, err)
				}
				if got.Version < v {
					t.Fatalf("record %d: version %d, acknowledged %d", i, got.Version, v)
				}
				if want := testEntry(i, got.Version); !equalEntry(got, want) {
					t.Fatalf("record %d differs from what was written", i)
				}
			}
			n, err := c.Count(ctx)
			if err != nil || n < len(acked) {
				t.Errorf("Count = %d, %v; acknowledged %d records", n, err, len(acked))
			}
			checkConsistency(t, c)
			t.Logf("killed after %d acks; %d records acknowledged, %d stored", lines, len(acked), n)
		})
	}
}
