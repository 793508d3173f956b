package pdfa

import (
	"bytes"
	"fmt"
)

// checkAll applies every clause to the parsed document.
func (d *document) checkAll() error {
	d.checkHeader()
	d.checkXRefSyntax()
	if err := d.checkAllObjects(); err != nil {
		return err
	}
	d.checkTrailer()
	if d.xrefBad {
		d.found.add("6.1.4", "the cross-reference table is damaged; objects were found by scanning the file", "")
	}
	cat := d.dict(d.trailer["Root"])
	d.checkMetadata(cat)
	d.checkCatalog(cat)
	d.loadOutputIntents(cat)
	if err := d.checkPages(cat); err != nil {
		return err
	}
	if err := d.checkOutlines(cat); err != nil {
		return err
	}
	if err := d.checkGlyphs(); err != nil {
		return err
	}
	if d.b.err != nil {
		return d.b.err
	}
	if err := d.b.ctx.Err(); err != nil {
		return fmt.Errorf("check pdf: %w", ErrTimeout)
	}
	return nil
}

// checkCatalog: permissions (6.1.12), forms (6.4), catalog actions (6.5),
// optional content (6.9), embedded files (6.8).
func (d *document) checkCatalog(cat pdfDict) {
	if perms := d.dict(cat["Perms"]); perms != nil {
		for k := range perms {
			if k != "UR3" && k != "DocMDP" {
				d.found.add("6.1.12", "the permissions dictionary contains the key "+k, "")
			}
		}
		if sig := d.dict(perms["DocMDP"]); sig != nil {
			d.checkDocMDP(sig)
		}
	}
	if _, ok := cat["AA"]; ok {
		d.found.add("6.5.2", "the document catalog contains an AA entry", "catalog")
	}
	if ad, ok := d.res(cat["OpenAction"]).(pdfDict); ok {
		d.checkAction(ad, "open action")
	}
	if v, _ := d.res(cat["NeedsRendering"]).(bool); v {
		d.found.add("6.4.2", "the catalog contains NeedsRendering true", "catalog")
	}
	if af := d.dict(cat["AcroForm"]); af != nil {
		if v, _ := d.res(af["NeedAppearances"]).(bool); v {
			d.found.add("6.4.1", "the interactive form dictionary has NeedAppearances true", "AcroForm")
		}
		if _, ok := af["XFA"]; ok {
			d.found.add("6.4.2", "the interactive form dictionary contains XFA", "AcroForm")
		}
		d.checkFields(d.arr(af["Fields"]), 0, map[pdfRef]bool{})
	}
	if names := d.dict(cat["Names"]); names != nil {
		if _, ok := names["JavaScript"]; ok {
			d.found.add("6.5.1", "the document contains JavaScript (Names/JavaScript)", "catalog")
		}
		if ef := d.dict(names["EmbeddedFiles"]); ef != nil {
			d.checkEmbeddedFiles(ef, 0, map[pdfRef]bool{})
		}
	}
	if oc := d.dict(cat["OCProperties"]); oc != nil {
		d.checkOptionalContent(oc)
	}
}

func (d *document) checkDocMDP(sig pdfDict) {
	for _, r := range d.arr(sig["Reference"]) {
		rd := d.dict(r)
		if rd == nil {
			continue
		}
		for _, k := range []string{"DigestLocation", "DigestMethod", "DigestValue"} {
			if _, ok := rd[k]; ok {
				d.found.add("6.1.12", "a signature reference dictionary contains "+k, "DocMDP")
			}
		}
	}
}

// checkFields: field dictionaries may not carry actions (6.4.1, 6.5.2).
func (d *document) checkFields(fields pdfArray, depth int, seen map[pdfRef]bool) {
	if depth > 32 {
		return
	}
	for _, f := range fields {
		if r, ok := f.(pdfRef); ok {
			if seen[r] {
				continue
			}
			seen[r] = true
		}
		fd := d.dict(f)
		if fd == nil {
			continue
		}
		if _, ok := fd["AA"]; ok {
			d.found.add("6.5.2", "a form field dictionary contains an AA entry", "")
		}
		d.checkFields(d.arr(fd["Kids"]), depth+1, seen)
	}
}

var allowedActions = map[string]bool{
	"GoTo": true, "GoToR": true, "GoToE": true, "Thread": true, "URI": true,
	"Named": true, "SubmitForm": true,
}

var allowedNamed = map[string]bool{"NextPage": true, "PrevPage": true, "FirstPage": true, "LastPage": true}

// checkAction: 6.5.1 — only the permitted action types, following Next.
func (d *document) checkAction(a pdfDict, where string) {
	queue := []pdfDict{a}
	for n := 0; len(queue) > 0 && n < 256; n++ {
		a := queue[0]
		queue = queue[1:]
		s := d.name(a["S"])
		switch {
		case !allowedActions[s]:
			d.found.add("6.5.1", fmt.Sprintf("a %s action is used (%s)", s, where), where)
		case s == "Named" && !allowedNamed[d.name(a["N"])]:
			d.found.add("6.5.1", fmt.Sprintf("the named action %s is not permitted (%s)", d.name(a["N"]), where), where)
		}
		switch nx := d.res(a["Next"]).(type) {
		case pdfDict:
			queue = append(queue, nx)
		case pdfArray:
			for _, x := range nx {
				if xd := d.dict(x); xd != nil {
					queue = append(queue, xd)
				}
			}
		}
	}
}

func (d *document) checkOutlines(cat pdfDict) error {
	ol := d.dict(cat["Outlines"])
	if ol == nil {
		return nil
	}
	seen := map[pdfRef]bool{}
	var walk func(first any, depth int) error
	walk = func(first any, depth int) error {
		if depth > 64 {
			return nil
		}
		for it := first; it != nil; {
			if err := d.b.step(); err != nil {
				return err
			}
			r, ok := it.(pdfRef)
			if !ok || seen[r] {
				return nil
			}
			seen[r] = true
			od := d.dict(r)
			if od == nil {
				return nil
			}
			if a := d.dict(od["A"]); a != nil {
				d.checkAction(a, "outline")
			}
			if err := walk(od["First"], depth+1); err != nil {
				return err
			}
			it = od["Next"]
		}
		return nil
	}
	return walk(ol["First"], 0)
}

// checkOptionalContent: 6.9 — every configuration has a Name and no AS.
func (d *document) checkOptionalContent(oc pdfDict) {
	cfgs := []any{oc["D"]}
	cfgs = append(cfgs, d.arr(oc["Configs"])...)
	names := map[string]bool{}
	for i, c := range cfgs {
		cd := d.dict(c)
		if cd == nil {
			continue
		}
		n, ok := d.res(cd["Name"]).(pdfString)
		if !ok {
			d.found.add("6.9", "an optional content configuration dictionary has no Name", "OCProperties")
		} else {
			if names[string(n.b)] && i > 0 {
				d.found.add("6.9", "optional content configuration names are not unique", "OCProperties")
			}
			names[string(n.b)] = true
		}
		if _, ok := cd["AS"]; ok {
			d.found.add("6.9", "an optional content configuration dictionary contains AS", "OCProperties")
		}
	}
}

// checkEmbeddedFiles: 6.8 — embedded files must be PDF/A-1 or PDF/A-2
// files themselves: each is checked with the same budget, two levels deep.
func (d *document) checkEmbeddedFiles(tree pdfDict, depth int, seen map[pdfRef]bool) {
	if depth > 32 {
		return
	}
	names := d.arr(tree["Names"])
	for i := 1; i < len(names); i += 2 {
		fs := d.dict(names[i])
		if fs == nil {
			continue
		}
		ef := d.dict(fs["EF"])
		for _, k := range []string{"F", "UF"} {
			if s, ok := d.res(ef[k]).(*pdfStream); ok {
				d.checkEmbeddedFile(s)
				break
			}
		}
	}
	for _, k := range d.arr(tree["Kids"]) {
		if r, ok := k.(pdfRef); ok {
			if seen[r] {
				continue
			}
			seen[r] = true
		}
		if kd := d.dict(k); kd != nil {
			d.checkEmbeddedFiles(kd, depth+1, seen)
		}
	}
}

const maxEmbedDepth = 2

func (d *document) checkEmbeddedFile(s *pdfStream) {
	where := objName(s.num)
	data, err := d.decodeStream(s)
	if err != nil {
		return
	}
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		d.found.add("6.8", "an embedded file is not a PDF file", where)
		return
	}
	if d.embedDepth >= maxEmbedDepth {
		d.found.add("6.8", "embedded files are nested too deeply to check", where)
		return
	}
	sub, err := openDocument(data, d.b)
	if err != nil {
		d.found.add("6.8", "an embedded PDF file cannot be parsed", where)
		return
	}
	sub.embedDepth = d.embedDepth + 1
	if err := sub.checkAll(); err != nil {
		return
	}
	for _, v := range sub.found.list {
		if v.Clause == "6.6.4" && sub.part == 1 {
			continue // a PDF/A-1 file may be embedded
		}
		d.found.add("6.8", "an embedded file is not PDF/A: "+string(v.Clause)+" "+v.Message, where)
		return
	}
}
