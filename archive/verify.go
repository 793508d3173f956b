package archive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"akte/archive/store"
)

// Problem is one fixity failure, named by record and key.
type Problem struct {
	Record RecordID `json:"record"`
	Key    string   `json:"key"`
	Kind   string   `json:"kind"` // "missing", "corrupt", "manifest", "unlocked", "seal", "error"
	Detail string   `json:"detail"`
}

func (p Problem) String() string {
	return fmt.Sprintf("%s %s: %s: %s", p.Record, p.Key, p.Kind, p.Detail)
}

// VerifyReport summarises a fixity run.
type VerifyReport struct {
	Records  int       `json:"records"`
	Objects  int       `json:"objects"`
	Bytes    int64     `json:"bytes"`
	Seals    int       `json:"seals"` // seals checked
	Problems []Problem `json:"problems"`
}

// OK reports whether no problem was found.
func (r *VerifyReport) OK() bool { return len(r.Problems) == 0 }

// Verify re-reads every object of the given records (all records when ids
// is empty): the manifest must match the catalog's copy, every file its
// size and SHA-256, and every object must still carry its lock. Each
// problem is reported; Verify only returns an error when it cannot run
// (the catalog is unreadable or ctx is done). progress, if not nil, is
// called after each record.
func (a *Archive) Verify(ctx context.Context, ids []RecordID, progress func(done int)) (*VerifyReport, error) {
	rep := &VerifyReport{Problems: []Problem{}}
	check := func(id RecordID) error {
		rep.Records++
		a.verifyRecord(ctx, id, rep)
		if progress != nil {
			progress(rep.Records)
		}
		return ctx.Err()
	}
	if len(ids) > 0 {
		for _, id := range ids {
			if err := check(id); err != nil {
				return rep, err
			}
		}
		return rep, nil
	}
	for e, err := range a.cat.All(ctx) {
		if err != nil {
			return rep, fmt.Errorf("verify: %w", err)
		}
		if e.Status == "disposed" {
			continue
		}
		if err := check(RecordID(e.ID)); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

func (a *Archive) verifyRecord(ctx context.Context, id RecordID, rep *VerifyReport) {
	add := func(key, kind, format string, args ...any) {
		rep.Problems = append(rep.Problems, Problem{Record: id, Key: key, Kind: kind, Detail: fmt.Sprintf(format, args...)})
	}
	rec, err := a.Record(ctx, id)
	if err != nil {
		add("", "error", "%v", err)
		return
	}
	mkey := ManifestKey(id, rec.Version)
	e, err := a.cat.Get(ctx, string(id))
	if err != nil {
		add(mkey, "error", "%v", err)
		return
	}
	// The stored manifest must equal the catalog's copy.
	b, _, err := store.ReadAll(ctx, a.store, mkey, e.ManifestVersion)
	rep.Objects++
	switch {
	case errors.Is(err, store.ErrNotFound):
		add(mkey, "missing", "manifest is not in the store")
	case err != nil:
		add(mkey, "error", "%v", err)
	default:
		rep.Bytes += int64(len(b))
		stored, derr := decodeManifest(mkey, b)
		if derr != nil {
			add(mkey, "manifest", "%v", derr)
		} else if !sameManifest(stored, rec.Manifest) {
			add(mkey, "manifest", "stored manifest differs from the catalog")
		}
	}
	now := a.opts.Now()
	for _, f := range rec.Manifest.Files {
		rep.Objects++
		data, err := a.readVerified(ctx, f)
		if err != nil {
			kind := "error"
			switch {
			case errors.Is(err, ErrCorrupt) && errors.Is(err, store.ErrNotFound):
				kind = "missing"
			case errors.Is(err, ErrCorrupt):
				kind = "corrupt"
			}
			add(f.Key, kind, "%v", err)
			continue
		}
		rep.Bytes += f.Size
		if f.Name == FileArchive && rec.Manifest.Seal != nil {
			rep.Seals++
			if v := a.verifySeal(ctx, data); !v.Valid {
				add(f.Key, "seal", "the seal does not verify: %s", strings.Join(v.Reasons, "; "))
			}
		}
		info, err := a.store.Stat(ctx, f.Key, f.VersionID)
		if err != nil {
			add(f.Key, "error", "%v", err)
			continue
		}
		if !rec.Manifest.RetainUntil.IsZero() && info.Retention.Until.Before(rec.Manifest.RetainUntil) && !info.LegalHold &&
			rec.Manifest.RetainUntil.After(now) {
			add(f.Key, "unlocked", "retained until %s, manifest says %s", fmtTime(info.Retention.Until), fmtTime(rec.Manifest.RetainUntil))
		}
	}
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}

func sameManifest(a, b *Manifest) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
