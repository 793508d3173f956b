package pdfa

import (
	"bytes"
	"encoding/xml"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
)

const (
	nsRDF    = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	nsXML    = "http://www.w3.org/XML/1998/namespace"
	nsPDFAID = "http://www.aiim.org/pdfa/ns/id/"
	nsPDFAEx = "http://www.aiim.org/pdfa/ns/extension/"
	nsSchema = "http://www.aiim.org/pdfa/ns/schema#"
	nsProp   = "http://www.aiim.org/pdfa/ns/property#"
	nsType   = "http://www.aiim.org/pdfa/ns/type#"
	nsField  = "http://www.aiim.org/pdfa/ns/field#"
)

// xmpNode is one RDF value: a simple value, a structure or an array.
type xmpNode struct {
	kind   byte // 's' simple, 't' struct, 'b' bag, 'q' seq, 'a' alt
	text   string
	lang   string
	fields []xmpProp
	items  []*xmpNode
}

// xmpProp is a named property (or struct field) with the prefix it used.
type xmpProp struct {
	ns, local, prefix string
	val               *xmpNode
}

// xmlElem is a generic XML element tree.
type xmlElem struct {
	name     xml.Name
	prefix   string
	attrs    []xml.Attr
	children []*xmlElem
	text     strings.Builder
}

const maxXMPElems = 100000

// parseXML builds an element tree and keeps the prefix of every element.
func parseXML(data []byte) (*xmlElem, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	root := &xmlElem{}
	stack := []*xmlElem{root}
	prefixes := []map[string]string{{}}
	n := 0
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n++
			if n > maxXMPElems || len(stack) > 64 {
				return nil, errDepth
			}
			scope := map[string]string{}
			for k, v := range prefixes[len(prefixes)-1] {
				scope[k] = v
			}
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" {
					scope[a.Name.Local] = a.Value
				} else if a.Name.Space == "" && a.Name.Local == "xmlns" {
					scope[""] = a.Value
				}
			}
			e := &xmlElem{prefix: t.Name.Space, name: xml.Name{Space: scope[t.Name.Space], Local: t.Name.Local}}
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
					continue
				}
				ns := ""
				switch {
				case a.Name.Space == "xml":
					ns = nsXML
				case a.Name.Space != "":
					ns = scope[a.Name.Space]
					if ns == "" {
						ns = "\x00" + a.Name.Space
					}
				}
				e.attrs = append(e.attrs, xml.Attr{Name: xml.Name{Space: ns, Local: a.Name.Local + "\x00" + a.Name.Space}, Value: a.Value})
			}
			parent := stack[len(stack)-1]
			parent.children = append(parent.children, e)
			stack = append(stack, e)
			prefixes = append(prefixes, scope)
		case xml.EndElement:
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
				prefixes = prefixes[:len(prefixes)-1]
			}
		case xml.CharData:
			stack[len(stack)-1].text.Write(t)
		}
	}
	return root, nil
}

func attrLocal(a xml.Attr) (local, prefix string) {
	i := strings.IndexByte(a.Name.Local, 0)
	if i < 0 {
		return a.Name.Local, ""
	}
	return a.Name.Local[:i], a.Name.Local[i+1:]
}

func (e *xmlElem) attr(ns, local string) (string, bool) {
	for _, a := range e.attrs {
		l, _ := attrLocal(a)
		if a.Name.Space == ns && l == local {
			return a.Value, true
		}
	}
	return "", false
}

func findRDF(e *xmlElem, depth int) *xmlElem {
	if e.name.Space == nsRDF && e.name.Local == "RDF" {
		return e
	}
	if depth > 8 {
		return nil
	}
	for _, c := range e.children {
		if r := findRDF(c, depth+1); r != nil {
			return r
		}
	}
	return nil
}

// rdfProperties returns the top-level properties of all rdf:Description
// elements under rdf:RDF.
func rdfProperties(rdf *xmlElem) []xmpProp {
	var out []xmpProp
	for _, desc := range rdf.children {
		if desc.name.Space != nsRDF || desc.name.Local != "Description" {
			continue
		}
		out = append(out, descFields(desc)...)
	}
	return out
}

// descFields turns the attributes and children of a Description (or a
// parseType=Resource element) into properties.
func descFields(e *xmlElem) []xmpProp {
	var out []xmpProp
	for _, a := range e.attrs {
		l, p := attrLocal(a)
		if a.Name.Space == nsRDF || a.Name.Space == nsXML || a.Name.Space == "" {
			continue
		}
		out = append(out, xmpProp{ns: a.Name.Space, local: l, prefix: p, val: &xmpNode{kind: 's', text: a.Value}})
	}
	for _, c := range e.children {
		out = append(out, xmpProp{ns: c.name.Space, local: c.name.Local, prefix: c.prefix, val: rdfValue(c, 0)})
	}
	return out
}

// rdfValue interprets a property element.
func rdfValue(e *xmlElem, depth int) *xmpNode {
	n := &xmpNode{kind: 's'}
	n.lang, _ = e.attr(nsXML, "lang")
	if depth > 32 {
		return n
	}
	if pt, _ := e.attr(nsRDF, "parseType"); pt == "Resource" {
		n.kind = 't'
		n.fields = descFields(e)
		return qualified(n)
	}
	if r, ok := e.attr(nsRDF, "resource"); ok {
		n.text = r
		return n
	}
	if len(e.children) == 0 {
		n.text = e.text.String()
		// Non-RDF attributes make a structure in shorthand form.
		for _, a := range e.attrs {
			if a.Name.Space != nsRDF && a.Name.Space != nsXML && a.Name.Space != "" {
				n.kind = 't'
				n.fields = descFields(e)
				return n
			}
		}
		return n
	}
	c := e.children[0]
	if c.name.Space == nsRDF {
		switch c.name.Local {
		case "Bag", "Seq", "Alt":
			n.kind = map[string]byte{"Bag": 'b', "Seq": 'q', "Alt": 'a'}[c.name.Local]
			for _, li := range c.children {
				if li.name.Space == nsRDF && li.name.Local == "li" {
					n.items = append(n.items, rdfValue(li, depth+1))
				}
			}
			return n
		case "Description":
			n.kind = 't'
			n.fields = descFields(c)
			return qualified(n)
		}
	}
	n.kind = 't'
	n.fields = descFields(e)
	return n
}

// qualified turns a structure with rdf:value into a qualified simple value.
func qualified(n *xmpNode) *xmpNode {
	for _, f := range n.fields {
		if f.ns == nsRDF && f.local == "value" {
			return f.val
		}
	}
	return n
}

var (
	packetBytesRe = regexp.MustCompile(`<\?xpacket[^>]*\bbytes=`)
	packetEncRe   = regexp.MustCompile(`<\?xpacket[^>]*\bencoding=`)
)

// checkMetadata: 6.6 — the catalog's XMP metadata, PDF/A identification,
// predefined and extension schemas.
func (d *document) checkMetadata(cat pdfDict) {
	s, ok := d.res(cat["Metadata"]).(*pdfStream)
	if !ok {
		d.found.add("6.6.2.1", "the catalog has no Metadata stream", "catalog")
		d.found.add("6.6.4", "the file does not identify itself as PDF/A (no XMP metadata)", "catalog")
		return
	}
	props, ok := d.readXMP(s, "catalog metadata")
	if !ok {
		d.found.add("6.6.4", "the file does not identify itself as PDF/A-2", "catalog metadata")
		return
	}
	d.checkPDFAID(props)
	d.checkInfoConsistency(props)
}

// readXMP parses one metadata stream and checks its schemas against the
// predefined ones and the extension schemas it defines.
func (d *document) readXMP(s *pdfStream, where string) ([]xmpProp, bool) {
	data, err := d.decodeStream(s)
	if err != nil {
		return nil, false
	}
	data = xmpToUTF8(data)
	if packetBytesRe.Match(data) {
		d.found.add("6.6.2.1", "the XMP packet header uses the bytes attribute", where)
	}
	if packetEncRe.Match(data) {
		d.found.add("6.6.2.1", "the XMP packet header uses the encoding attribute", where)
	}
	root, err := parseXML(data)
	if err != nil {
		d.found.add("6.6.2.1", "the metadata stream is not well-formed XMP: "+err.Error(), where)
		return nil, false
	}
	rdf := findRDF(root, 0)
	if rdf == nil {
		d.found.add("6.6.2.1", "the metadata stream contains no rdf:RDF", where)
		return nil, false
	}
	props := rdfProperties(rdf)
	d.checkSchemas(props, d.readExtensions(props, where), where)
	return props, true
}

// checkPDFAID: 6.6.4 — pdfaid:part 2, conformance A, B or U, prefix pdfaid.
func (d *document) checkPDFAID(props []xmpProp) {
	var part, conf *xmpProp
	for i := range props {
		p := &props[i]
		if p.ns != nsPDFAID {
			if (p.local == "part" || p.local == "conformance") && strings.HasPrefix(p.ns, "http://www.aiim.org/pdfa/ns/id") {
				d.found.add("6.6.4", "the PDF/A identification uses a wrong namespace URI", "catalog metadata")
			}
			continue
		}
		if p.prefix != "pdfaid" {
			d.found.add("6.6.4", "the PDF/A identification schema does not use the prefix pdfaid", "catalog metadata")
		}
		switch p.local {
		case "part":
			part = p
		case "conformance":
			conf = p
		}
	}
	if part == nil {
		d.found.add("6.6.4", "the XMP metadata has no pdfaid:part", "catalog metadata")
	} else {
		v, err := strconv.Atoi(strings.TrimSpace(part.val.text))
		d.part = v
		if err != nil || v != 2 || part.val.kind != 's' {
			d.found.add("6.6.4", "pdfaid:part is "+clipName(part.val.text)+", not 2", "catalog metadata")
		}
	}
	if conf == nil {
		d.found.add("6.6.4", "the XMP metadata has no pdfaid:conformance", "catalog metadata")
	} else {
		c := strings.TrimSpace(conf.val.text)
		d.conformance = c
		if c != "A" && c != "B" && c != "U" {
			d.found.add("6.6.4", "pdfaid:conformance is "+clipName(c)+", not A, B or U", "catalog metadata")
		}
	}
}

// xmpToUTF8 converts a packet in UTF-16 or UTF-32 (allowed by XMP, found by
// the pattern of its first character "<") to UTF-8.
func xmpToUTF8(b []byte) []byte {
	for len(b) > 0 && (b[0] == '\r' || b[0] == '\n' || b[0] == ' ') {
		b = b[1:]
	}
	var size int
	var big bool
	switch {
	case bytes.HasPrefix(b, []byte{0, 0, 0xFE, 0xFF}) || bytes.HasPrefix(b, []byte{0, 0, 0, '<'}):
		size, big = 4, true
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE, 0, 0}) || bytes.HasPrefix(b, []byte{'<', 0, 0, 0}):
		size, big = 4, false
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}) || bytes.HasPrefix(b, []byte{0, '<'}):
		size, big = 2, true
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}) || bytes.HasPrefix(b, []byte{'<', 0}):
		size, big = 2, false
	default:
		return b
	}
	units := make([]uint16, 0, len(b)/size)
	var out []rune
	for i := 0; i+size <= len(b); i += size {
		var v uint32
		for k := 0; k < size; k++ {
			c := uint32(b[i+k])
			if big {
				v = v<<8 | c
			} else {
				v |= c << (8 * k)
			}
		}
		if size == 4 {
			out = append(out, rune(v))
		} else {
			units = append(units, uint16(v))
		}
	}
	if size == 2 {
		out = utf16.Decode(units)
	}
	s := string(out)
	return []byte(strings.TrimPrefix(s, "\ufeff"))
}
