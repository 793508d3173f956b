package importer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// maxJournalLine bounds one journal line; a longer one is damage.
const maxJournalLine = 64 << 10

// journal is the import's memory across runs: one JSON line per finished
// file, appended and synced before the file counts as done. A run killed
// at any point leaves at most a torn last line, which the next run cuts
// off. The archive itself recognises a document ingested again (same
// citizen, class and SHA-256), so a file archived just before a kill, and
// not yet journaled, is found rather than archived twice.
type journal struct {
	mu   sync.Mutex
	f    *os.File
	last map[string]Entry // each file's latest entry
}

func openJournal(p string) (*journal, error) {
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return nil, fmt.Errorf("import journal: %w", err)
	}
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("import journal: %w", err)
	}
	j := &journal{f: f, last: map[string]Entry{}}
	end, err := j.load()
	if err == nil {
		// Cut a torn last line; append after the last whole one.
		if err = f.Truncate(end); err == nil {
			_, err = f.Seek(end, io.SeekStart)
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("import journal %s: %w", p, err)
	}
	return j, nil
}

// load reads the whole lines and returns the offset after the last one.
func (j *journal) load() (int64, error) {
	r := bufio.NewReaderSize(j.f, 64<<10)
	var end int64
	for n := 1; ; n++ {
		line, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			return 0, fmt.Errorf("line %d longer than %d bytes: not a journal", n, maxJournalLine)
		}
		if err != nil { // io.EOF: what is left is a torn line
			if errors.Is(err, io.EOF) {
				return end, nil
			}
			return 0, err
		}
		var e Entry
		if err := json.Unmarshal(bytes.TrimSpace(line), &e); err != nil || e.File == "" {
			return 0, fmt.Errorf("line %d is not a journal entry", n)
		}
		j.last[e.File] = e
		end += int64(len(line))
	}
}

// done returns the file's latest entry, if any.
func (j *journal) done(file string) (Entry, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	e, ok := j.last[file]
	return e, ok
}

// add appends e and syncs it to disk.
func (j *journal) add(e Entry) error {
	line, err := json.Marshal(e)
	if err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, err := j.f.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("import journal: %w", err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("import journal: %w", err)
	}
	j.last[e.File] = e
	return nil
}

func (j *journal) close() error { return j.f.Close() }
