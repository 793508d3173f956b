package filestore

import (
	"os"
	"sync"

	"akte/internal/fsutil"
)

// syncer makes puts durable in groups. A put writes its temporary files
// without syncing, starts their writeback, and hands them over; one
// goroutine takes everything queued, makes the contents durable, performs
// the renames, and makes the names durable (see commit). There is no
// artificial delay: a batch is whatever queued while the previous one was
// syncing.
type syncer struct {
	// fs is any open file on the store's filesystem, for whole-filesystem
	// flushes; nil where the system has none.
	fs      *os.File
	mu      sync.Mutex
	queue   []*syncReq
	wake    chan struct{}
	stop    chan struct{}
	stopped chan struct{}
}

// syncReq is one put's durable work, in order: sync files, rename, sync
// directories.
type syncReq struct {
	files   []*os.File  // written, not yet synced; closed by the syncer
	renames [][2]string // from, to — in order
	dirs    []string    // directories whose entries changed
	done    chan error
}

func newSyncer(fs *os.File) *syncer {
	s := &syncer{fs: fs, wake: make(chan struct{}, 1), stop: make(chan struct{}), stopped: make(chan struct{})}
	go s.run()
	return s
}

// do queues r and waits for it. Not cancellable once queued: the files are
// already written and a half-done rename sequence must not be abandoned.
func (s *syncer) do(r *syncReq) error {
	r.done = make(chan error, 1)
	for _, f := range r.files {
		startWriteback(f)
	}
	s.mu.Lock()
	s.queue = append(s.queue, r)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return <-r.done
}

func (s *syncer) close() {
	close(s.stop)
	<-s.stopped
}

func (s *syncer) run() {
	defer close(s.stopped)
	for {
		select {
		case <-s.wake:
		case <-s.stop:
			s.mu.Lock()
			q := s.queue
			s.queue = nil
			s.mu.Unlock()
			s.commit(q)
			return
		}
		for {
			s.mu.Lock()
			q := s.queue
			s.queue = nil
			s.mu.Unlock()
			if len(q) == 0 {
				break
			}
			s.commit(q)
		}
	}
}

// commit makes a batch durable; each request gets its own outcome.
//
// Where the system can flush a whole filesystem (Linux syncfs), a batch
// costs two flushes whatever its size: one makes every temporary file's
// content durable, then the renames, then one makes the names durable.
// Elsewhere each file and directory is synced, concurrently.
func (s *syncer) commit(batch []*syncReq) {
	errs := make([]error, len(batch))
	var mu sync.Mutex
	fail := func(i int, err error) {
		mu.Lock()
		if errs[i] == nil {
			errs[i] = err
		}
		mu.Unlock()
	}
	failAll := func(err error) {
		for i := range batch {
			fail(i, err)
		}
	}

	// 1. Contents.
	if s.fs != nil {
		if err := syncFS(s.fs); err != nil {
			failAll(err)
		}
	} else {
		var jobs []func()
		for i, r := range batch {
			for _, f := range r.files {
				jobs = append(jobs, func() {
					if err := fdatasync(f); err != nil {
						fail(i, err)
					}
				})
			}
		}
		parallel(jobs)
	}
	for i, r := range batch {
		for _, f := range r.files {
			if err := f.Close(); err != nil {
				fail(i, err)
			}
		}
	}

	// 2. Names, in order; a put whose content is not durable is not renamed.
	dirs := map[string][]int{}
	for i, r := range batch {
		if errs[i] != nil {
			continue
		}
		for _, rn := range r.renames {
			if err := os.Rename(rn[0], rn[1]); err != nil {
				errs[i] = err
				break
			}
		}
		for _, d := range r.dirs {
			dirs[d] = append(dirs[d], i)
		}
	}

	// 3. Directories.
	if s.fs != nil {
		if err := syncFS(s.fs); err != nil {
			failAll(err)
		}
	} else {
		var jobs []func()
		for d, reqs := range dirs {
			jobs = append(jobs, func() {
				if err := fsutil.SyncPath(d); err != nil {
					for _, i := range reqs {
						fail(i, err)
					}
				}
			})
		}
		parallel(jobs)
	}
	for i, r := range batch {
		r.done <- errs[i]
	}
}

// maxParallelSyncs bounds the syncs in flight at once.
const maxParallelSyncs = 64

// parallel runs jobs concurrently, at most maxParallelSyncs at a time, and
// waits for all of them.
func parallel(jobs []func()) {
	if len(jobs) == 1 {
		jobs[0]()
		return
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, maxParallelSyncs)
	for _, job := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			job()
			<-sem
		}()
	}
	wg.Wait()
}
