package importer

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"akte/archive"
)

// Manifest limits: a manifest is untrusted input like any document.
const (
	maxManifestBytes = 64 << 20
	maxManifestRows  = 2_000_000
	maxFiles         = 2_000_000
)

// ManifestError is a manifest that cannot be used at all (a missing
// column, a malformed line); nothing is imported. Line is 1-based, 0 when
// the error is not about one line.
type ManifestError struct {
	Path   string
	Line   int
	Reason string
}

func (e *ManifestError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("manifest %s line %d: %s", e.Path, e.Line, e.Reason)
	}
	return fmt.Sprintf("manifest %s: %s", e.Path, e.Reason)
}

// Unwrap makes a manifest error an invalid request.
func (e *ManifestError) Unwrap() error { return archive.ErrInvalid }

// item is one input file and what is known about it before it is read.
type item struct {
	rel  string // slash-separated path below the folder: the file's name in journal and report
	path string // on disk
	// meta is from the manifest row or the file name; fail, when set, is
	// why the file cannot be imported at all (not listed, bad name).
	meta archive.IngestRequest
	fail string
	line int // manifest line, for messages
	// pages, for a manifest row naming a folder, are the files in it (rel
	// paths, in page order): one document, a page image per file.
	pages []string
	// noFile: the item is a manifest row without a file of its own (a
	// row listing a file again, or listing a page of a listed folder):
	// path is the file the row names, which another item stands for, so
	// the hot folder moves nothing for it.
	noFile bool
	// missing: the manifest row names nothing in the folder (plan looked),
	// so the hot folder need not look for it again.
	missing bool
}

// walk lists the regular files below dir, sorted, as slash-separated
// relative paths. Hidden files and folders (".name") and the folders in
// skip are left out; other non-regular files (links, devices) are listed
// in odd, so that they are reported rather than silently ignored.
func walk(dir string, skip map[string]bool) (files, odd []string, err error) {
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if skip[rel] {
				return filepath.SkipDir
			}
			return nil
		}
		if len(files)+len(odd) >= maxFiles {
			return fmt.Errorf("more than %d files below %s: import it in parts", maxFiles, dir)
		}
		if d.Type().IsRegular() {
			files = append(files, rel)
		} else {
			odd = append(odd, rel)
		}
		return nil
	})
	return files, odd, err
}

// manifestRow is one parsed row of a manifest CSV.
type manifestRow struct {
	line int
	file string // slash-separated, relative to the folder
	req  archive.IngestRequest
}

// readManifest parses a manifest CSV: a header naming the columns file,
// citizen, class and optionally date, title and fact:NAME (any order, any
// case), then one row per file. Commas or semicolons (as spreadsheet
// programs write in Germany) separate; a UTF-8 byte order mark is ignored.
func readManifest(p string) ([]manifestRow, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, &ManifestError{Path: p, Reason: unwrapPath(err).Error()}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxManifestBytes+1))
	if err != nil {
		return nil, &ManifestError{Path: p, Reason: err.Error()}
	}
	return parseManifest(p, data)
}

func parseManifest(p string, data []byte) ([]manifestRow, error) {
	if len(data) > maxManifestBytes {
		return nil, &ManifestError{Path: p, Reason: fmt.Sprintf("larger than %d MiB", maxManifestBytes>>20)}
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		return nil, &ManifestError{Path: p, Reason: "not UTF-8 text (save it as CSV UTF-8)"}
	}
	r := csv.NewReader(bytes.NewReader(data))
	first, _, _ := bytes.Cut(data, []byte("\n"))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';'
	}
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return nil, csvError(p, err, "no header line")
	}
	cols := map[string]int{}
	facts := map[int]string{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		switch {
		case name == "file" || name == "citizen" || name == "class" || name == "date" || name == "title":
		case strings.HasPrefix(name, "fact:") && len(name) > len("fact:"):
			facts[i] = strings.TrimSpace(h)[len("fact:"):]
			continue
		default:
			return nil, &ManifestError{Path: p, Line: 1, Reason: fmt.Sprintf("unknown column %q (known: file, citizen, class, date, title, fact:NAME)", clip(h))}
		}
		if _, dup := cols[name]; dup {
			return nil, &ManifestError{Path: p, Line: 1, Reason: fmt.Sprintf("column %q twice", name)}
		}
		cols[name] = i
	}
	for _, need := range []string{"file", "citizen", "class"} {
		if _, ok := cols[need]; !ok {
			return nil, &ManifestError{Path: p, Line: 1, Reason: fmt.Sprintf("no %q column (the header must name file, citizen, class; optionally date, title, fact:NAME)", need)}
		}
	}
	get := func(rec []string, name string) string {
		if i, ok := cols[name]; ok {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var rows []manifestRow
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(p, err, "")
		}
		line, _ := r.FieldPos(0)
		if len(rows) >= maxManifestRows {
			return nil, &ManifestError{Path: p, Line: line, Reason: fmt.Sprintf("more than %d rows: import it in parts", maxManifestRows)}
		}
		if allEmpty(rec) {
			continue
		}
		file, err := cleanRel(get(rec, "file"))
		if err != nil {
			return nil, &ManifestError{Path: p, Line: line, Reason: err.Error()}
		}
		row := manifestRow{line: line, file: file, req: archive.IngestRequest{
			Citizen: archive.CitizenID(get(rec, "citizen")), Class: archive.Class(get(rec, "class")),
			Date: archive.Date(get(rec, "date")), Title: get(rec, "title"),
		}}
		for i, name := range facts {
			if v := strings.TrimSpace(rec[i]); v != "" {
				if row.req.Facts == nil {
					row.req.Facts = map[string]archive.Date{}
				}
				row.req.Facts[name] = archive.Date(v)
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func csvError(p string, err error, fallback string) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ManifestError{Path: p, Line: pe.Line, Reason: pe.Err.Error()}
	}
	if errors.Is(err, io.EOF) && fallback != "" {
		return &ManifestError{Path: p, Reason: fallback}
	}
	return &ManifestError{Path: p, Reason: err.Error()}
}

func allEmpty(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// cleanRel checks a manifest's file name: relative, inside the folder.
func cleanRel(name string) (string, error) {
	if name == "" {
		return "", errors.New("empty file name")
	}
	name = strings.ReplaceAll(name, `\`, "/") // written on Windows
	c := path.Clean(name)
	if path.IsAbs(c) || c == ".." || strings.HasPrefix(c, "../") || filepath.IsAbs(name) || strings.Contains(c, ":") && filepath.VolumeName(c) != "" {
		return "", fmt.Errorf("file %q is not a path inside the folder", clip(name))
	}
	if c == "." {
		return "", fmt.Errorf("file %q names the folder itself", clip(name))
	}
	return c, nil
}

// fromName reads a file's citizen, class, date and title from its name,
// CITIZEN_CLASS[_YYYY-MM-DD][_TITLE WORDS].ext, the convention for scanner
// profiles: "P100234_registration_2019-03-04_Anmeldung Hauptstr.tif".
// The class is found among the known classes, so a citizen ID may itself
// contain underscores; a date may also be written YYYYMMDD; underscores
// in the title become spaces.
func fromName(rel string, classes []archive.Class) (archive.IngestRequest, error) {
	base := path.Base(rel)
	base = strings.TrimSuffix(base, path.Ext(base))
	parts := strings.Split(base, "_")
	for i := 1; i < len(parts); i++ {
		if !slices.Contains(classes, archive.Class(parts[i])) {
			continue
		}
		req := archive.IngestRequest{Citizen: archive.CitizenID(strings.Join(parts[:i], "_")), Class: archive.Class(parts[i])}
		rest := parts[i+1:]
		if len(rest) > 0 {
			if d, ok := nameDate(rest[0]); ok {
				req.Date, rest = d, rest[1:]
			}
		}
		req.Title = strings.TrimSpace(strings.Join(rest, " "))
		return req, nil
	}
	return archive.IngestRequest{}, fmt.Errorf("no manifest row, and the name does not follow CITIZEN_CLASS_YYYY-MM-DD_TITLE with a known class (%s)", classList(classes))
}

func nameDate(s string) (archive.Date, bool) {
	if len(s) == 8 && strings.Trim(s, "0123456789") == "" {
		s = s[:4] + "-" + s[4:6] + "-" + s[6:]
	}
	d := archive.Date(s)
	return d, d.Valid()
}

func classList(classes []archive.Class) string {
	s := make([]string, len(classes))
	for i, c := range classes {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}

// plan lists what one run imports: every file below dir, with its manifest
// row or the metadata in its name. Files the manifest does not list, and
// rows naming no file, become failures, so that the report accounts for
// everything in the folder and everything the manifest promised.
func plan(dir, manifest string, classes []archive.Class, skip map[string]bool) ([]item, error) {
	files, odd, err := walk(dir, skip)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	var rows []manifestRow
	selfRel := "" // the manifest itself, when it lies in the folder
	if manifest != "" {
		if rows, err = readManifest(manifest); err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
		if r, err := filepath.Rel(dir, manifest); err == nil && filepath.IsLocal(r) {
			selfRel = filepath.ToSlash(r)
		}
	}
	byFile := map[string]*manifestRow{}
	var items []item
	for i := range rows {
		row := &rows[i]
		if prev := byFile[row.file]; prev != nil {
			items = append(items, item{rel: row.file + "#line" + fmt.Sprint(row.line), path: filepath.Join(dir, filepath.FromSlash(row.file)), line: row.line, noFile: true,
				fail: fmt.Sprintf("manifest line %d lists %s again (first on line %d)", row.line, row.file, prev.line)})
			continue
		}
		byFile[row.file] = row
	}
	// Rows naming a folder: one document of the files in it. The walk
	// shows which folders hold files; only a row naming neither a file nor
	// such a folder is looked up, to tell an empty folder from nothing.
	holding := map[string]bool{}
	for _, rel := range files {
		for d := path.Dir(rel); d != "." && !holding[d]; d = path.Dir(d) {
			holding[d] = true
		}
	}
	isFile := make(map[string]bool, len(files))
	for _, rel := range files {
		isFile[rel] = true
	}
	folders := map[string]*item{}
	// gone: rows naming nothing in the folder. A link the walk listed as
	// odd is there even when os.Stat, following it, finds nothing.
	gone := map[string]bool{}
	for i := range rows {
		row := &rows[i]
		p := filepath.Join(dir, filepath.FromSlash(row.file))
		if byFile[row.file] != row || isFile[row.file] {
			continue
		}
		if !holding[row.file] {
			st, err := os.Stat(p)
			if err != nil {
				gone[row.file] = !slices.Contains(odd, row.file)
				continue
			}
			if !st.IsDir() {
				continue
			}
		}
		folders[row.file] = &item{rel: row.file + "/", path: p, meta: row.req, line: row.line}
	}
	// folderOf is the listed folder holding rel, the innermost when
	// folders nest.
	folderOf := func(rel string) *item {
		for d := path.Dir(rel); d != "."; d = path.Dir(d) {
			if f := folders[d]; f != nil {
				return f
			}
		}
		return nil
	}
	present := map[string]bool{}
	for _, rel := range files {
		if rel == selfRel {
			continue
		}
		present[rel] = true
		if f := folderOf(rel); f != nil {
			f.pages = append(f.pages, rel)
			if row := byFile[rel]; row != nil {
				items = append(items, item{rel: rel + "#line" + fmt.Sprint(row.line), path: filepath.Join(dir, filepath.FromSlash(rel)), line: row.line, noFile: true,
					fail: fmt.Sprintf("manifest line %d lists %s, a page of the folder %s (line %d)", row.line, rel, strings.TrimSuffix(f.rel, "/"), f.line)})
			}
			continue
		}
		it := item{rel: rel, path: filepath.Join(dir, filepath.FromSlash(rel))}
		switch row := byFile[rel]; {
		case row != nil:
			it.meta, it.line = row.req, row.line
		case manifest != "":
			it.fail = "not listed in the manifest"
		default:
			if it.meta, err = fromName(rel, classes); err != nil {
				it.fail = err.Error()
			}
		}
		items = append(items, it)
	}
	for _, rel := range odd {
		if f := folderOf(rel); f != nil && f.fail == "" {
			f.fail = fmt.Sprintf("folder holds %s, not a regular file (a link, device or pipe)", rel)
		}
		items = append(items, item{rel: rel, path: filepath.Join(dir, filepath.FromSlash(rel)), fail: "not a regular file (a link, device or pipe)"})
	}
	for _, f := range folders {
		if len(f.pages) == 0 && f.fail == "" {
			f.fail = fmt.Sprintf("manifest line %d names a folder without files", f.line)
		}
		slices.SortFunc(f.pages, PageOrder)
		present[strings.TrimSuffix(f.rel, "/")] = true
		items = append(items, *f)
	}
	for i := range rows {
		row := &rows[i]
		if byFile[row.file] != row || present[row.file] {
			continue // a duplicate, reported above, or found
		}
		items = append(items, item{rel: row.file, path: filepath.Join(dir, filepath.FromSlash(row.file)), line: row.line, missing: gone[row.file],
			fail: "listed in the manifest (line " + fmt.Sprint(row.line) + ") but not found in the folder"})
	}
	slices.SortFunc(items, func(a, b item) int { return strings.Compare(a.rel, b.rel) })
	return items, nil
}

// PageOrder orders the files of a folder row as people number pages: runs
// of digits by their value, so scan2.tif comes before scan10.tif; names
// equal by that (scan2, scan02) bytewise.
func PageOrder(a, b string) int {
	return cmp.Or(naturalCompare(a, b), strings.Compare(a, b))
}

func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := cmp.Compare(len(na), len(nb)); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func digitRun(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// unwrapPath drops the operation and path from an *fs.PathError, whose
// text repeats what the caller already says.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
