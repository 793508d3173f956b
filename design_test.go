// Package akte_test holds checks of the design itself (see DESIGN.md):
// imports point one way.
package akte_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// allowed lists, per package, the project packages its non-test files may
// import, besides its own internal packages. A package missing here may
// import no project package at all.
var allowed = map[string][]string{
	"archive/store/filestore":      {"archive/store"},
	"archive/store/s3store":        {"archive/store"},
	"archive/store/storetest":      {"archive/store"},
	"archive/store/s3store/s3test": {"archive/store/s3store"},
	// The search corpus generator makes search.Doc values for tests and benchmarks.
	"search/searchcorpus": {"search"},
	"archive/audit":       {"archive/store"},
	"archive/catalog":     {},
	// The engine imports leaves, never a backend.
	"archive": {"archive/store", "archive/catalog", "archive/audit", "pdfa", "signing", "search", "retention"},
	// Test helpers for the engine may wire the embedded backend.
	"archive/archivetest": {"archive", "archive/store", "archive/store/filestore", "pdfa"},
	// Bulk import drives the engine from outside, as the server does.
	"archive/importer": {"archive", "pdfa"},
	"web":              {"archive", "archive/importer", "web/auth"},
	// Users, tokens and sessions: the standard library, x/crypto and bbolt only.
	"web/auth": {},
	// Only the command knows every backend.
	"cmd/akte": {"*"},
}

func TestImportsPointOneWay(t *testing.T) {
	imports := map[string]map[string]bool{}
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && p != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(filepath.Dir(p))
		if imports[pkg] == nil {
			imports[pkg] = map[string]bool{}
		}
		for _, imp := range f.Imports {
			ip, _ := strconv.Unquote(imp.Path.Value)
			if rest, ok := strings.CutPrefix(ip, "akte/"); ok {
				imports[pkg][rest] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(imports) < 5 {
		t.Fatalf("found only %d packages: is the walk broken?", len(imports))
	}
	for pkg, deps := range imports {
		ok := allowed[pkg]
		for dep := range deps {
			// A package's own internal packages are part of it; the
			// module's (internal/…, leaves importing no project package)
			// serve every package.
			if strings.HasPrefix(dep, pkg+"/internal/") || strings.HasPrefix(dep, "internal/") {
				continue
			}
			if !permitted(ok, dep) {
				t.Errorf("%s imports akte/%s: not allowed by the design (allowed: %v)", pkg, dep, ok)
			}
			if (strings.HasPrefix(dep, "cmd/") || dep == "web") && pkg != "cmd/akte" {
				t.Errorf("%s imports akte/%s: nothing imports web or cmd", pkg, dep)
			}
		}
	}
}

func permitted(ok []string, dep string) bool {
	for _, a := range ok {
		if a == "*" || a == dep {
			return true
		}
		if m, _ := path.Match(a, dep); m {
			return true
		}
	}
	return false
}
