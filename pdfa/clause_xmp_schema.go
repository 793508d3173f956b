package pdfa

import (
	"regexp"
	"strings"
)

// extSchemas are the properties and value types defined by PDF/A extension
// schemas: namespace URI -> property name -> value type.
type extSchemas struct {
	props map[string]map[string]string
	types map[string]structType // value type name -> fields
}

// propType is the value type an extension schema gives the property; e may
// be nil.
func (e *extSchemas) propType(ns, local string) (string, bool) {
	if e == nil {
		return "", false
	}
	typ, ok := e.props[ns][local]
	return typ, ok
}

// readExtensions reads pdfaExtension:schemas and checks 6.6.2.3.3.
func (d *document) readExtensions(props []xmpProp, where string) *extSchemas {
	ext := &extSchemas{props: map[string]map[string]string{}, types: map[string]structType{}}
	const c = "6.6.2.3.3"
	for _, p := range props {
		if p.ns != nsPDFAEx || p.local != "schemas" {
			continue
		}
		if p.prefix != "pdfaExtension" {
			d.found.add(c, "the PDF/A extension schema container does not use the prefix pdfaExtension", where)
		}
		if p.val.kind != 'b' {
			d.found.add(c, "pdfaExtension:schemas is not a Bag", where)
		}
		for _, sch := range p.val.items {
			f := fieldMap(sch)
			if sch.kind != 't' {
				d.found.add(c, "an extension schema is not a structure", where)
				continue
			}
			d.requireFields(f, nsSchema, "pdfaSchema", []string{"schema", "namespaceURI", "prefix"}, where)
			uri := textOf(f[nsSchema+" namespaceURI"])
			if ext.props[uri] == nil {
				ext.props[uri] = map[string]string{}
			}
			if pr := f[nsSchema+" property"]; pr != nil {
				if pr.val.kind != 'q' {
					d.found.add(c, "pdfaSchema:property is not a Seq", where)
				}
				for _, it := range pr.val.items {
					pf := fieldMap(it)
					d.requireFields(pf, nsProp, "pdfaProperty", []string{"name", "valueType", "category", "description"}, where)
					if cat := textOf(pf[nsProp+" category"]); cat != "" && cat != "internal" && cat != "external" {
						d.found.add(c, "pdfaProperty:category is neither internal nor external", where)
					}
					ext.props[uri][textOf(pf[nsProp+" name"])] = textOf(pf[nsProp+" valueType"])
				}
			}
			if vt := f[nsSchema+" valueType"]; vt != nil {
				if vt.val.kind != 'q' {
					d.found.add(c, "pdfaSchema:valueType is not a Seq", where)
				}
				for _, it := range vt.val.items {
					tf := fieldMap(it)
					d.requireFields(tf, nsType, "pdfaType", []string{"type", "namespaceURI", "prefix", "description", "field"}, where)
					st := structType{ns: textOf(tf[nsType+" namespaceURI"]), fields: map[string]string{}}
					if fl := tf[nsType+" field"]; fl != nil {
						for _, fi := range fl.val.items {
							ff := fieldMap(fi)
							d.requireFields(ff, nsField, "pdfaField", []string{"name", "valueType", "description"}, where)
							st.fields[textOf(ff[nsField+" name"])] = textOf(ff[nsField+" valueType"])
						}
					}
					ext.types[textOf(tf[nsType+" type"])] = st
				}
			}
		}
	}
	return ext
}

func fieldMap(n *xmpNode) map[string]*xmpProp {
	m := map[string]*xmpProp{}
	for i := range n.fields {
		f := &n.fields[i]
		m[f.ns+" "+f.local] = f
	}
	return m
}

func textOf(p *xmpProp) string {
	if p == nil || p.val == nil {
		return ""
	}
	return strings.TrimSpace(p.val.text)
}

func (d *document) requireFields(f map[string]*xmpProp, ns, prefix string, names []string, where string) {
	for _, n := range names {
		p := f[ns+" "+n]
		if p == nil {
			d.found.add("6.6.2.3.3", "the extension schema field "+prefix+":"+n+" is missing", where)
			continue
		}
		if p.prefix != prefix {
			d.found.add("6.6.2.3.3", "an extension schema field does not use the prefix "+prefix, where)
		}
	}
}

// checkSchemas: 6.6.2.3.1 — every property is defined by a predefined or
// an extension schema and has the value type of its definition.
func (d *document) checkSchemas(props []xmpProp, ext *extSchemas, where string) {
	for _, p := range props {
		switch p.ns {
		case nsPDFAEx, nsRDF, nsXML:
			continue
		case nsPDFAID:
			if !pdfaidProps[p.local] {
				d.found.add("6.6.2.3.1", "pdfaid:"+p.local+" is not defined", where)
			}
			continue
		}
		sch, isPredefined := predefined[p.ns]
		if typ, ok := sch[p.local]; ok {
			if !d.validValue(p.val, typ, ext, 0) {
				d.found.add("6.6.2.3.1", "the property "+p.prefix+":"+p.local+" is not a valid "+typ, where)
			}
			continue
		}
		if typ, ok := ext.propType(p.ns, p.local); ok {
			if !d.validValue(p.val, typ, ext, 0) {
				d.found.add("6.6.2.3.2", "the custom property "+p.prefix+":"+p.local+" does not match its value type", where)
			}
			continue
		}
		if isPredefined {
			d.found.add("6.6.2.3.1", "the property "+p.prefix+":"+p.local+" is not defined in its schema", where)
		} else {
			d.found.add("6.6.2.3.2", "the property "+p.prefix+":"+p.local+" uses a schema without an extension schema definition", where)
		}
	}
}

// pdfaidProps are the properties of the PDF/A identification schema.
var pdfaidProps = map[string]bool{"part": true, "conformance": true, "amd": true, "corr": true}

var (
	intRe      = regexp.MustCompile(`^[+-]?[0-9]+$`)
	realRe     = regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$`)
	rationalRe = regexp.MustCompile(`^[+-]?[0-9]+/[+-]?[0-9]+$`)
	dateRe     = regexp.MustCompile(`^[0-9]{4}(-[0-9]{2}(-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?)?)?$`)
)

// validValue checks a node against a value type such as "Integer",
// "Bag ProperName", "Lang Alt" or a structure type.
func (d *document) validValue(n *xmpNode, typ string, ext *extSchemas, depth int) bool {
	if n == nil || depth > 8 {
		return true
	}
	typ = strings.TrimSpace(typ)
	switch {
	case typ == "Lang Alt":
		if n.kind != 'a' {
			return false
		}
		for _, it := range n.items {
			if it.kind != 's' || it.lang == "" {
				return false
			}
		}
		return true
	case strings.HasPrefix(typ, "Bag "), strings.HasPrefix(typ, "Seq "), strings.HasPrefix(typ, "Alt "):
		want := map[string]byte{"Bag": 'b', "Seq": 'q', "Alt": 'a'}[typ[:3]]
		if n.kind != want {
			return false
		}
		for _, it := range n.items {
			if !d.validValue(it, typ[4:], ext, depth+1) {
				return false
			}
		}
		return true
	}
	if st, ok := structTypes[typ]; ok {
		return d.validStruct(n, st, ext, depth)
	}
	if ext != nil {
		if st, ok := ext.types[typ]; ok {
			return d.validStruct(n, st, ext, depth)
		}
	}
	if n.kind != 's' {
		return false
	}
	v := strings.TrimSpace(n.text)
	switch typ {
	case "Integer":
		return intRe.MatchString(v)
	case "Real":
		return realRe.MatchString(v)
	case "Boolean":
		return v == "True" || v == "False"
	case "Date":
		return dateRe.MatchString(v)
	case "Rational":
		return rationalRe.MatchString(v)
	}
	return true
}

func (d *document) validStruct(n *xmpNode, st structType, ext *extSchemas, depth int) bool {
	if n.kind != 't' {
		return false
	}
	for _, f := range n.fields {
		if f.ns != st.ns {
			return false
		}
		ft, ok := st.fields[f.local]
		if !ok {
			return false
		}
		if !d.validValue(f.val, ft, ext, depth+1) {
			return false
		}
	}
	return true
}
