package pdfw

import (
	"strconv"
	"strings"
	"time"
)

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

// xmlText escapes s for XML character data, dropping characters XML 1.0
// cannot carry.
func xmlText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xfffe || r == 0xffff {
			return -1
		}
		return r
	}, s)
	return xmlEscaper.Replace(s)
}

// xmp returns the document's XMP packet: PDF/A identification, title,
// dates and producer, matching the document information dictionary.
func (d *Doc) xmp() []byte {
	return XMP(Metadata{Part: d.opt.Part, Title: d.opt.Title, Producer: d.opt.Producer,
		Created: d.opt.Time, Modified: d.opt.Time, MetadataDate: d.opt.Time})
}

// Metadata is what an XMP packet written by XMP says about a document.
// Each text field mirrors the document information entry named in its
// comment; an empty string or a zero time leaves the property out.
type Metadata struct {
	// Part is the PDF/A part claimed (pdfaid:part), 1 or 2; conformance
	// is always B.
	Part     int
	Title    string // Title: dc:title (x-default)
	Author   string // Author: dc:creator (one item)
	Subject  string // Subject: dc:description (x-default)
	Keywords string // Keywords: pdf:Keywords
	Creator  string // Creator: xmp:CreatorTool
	Producer string // Producer: pdf:Producer

	Created      time.Time // CreationDate: xmp:CreateDate
	Modified     time.Time // ModDate: xmp:ModifyDate
	MetadataDate time.Time // xmp:MetadataDate (no Info counterpart)
}

// XMP returns an XMP packet for m, for an unfiltered Metadata stream: the PDF/A
// identification and the properties of the predefined schemas that mirror
// the document information dictionary, with padding for in-place edits.
func XMP(m Metadata) []byte {
	var b strings.Builder
	simple := func(name, v string) {
		if v != "" {
			b.WriteString("<" + name + ">" + xmlText(v) + "</" + name + ">\n")
		}
	}
	date := func(name string, t time.Time) {
		if !t.IsZero() {
			b.WriteString("<" + name + ">" + xmpDate(t) + "</" + name + ">\n")
		}
	}
	b.WriteString("<?xpacket begin=\"\ufeff\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n")
	b.WriteString(`<x:xmpmeta xmlns:x="adobe:ns:meta/">` + "\n")
	b.WriteString(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` + "\n")
	b.WriteString(`<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">` + "\n")
	b.WriteString("<pdfaid:part>" + strconv.Itoa(m.Part) + "</pdfaid:part>\n")
	b.WriteString("<pdfaid:conformance>B</pdfaid:conformance>\n")
	b.WriteString("</rdf:Description>\n")
	b.WriteString(`<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">` + "\n")
	b.WriteString("<dc:format>application/pdf</dc:format>\n")
	if m.Title != "" {
		b.WriteString(`<dc:title><rdf:Alt><rdf:li xml:lang="x-default">` + xmlText(m.Title) +
			"</rdf:li></rdf:Alt></dc:title>\n")
	}
	if m.Author != "" {
		b.WriteString("<dc:creator><rdf:Seq><rdf:li>" + xmlText(m.Author) + "</rdf:li></rdf:Seq></dc:creator>\n")
	}
	if m.Subject != "" {
		b.WriteString(`<dc:description><rdf:Alt><rdf:li xml:lang="x-default">` + xmlText(m.Subject) +
			"</rdf:li></rdf:Alt></dc:description>\n")
	}
	b.WriteString("</rdf:Description>\n")
	if m.Creator != "" || !m.Created.IsZero() || !m.Modified.IsZero() || !m.MetadataDate.IsZero() {
		b.WriteString(`<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">` + "\n")
		simple("xmp:CreatorTool", m.Creator)
		date("xmp:CreateDate", m.Created)
		date("xmp:ModifyDate", m.Modified)
		date("xmp:MetadataDate", m.MetadataDate)
		b.WriteString("</rdf:Description>\n")
	}
	if m.Producer != "" || m.Keywords != "" {
		b.WriteString(`<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">` + "\n")
		simple("pdf:Keywords", m.Keywords)
		simple("pdf:Producer", m.Producer)
		b.WriteString("</rdf:Description>\n")
	}
	b.WriteString("</rdf:RDF>\n</x:xmpmeta>\n")
	b.WriteString(strings.Repeat(strings.Repeat(" ", 99)+"\n", 20))
	b.WriteString(`<?xpacket end="w"?>`)
	return []byte(b.String())
}
