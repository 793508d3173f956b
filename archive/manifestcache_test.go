package archive

import (
	"encoding/json"
	"reflect"
	"strconv"
	"testing"
	"time"
)

// TestManifestClone: a clone shares no changeable memory with the cached
// manifest; a new reference-typed field in Manifest (or in a type it holds)
// fails here until clone copies it.
func TestManifestClone(t *testing.T) {
	cloned := map[string]bool{"Facts": true, "Files": true, "Stages": true, "Names": true, "Seal": true}
	var check func(path string, typ reflect.Type)
	check = func(path string, typ reflect.Type) {
		for i := range typ.NumField() {
			f := typ.Field(i)
			switch f.Type.Kind() {
			case reflect.Map, reflect.Slice, reflect.Pointer, reflect.Interface, reflect.Chan, reflect.Func, reflect.Array:
				if path != "" || !cloned[f.Name] {
					t.Errorf("%s%s (%s) is shared by Manifest.clone: copy it there", path, f.Name, f.Type)
				}
			case reflect.Struct:
				if f.Type != reflect.TypeFor[time.Time]() {
					check(path+f.Name+".", f.Type)
				}
			}
		}
	}
	check("", reflect.TypeFor[Manifest]())
	for _, typ := range []reflect.Type{reflect.TypeFor[FileRef](), reflect.TypeFor[SealInfo]()} {
		check(typ.Name()+".", typ)
	}

	m := &Manifest{
		Schema: 1, Record: "01HZX3J8Q6R9T2V4W6Y8Z0A1B3", Version: 1, Citizen: "P-1", Class: "tax",
		Facts: map[string]Date{"valid_until": "2031-03-01"}, Files: []FileRef{{Name: FileArchive, Key: "k", SHA256: "ab"}},
		Stages: map[string]string{"pdfa": "passthrough"}, Names: []string{"Erika Mustermann"},
		Seal: &SealInfo{Level: "B-B", Signer: "Stadt"},
	}
	before, _ := json.Marshal(m)
	c := m.clone()
	c.Facts["valid_until"] = "2099-01-01"
	c.Files[0].SHA256 = "changed"
	c.Stages["pdfa"] = "changed"
	c.Names[0] = "changed"
	c.Seal.Signer = "changed"
	if after, _ := json.Marshal(m); string(after) != string(before) {
		t.Fatalf("changing the clone changed the original:\n%s\n%s", before, after)
	}
}

// TestManifestCache: the same bytes decode once and each caller gets its
// own copy; other bytes for the same record are decoded anew.
func TestManifestCache(t *testing.T) {
	var c manifestCache
	id := RecordID("01HZX3J8Q6R9T2V4W6Y8Z0A1B3")
	raw := []byte(`{"schema":1,"record":"01HZX3J8Q6R9T2V4W6Y8Z0A1B3","version":1,"citizen":"P-1","class":"tax","title":"Bescheid","files":[{"name":"archive.pdf","key":"k","size":1,"sha256":"ab"}]}`)
	a, err := c.decode(id, raw)
	if err != nil {
		t.Fatal(err)
	}
	kept := c.m[id].m
	if kept == nil {
		t.Fatal("the decoded manifest was not kept")
	}
	a.Title = "changed by a caller"
	a.Files[0].SHA256 = "changed by a caller"
	b, err := c.decode(id, raw)
	if err != nil || b.Title != "Bescheid" || b.Files[0].SHA256 != "ab" {
		t.Fatalf("second decode: %+v, %v", b, err)
	}
	if c.m[id].m != kept {
		t.Fatal("the same bytes were decoded again")
	}
	if a == b || kept == a || kept == b {
		t.Fatal("the cache handed out a manifest it keeps, or one twice")
	}
	v2 := []byte(`{"schema":1,"record":"01HZX3J8Q6R9T2V4W6Y8Z0A1B3","version":2,"citizen":"P-1","class":"tax","title":"Neu"}`)
	if m, err := c.decode(id, v2); err != nil || m.Version != 2 || m.Title != "Neu" {
		t.Fatalf("changed bytes: %+v, %v", m, err)
	}
	if _, err := c.decode(id, []byte(`{"schema":`)); err == nil {
		t.Fatal("malformed JSON decoded")
	}
	for i := range manifestCacheSize + 10 {
		if _, err := c.decode(RecordID(strconv.Itoa(i)), raw); err != nil {
			t.Fatal(err)
		}
	}
	if len(c.m) > manifestCacheSize {
		t.Fatalf("%d entries, at most %d", len(c.m), manifestCacheSize)
	}
}
