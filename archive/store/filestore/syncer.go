package filestore

import (
	"os"
	"sync"
)

// syncer makes puts durable in groups. A put writes its temporary files
// without syncing, starts their writeback, and hands them over; one
// goroutine takes everything queued, fdatasyncs the files (the first sync
// commits the filesystem journal, the others mostly find their changes
// committed already), performs the renames, and fsyncs each directory
// touched once. So a batch costs about two journal commits however many
// objects it holds. There is no artificial delay: a batch is whatever
// queued while the previous one was syncing.
type syncer struct {
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

func newSyncer() *syncer {
	s := &syncer{wake: make(chan struct{}, 1), stop: make(chan struct{}), stopped: make(chan struct{})}
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
func (s *syncer) commit(batch []*syncReq) {
	errs := make([]error, len(batch))
	for i, r := range batch {
		for _, f := range r.files {
			if err := fdatasync(f); err != nil && errs[i] == nil {
				errs[i] = err
			}
			if err := f.Close(); err != nil && errs[i] == nil {
				errs[i] = err
			}
		}
	}
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
	for d, reqs := range dirs {
		if err := syncDir(d); err != nil {
			for _, i := range reqs {
				if errs[i] == nil {
					errs[i] = err
				}
			}
		}
	}
	for i, r := range batch {
		r.done <- errs[i]
	}
}
