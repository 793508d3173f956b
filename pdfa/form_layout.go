package pdfa

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"akte/pdfa/internal/pdfw"
)

// Form page geometry and type sizes, in points.
const (
	formMargin        = 56.7 // 20 mm
	formBottom        = 62   // lowest content line; the footer sits below
	formWidth         = pdfw.A4Width - 2*formMargin
	formGap           = 8 // between half-width columns
	formLabelSize     = 7.5
	formValueSize     = 10.5
	formValueLeading  = 13
	formBoxPad        = 4
	formSectionSize   = 11.5
	formTitleSize     = 17
	formSubtitleSize  = 9.5
	formFooterSize    = 7.5
	formSignatureW    = 240 // about 85 mm
	formSignatureH    = 85  // about 30 mm
	formCheckboxSide  = 9
	formMinSplitLines = 3 // a split multiline box keeps at least this many lines
)

type formLayout struct {
	doc    *pdfw.Doc
	pages  []*pdfw.Page
	page   *pdfw.Page
	y      float64 // top of the free space on the current page
	title  string
	reg    *pdfw.Font
	bold   *pdfw.Font
	footer string
}

// formLayoutPDF draws the form and returns the PDF.
func formLayoutPDF(t *FormTemplate, values map[string]string, sig *pdfw.Image, strokes [][]Point, opts pdfw.Options) ([]byte, error) {
	doc, err := pdfw.New(opts)
	if err != nil {
		return nil, err
	}
	l := &formLayout{doc: doc, title: opts.Title, reg: pdfw.Regular(), bold: pdfw.Bold(),
		footer: "Formular " + t.ID + " · erstellt am " + opts.Time.Format("02.01.2006 um 15:04 Uhr")}
	l.newPage()
	l.page.SetFillGray(0)
	for i, line := range formWrap(l.bold, formTitleSize, formWidth, opts.Title) {
		l.page.Text(l.bold, formTitleSize, formMargin, l.y-formTitleSize-float64(i)*(formTitleSize+3), line)
		l.y -= formTitleSize + 3
	}
	l.y -= 4
	if t.Subtitle != "" {
		l.page.SetFillGray(0.3)
		l.page.Text(l.reg, formSubtitleSize, formMargin, l.y-formSubtitleSize, t.Subtitle)
		l.y -= formSubtitleSize + 4
	}
	for _, s := range t.Sections {
		l.section(s.Title)
		for i := 0; i < len(s.Fields); i++ {
			f := &s.Fields[i]
			if f.Half && f.Type != FieldCheckbox && f.Type != FieldMultiline && i+1 < len(s.Fields) && s.Fields[i+1].Half {
				l.row([]*FormField{f, &s.Fields[i+1]}, values)
				i++
				continue
			}
			l.field(f, values[f.Name])
		}
	}
	if t.Signature != nil {
		if err := l.signature(t.Signature, sig, strokes); err != nil {
			return nil, err
		}
	}
	for i, p := range l.pages {
		p.SetFillGray(0.4)
		p.Text(l.reg, formFooterSize, formMargin, 36, l.footer)
		n := "Seite " + strconv.Itoa(i+1) + " von " + strconv.Itoa(len(l.pages))
		p.Text(l.reg, formFooterSize, pdfw.A4Width-formMargin-l.reg.Width(n, formFooterSize), 36, n)
		if err := doc.AddPage(p); err != nil {
			return nil, err
		}
	}
	return doc.Bytes()
}

func (l *formLayout) newPage() {
	l.page = l.doc.NewPage(pdfw.A4Width, pdfw.A4Height)
	l.pages = append(l.pages, l.page)
	l.y = pdfw.A4Height - formMargin
	if len(l.pages) > 1 {
		l.page.SetFillGray(0.4)
		l.page.Text(l.reg, formFooterSize, formMargin, l.y-formFooterSize, l.title+" (Fortsetzung)")
		l.y -= formFooterSize + 10
	}
}

// need starts a new page unless h points fit on this one.
func (l *formLayout) need(h float64) {
	if l.y-h < formBottom {
		l.newPage()
	}
}

func (l *formLayout) section(title string) {
	l.need(formSectionSize + 14 + 40) // keep the title with a first row
	l.y -= 14
	l.page.SetFillGray(0)
	l.page.Text(l.bold, formSectionSize, formMargin, l.y-formSectionSize, title)
	l.y -= formSectionSize + 4
	l.page.SetStrokeGray(0)
	l.page.SetLineWidth(0.8)
	l.page.Line(formMargin, l.y, formMargin+formWidth, l.y)
	l.y -= 6
}

// formBoxHeight is the height of a field box holding n value lines.
func formBoxHeight(n int) float64 {
	return formBoxPad + formLabelSize + 2 + float64(max(n, 1))*formValueLeading + formBoxPad
}

// box draws a labelled field box of height h at the cursor, x and w giving
// its column, with the value lines inside.
func (l *formLayout) box(x, w, h float64, label string, lines []string) {
	p := l.page
	p.SetStrokeGray(0.55)
	p.SetLineWidth(0.5)
	p.Rect(x, l.y-h, w, h)
	p.Stroke()
	p.SetFillGray(0.35)
	p.Text(l.reg, formLabelSize, x+formBoxPad, l.y-formBoxPad-formLabelSize+1, label)
	p.SetFillGray(0)
	top := l.y - formBoxPad - formLabelSize - 2
	for i, line := range lines {
		p.Text(l.reg, formValueSize, x+formBoxPad, top-float64(i+1)*formValueLeading+3, line)
	}
}

func (l *formLayout) row(fs []*FormField, values map[string]string) {
	w := (formWidth - formGap) / 2
	var lines [2][]string
	h := 0.0
	for i, f := range fs {
		lines[i] = formWrap(l.reg, formValueSize, w-2*formBoxPad, values[f.Name])
		h = max(h, formBoxHeight(len(lines[i])))
	}
	l.need(h + 4)
	for i, f := range fs {
		l.box(formMargin+float64(i)*(w+formGap), w, h, formFitLabel(l.reg, f.Label, w-2*formBoxPad), lines[i])
	}
	l.y -= h + 4
}

func (l *formLayout) field(f *FormField, v string) {
	if f.Type == FieldCheckbox {
		l.checkbox(f.Label, v == "ja")
		return
	}
	lines := formWrap(l.reg, formValueSize, formWidth-2*formBoxPad, v)
	label := formFitLabel(l.reg, f.Label, formWidth-2*formBoxPad)
	for {
		h := formBoxHeight(len(lines))
		if l.y-h-4 >= formBottom {
			l.box(formMargin, formWidth, h, label, lines)
			l.y -= h + 4
			return
		}
		// Split a long box over pages, keeping a few lines together.
		fit := int((l.y - 4 - formBottom - formBoxHeight(0) + formValueLeading) / formValueLeading)
		if fit < formMinSplitLines || fit >= len(lines) {
			l.newPage()
			continue
		}
		h = formBoxHeight(fit)
		l.box(formMargin, formWidth, h, label, lines[:fit])
		l.y -= h + 4
		lines = lines[fit:]
		label = formFitLabel(l.reg, f.Label+" (Fortsetzung)", formWidth-2*formBoxPad)
		l.newPage()
	}
}

func (l *formLayout) checkbox(label string, checked bool) {
	lines := formWrap(l.reg, formValueSize, formWidth-formCheckboxSide-8, label)
	h := float64(len(lines))*formValueLeading + 5
	l.need(h)
	p := l.page
	x, top := formMargin, l.y-2
	p.SetStrokeGray(0)
	p.SetLineWidth(0.7)
	p.Rect(x, top-formCheckboxSide, formCheckboxSide, formCheckboxSide)
	p.Stroke()
	if checked {
		p.SetLineWidth(1.2)
		p.Line(x+1.8, top-1.8, x+formCheckboxSide-1.8, top-formCheckboxSide+1.8)
		p.Line(x+1.8, top-formCheckboxSide+1.8, x+formCheckboxSide-1.8, top-1.8)
	}
	p.SetFillGray(0)
	for i, line := range lines {
		p.Text(l.reg, formValueSize, x+formCheckboxSide+6, top-formCheckboxSide+1-float64(i)*formValueLeading, line)
	}
	l.y -= h
}

func (l *formLayout) signature(s *SignatureBox, sig *pdfw.Image, strokes [][]Point) error {
	l.need(formSignatureH + 30)
	l.y -= 10
	p := l.page
	x, y := formMargin, l.y-formSignatureH
	p.SetStrokeGray(0.55)
	p.SetLineWidth(0.5)
	p.Rect(x, y, formSignatureW, formSignatureH)
	p.Stroke()
	const pad = 5
	if sig != nil {
		ref, err := l.doc.AddImage(sig)
		if err != nil {
			return err
		}
		bw, bh := float64(formSignatureW-2*pad), float64(formSignatureH-2*pad)
		scale := min(bw/float64(sig.Width), bh/float64(sig.Height))
		w, h := float64(sig.Width)*scale, float64(sig.Height)*scale
		p.DrawImage(ref, x+pad+(bw-w)/2, y+pad+(bh-h)/2, w, h)
	}
	if len(strokes) > 0 {
		formDrawStrokes(p, strokes, x+pad, y+pad, formSignatureW-2*pad, formSignatureH-2*pad)
	}
	p.SetFillGray(0.35)
	p.Text(l.reg, formLabelSize, x, y-formLabelSize-3, s.Label)
	l.y = y - formLabelSize - 8
	return nil
}

// formFitLabel shortens label with an ellipsis until it fits width.
func formFitLabel(f *pdfw.Font, label string, width float64) string {
	if f.Width(label, formLabelSize) <= width {
		return label
	}
	r := []rune(label)
	for len(r) > 1 && f.Width(string(r)+"…", formLabelSize) > width {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// formWrap breaks s into lines no wider than width at size points: at newlines,
// then between words, then inside words longer than a line.
func formWrap(f *pdfw.Font, size, width float64, s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	space := f.Width(" ", size)
	for _, para := range strings.Split(s, "\n") {
		var line strings.Builder
		lw := 0.0
		words := strings.Fields(para)
		if len(words) == 0 {
			out = append(out, "")
			continue
		}
		for _, word := range words {
			ww := f.Width(word, size)
			if line.Len() > 0 && lw+space+ww <= width {
				line.WriteByte(' ')
				line.WriteString(word)
				lw += space + ww
				continue
			}
			if line.Len() > 0 {
				out = append(out, line.String())
				line.Reset()
				lw = 0
			}
			for ww > width && utf8.RuneCountInString(word) > 1 {
				cut := formBreakWord(f, size, width, word)
				out = append(out, word[:cut])
				word = word[cut:]
				ww = f.Width(word, size)
			}
			line.WriteString(word)
			lw = ww
		}
		out = append(out, line.String())
	}
	return out
}

// formBreakWord returns the byte length of the longest prefix of word (at least
// one rune) that fits width.
func formBreakWord(f *pdfw.Font, size, width float64, word string) int {
	cut, w := 0, 0.0
	for i, r := range word {
		w += f.Width(word[i:i+utf8.RuneLen(r)], size)
		if cut > 0 && w > width {
			break
		}
		cut = i + utf8.RuneLen(r)
	}
	return cut
}
