package importer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"akte/internal/fsutil"
)

// Folders of the hot folder that the watcher fills and never reads.
const (
	DoneDir   = "done"
	FailedDir = "failed"
)

// WatchOptions configure a hot folder.
type WatchOptions struct {
	Options
	// Interval between looks at the folder; default 2 s.
	Interval time.Duration
	// Settle: a file is taken once its size and modification time have
	// stayed the same for this long (a scanner still writing it is left
	// alone); default 5 s.
	Settle time.Duration
	// Errorf, when set, hears about trouble that does not stop watching
	// (the archive unavailable, a file that cannot be moved).
	Errorf func(format string, args ...any)
}

// Watch imports what a scanner puts into o.Dir until ctx ends. A file is
// taken once it has settled; once archived it moves to done/, and when it
// is refused it moves to failed/ beside NAME.reason.txt saying why. A file
// is never removed without being archived: when the archive cannot go on
// (a service unavailable, the store failing) the file stays where it is
// and is tried again later. Relative paths are kept below done/ and
// failed/; a name already taken there gets a numbered suffix. A manifest
// row without a file of its own (listing a file again, or a page of a
// listed folder) is refused in the journal; nothing is moved for it.
func Watch(ctx context.Context, a Archiver, o WatchOptions) error {
	o.Options = o.Options.withDefaults()
	if err := o.check(); err != nil {
		return err
	}
	if o.Interval <= 0 {
		o.Interval = 2 * time.Second
	}
	if o.Settle <= 0 {
		o.Settle = 5 * time.Second
	}
	if o.Errorf == nil {
		o.Errorf = func(string, ...any) {}
	}
	j, err := openJournal(o.Journal)
	if err != nil {
		return err
	}
	defer j.close()
	w := &watcher{o: o, seen: map[string]fileState{}}
	r := &runner{a: a, o: o.Options, j: j, start: o.Now()}
	backoff := o.Interval
	for {
		ready, err := w.ready(a)
		if err != nil {
			o.Errorf("%v", err)
		}
		if len(ready) > 0 {
			r.mu.Lock()
			r.files += len(ready)
			r.mu.Unlock()
			entries, err := r.run(ctx, ready)
			for i, e := range entries { // in ready's order
				switch {
				case e.Outcome == Pending:
				case ready[i].noFile:
					delete(w.seen, e.File) // its file is another item's to move
				default:
					w.settle(e)
				}
			}
			switch {
			case ctx.Err() != nil:
				return nil
			case err != nil:
				o.Errorf("%v (files stay in the folder; trying again in %s)", err, backoff)
				if !sleep(ctx, backoff) {
					return nil
				}
				backoff = min(2*backoff, time.Minute)
				continue
			}
			backoff = o.Interval
		}
		if !sleep(ctx, o.Interval) {
			return nil
		}
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

type fileState struct {
	size  int64
	mtime time.Time
}

type watcher struct {
	o    WatchOptions
	seen map[string]fileState // each file's state at the last look
}

// ready lists the files that have settled since the last look.
func (w *watcher) ready(a Archiver) ([]item, error) {
	items, err := plan(w.o.Dir, w.o.Manifest, a.Classes(), map[string]bool{DoneDir: true, FailedDir: true})
	if err != nil {
		return nil, err
	}
	now := w.o.Now()
	seen := map[string]fileState{}
	var ready []item
	for _, it := range items {
		if it.missing {
			continue // a manifest row without a file (yet, or any more: in done/)
		}
		st, err := os.Lstat(it.path)
		if err != nil {
			continue // gone since plan looked
		}
		cur := fileState{st.Size(), st.ModTime()}
		for _, rel := range it.pages { // a folder row: settled when all its files are
			if pst, err := os.Lstat(filepath.Join(w.o.Dir, filepath.FromSlash(rel))); err == nil {
				cur.size += pst.Size()
				cur.mtime = later(cur.mtime, pst.ModTime())
			}
		}
		seen[it.rel] = cur
		if prev, ok := w.seen[it.rel]; ok && prev == cur && now.Sub(cur.mtime) >= w.o.Settle {
			ready = append(ready, it)
		}
	}
	w.seen = seen
	return ready, nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// settle moves a finished file (or folder) out of the hot folder: to
// done/, or to failed/ and then writes NAME.reason.txt beside it (created
// new, never over another file, and synced), so that a move that fails
// leaves no reason file behind.
func (w *watcher) settle(e Entry) {
	defer delete(w.seen, e.File)
	src := filepath.Join(w.o.Dir, filepath.FromSlash(e.File))
	sub := DoneDir
	if e.Outcome == Failed {
		sub = FailedDir
	}
	dst, err := freeName(filepath.Join(w.o.Dir, sub, filepath.FromSlash(e.File)))
	if err == nil {
		err = os.Rename(src, dst)
	}
	if err != nil {
		w.o.Errorf("cannot move %s to %s/: %v", e.File, sub, err)
		return
	}
	if e.Outcome != Failed {
		return
	}
	why := dst + ".reason.txt"
	err = fsutil.WriteNew(why, []byte(reasonText(e)), 0o640)
	if err == nil {
		err = fsutil.SyncPath(filepath.Dir(dst))
	}
	if err != nil {
		w.o.Errorf("moved %s to %s/ but cannot write why: %v", e.File, sub, err)
	}
}

// freeName returns p, or p with " (2)", " (3)"… before its extension when
// p (or its reason file) is taken, creating its folder. It only looks:
// the caller's rename and fsutil.WriteNew of the reason file take it.
func freeName(p string) (string, error) {
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return "", err
	}
	ext := path.Ext(p)
	stem := strings.TrimSuffix(p, ext)
	for n := 1; n < 10000; n++ {
		c := p
		if n > 1 {
			c = fmt.Sprintf("%s (%d)%s", stem, n, ext)
		}
		_, err1 := os.Lstat(c)
		_, err2 := os.Lstat(c + ".reason.txt")
		if errors.Is(err1, fs.ErrNotExist) && errors.Is(err2, fs.ErrNotExist) {
			return c, nil
		}
	}
	return "", fmt.Errorf("no free name for %s", p)
}

func reasonText(e Entry) string {
	var b strings.Builder
	fmt.Fprintf(&b, "file: %s\nrefused: %s\nkind: %s\nat: %s\n", e.File, e.Reason, e.Kind, e.At.Format(time.RFC3339))
	if e.SHA256 != "" {
		fmt.Fprintf(&b, "sha256: %s\n", e.SHA256)
	}
	b.WriteString("\nNothing was archived. Fix the file (or its name or manifest row) and put it into the folder again.\n")
	return b.String()
}
