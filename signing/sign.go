package signing

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"sync/atomic"
	"time"
)

// Level is the PAdES baseline level of a signature.
type Level string

const (
	LevelBB Level = "B-B" // signature only
	LevelBT Level = "B-T" // plus an RFC 3161 signature timestamp
)

// Options configure a Sealer.
type Options struct {
	Seal *Seal
	// TSA, when set, adds an RFC 3161 signature timestamp (PAdES B-T).
	TSA *TSA
	// Reason and Location go into the signature dictionary.
	Reason, Location string
	// FieldName names the signature field (default "Siegel", numbered when
	// taken).
	FieldName string
	// Visible draws the seal on the first page; nil signs invisibly.
	Visible *Appearance
}

// Info describes one seal made by Sign.
type Info struct {
	Level     Level
	Signer    string // the signer certificate's subject
	SignedAt  time.Time
	Timestamp time.Time // the TSA's time, zero for B-B
	ByteRange [4]int
}

// Sealer seals PDFs with one seal. It is safe for concurrent use.
type Sealer struct {
	opts      Options
	p         *prepared
	tsReserve atomic.Int64 // bytes reserved for a timestamp token, grows when one did not fit
}

// NewSealer checks the seal and precomputes what every signature shares.
func NewSealer(o Options) (*Sealer, error) {
	p, err := prepare(o.Seal)
	if err != nil {
		return nil, err
	}
	if o.FieldName == "" {
		o.FieldName = "Siegel"
	}
	if o.Visible != nil {
		if err := o.Visible.validate(); err != nil {
			return nil, err
		}
	}
	s := &Sealer{opts: o, p: p}
	s.tsReserve.Store(6 << 10)
	return s, nil
}

// Seal is the seal this Sealer signs with.
func (s *Sealer) Seal() *Seal { return s.opts.Seal }

// Level is the level Sign produces.
func (s *Sealer) Level() Level {
	if s.opts.TSA != nil {
		return LevelBT
	}
	return LevelBB
}

// maxContents bounds the /Contents hex string: 32,766 hex digits keeps it
// under the 32 KB string limit of PDF/A (ISO 32000-1 Annex C).
const maxContents = 16383

// Sign appends an incremental update with a PAdES signature to pdf. The
// input bytes are an unchanged prefix of the output, so whatever the input
// was (PDF/A-2b, an earlier signature) stays so. now is the signing time
// written as /M; the CMS carries no signing-time attribute.
func (s *Sealer) Sign(ctx context.Context, pdf []byte, now time.Time) ([]byte, *Info, error) {
	reserve := len(s.p.certs) + len(s.p.ess) + len(s.p.sid) + s.p.maxSig + 512
	if s.opts.TSA != nil {
		reserve += int(s.tsReserve.Load())
	}
	for attempt := 0; ; attempt++ {
		if reserve > maxContents {
			return nil, nil, fmt.Errorf("%w: the signature needs %d bytes, more than the %d a PDF/A string may hold", ErrTooLarge, reserve, maxContents)
		}
		out, info, need, err := s.sign(ctx, pdf, now, reserve)
		if err != nil || need == 0 {
			return out, info, err
		}
		if attempt > 0 {
			return nil, nil, fmt.Errorf("sign pdf: the signature grew from %d to %d bytes between attempts", reserve, need)
		}
		// Only a timestamp token can outgrow the estimate: remember its size.
		if s.opts.TSA != nil {
			s.tsReserve.Store(int64(need - reserve + int(s.tsReserve.Load()) + 1024))
		}
		reserve = need + 1024
	}
}

// sign makes one attempt; need > 0 means the CMS did not fit reserve.
func (s *Sealer) sign(ctx context.Context, in []byte, now time.Time, reserve int) ([]byte, *Info, int, error) {
	u, err := s.buildUpdate(ctx, in, now, reserve)
	if err != nil {
		return nil, nil, 0, err
	}
	out := u.out
	br := [4]int{0, u.contentsStart, u.contentsEnd, len(out) - u.contentsEnd}
	patch := []byte(fmt.Sprintf("0 %d %d %d", br[1], br[2], br[3]))
	if len(patch) > u.byteRangeLen {
		return nil, nil, 0, fmt.Errorf("sign pdf: byte range %q does not fit its placeholder", patch)
	}
	copy(out[u.byteRangeAt:], patch)

	h := s.p.hash.New()
	h.Write(out[:br[1]])
	h.Write(out[br[2]:])
	attrSet, attrs := signedAttrs(s.p.ess, h.Sum(nil))
	ah := s.p.hash.New()
	ah.Write(attrSet)
	sig, err := s.p.seal.Signer.Sign(rand.Reader, ah.Sum(nil), s.p.opts)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("sign pdf: %w", err)
	}
	info := &Info{Level: LevelBB, Signer: s.p.seal.Chain[0].Subject.String(), SignedAt: now.UTC().Truncate(time.Second), ByteRange: br}
	var token []byte
	if s.opts.TSA != nil {
		ts, err := s.opts.TSA.stamp(ctx, sig)
		if err != nil {
			return nil, nil, 0, err
		}
		token, info.Level, info.Timestamp = ts.RawToken, LevelBT, ts.Time
	}
	cms := assembleCMS(s.p, attrs, sig, token)
	if len(cms) > reserve {
		return nil, nil, len(cms), nil
	}
	hex.Encode(out[br[1]+1:], cms) // the rest stays '0' padding
	return out, info, 0, nil
}

// object is an indirect object to write.
type object struct {
	r    ref
	body any // a value, or *stream
}

type update struct {
	out                        []byte
	contentsStart, contentsEnd int // the /Contents hex string, '<' to after '>'
	byteRangeAt, byteRangeLen  int
}

// buildUpdate writes the incremental update with placeholders.
func (s *Sealer) buildUpdate(ctx context.Context, in []byte, now time.Time, reserve int) (*update, error) {
	d, err := openDocument(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("sign pdf: %w", err)
	}
	rootRef := d.trailer.get("Root").(ref)
	catalog, err := d.dictOf(rootRef)
	if err != nil || catalog == nil {
		return nil, fmt.Errorf("sign pdf: %w: cannot read the catalog", ErrMalformed)
	}
	pageRef, page, err := d.firstPage(catalog)
	if err != nil {
		return nil, fmt.Errorf("sign pdf: %w", err)
	}
	size, _ := d.trailer.get("Size").(int64)
	if size <= 0 {
		return nil, fmt.Errorf("sign pdf: %w: the trailer has no /Size", ErrMalformed)
	}
	next := int(size)
	alloc := func() ref { r := ref{next, 0}; next++; return r }
	sigRef, widgetRef := alloc(), alloc()

	var objs []object

	// The form: keep every field, add ours.
	acro := catalog.get("AcroForm")
	form, err := d.dictOf(acro)
	if err != nil {
		return nil, fmt.Errorf("sign pdf: %w", err)
	}
	form = slices.Clone(form)
	fv, err := d.resolve(form.get("Fields"))
	if err != nil {
		return nil, fmt.Errorf("sign pdf: %w", err)
	}
	fields, _ := fv.(array)
	fieldName, err := s.uniqueFieldName(d, fields)
	if err != nil {
		return nil, err
	}
	fields = append(slices.Clone(fields), widgetRef)
	form = form.set("Fields", fields).set("SigFlags", int64(3))
	catalog = slices.Clone(catalog)
	if r, ok := acro.(ref); ok {
		objs = append(objs, object{r, form})
	} else {
		catalog = catalog.set("AcroForm", form)
		objs = append(objs, object{rootRef, catalog})
	}

	// The widget on the first page.
	widget := dict{{"Type", name("Annot")}, {"Subtype", name("Widget")}, {"FT", name("Sig")},
		{"T", textString(fieldName)}, {"V", sigRef}, {"P", pageRef}, {"F", int64(132)}} // Print | Locked
	if s.opts.Visible != nil {
		ap, rect, extra, err := s.opts.Visible.build(s, now, alloc)
		if err != nil {
			return nil, err
		}
		widget = append(widget, entry{"Rect", rect}, entry{"AP", dict{{"N", ap}}})
		objs = append(objs, extra...)
	} else {
		widget = append(widget, entry{"Rect", array{int64(0), int64(0), int64(0), int64(0)}})
	}
	objs = append(objs, object{widgetRef, widget})
	page = slices.Clone(page)
	annots := page.get("Annots")
	if r, ok := annots.(ref); ok {
		av, err := d.object(r)
		if err != nil {
			return nil, fmt.Errorf("sign pdf: %w", err)
		}
		a, _ := av.(array)
		objs = append(objs, object{r, append(slices.Clone(a), widgetRef)})
	} else {
		a, _ := annots.(array)
		page = page.set("Annots", append(slices.Clone(a), widgetRef))
		objs = append(objs, object{pageRef, page})
	}

	// Write: the original, our objects, the signature dictionary, the xref.
	u := &update{}
	// Grow a capacity-clipped view: the runtime copies in once and zeroes
	// only the new tail (make+append would clear the whole buffer first).
	out := slices.Grow(in[:len(in):len(in)], 4096+2*reserve)
	if len(in) > 0 && in[len(in)-1] != '\n' && in[len(in)-1] != '\r' {
		out = append(out, '\n')
	}
	offsets := map[int]int{}
	for _, o := range objs {
		offsets[o.r.num] = len(out)
		out = strconv.AppendInt(out, int64(o.r.num), 10)
		out = append(out, ' ')
		out = strconv.AppendInt(out, int64(o.r.gen), 10)
		out = append(out, " obj\n"...)
		if st, ok := o.body.(*stream); ok {
			st.dict = st.dict.set("Length", int64(len(st.data)))
			out = writeValue(out, st.dict)
			out = append(out, "\nstream\n"...)
			out = append(out, st.data...)
			out = append(out, "\nendstream"...)
		} else {
			out = writeValue(out, o.body)
		}
		out = append(out, "\nendobj\n"...)
	}

	offsets[sigRef.num] = len(out)
	out = strconv.AppendInt(out, int64(sigRef.num), 10)
	out = append(out, " 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /M "...)
	out = writeValue(out, pdfString(pdfDate(now)))
	if c := s.p.seal.Chain[0].Subject.CommonName; c != "" {
		out = append(out, " /Name "...)
		out = writeValue(out, textString(c))
	}
	if s.opts.Reason != "" {
		out = append(out, " /Reason "...)
		out = writeValue(out, textString(s.opts.Reason))
	}
	if s.opts.Location != "" {
		out = append(out, " /Location "...)
		out = writeValue(out, textString(s.opts.Location))
	}
	out = append(out, " /ByteRange ["...)
	u.byteRangeAt, u.byteRangeLen = len(out), 40
	out = append(out, bytes.Repeat([]byte{' '}, u.byteRangeLen)...)
	out = append(out, "] /Contents "...)
	u.contentsStart = len(out)
	out = append(out, '<')
	out = append(out, bytes.Repeat([]byte{'0'}, 2*reserve)...)
	out = append(out, '>')
	u.contentsEnd = len(out)
	out = append(out, " >>\nendobj\n"...)

	out, err = d.writeXRef(out, offsets, next, in)
	if err != nil {
		return nil, err
	}
	u.out = out
	return u, nil
}

// writeXRef appends the cross-reference section for offsets in the style
// of the file's newest section (table or stream) and the trailer.
func (d *document) writeXRef(out []byte, offsets map[int]int, next int, in []byte) ([]byte, error) {
	id := d.trailer.get("ID")
	if a, ok := id.(array); !ok || len(a) != 2 {
		sum := sha256.Sum256(in)
		id = array{pdfString(sum[:16]), pdfString(sum[:16])}
	}
	trailer := dict{{"Root", d.trailer.get("Root")}}
	if info := d.trailer.get("Info"); info != nil {
		trailer = append(trailer, entry{"Info", info})
	}
	trailer = append(trailer, entry{"ID", id}, entry{"Prev", int64(d.startxref)})

	if d.xrefStream {
		xnum := next
		next++
		offsets[xnum] = len(out)
		nums := sortedKeys(offsets)
		var index array
		var data []byte
		for _, run := range runs(nums) {
			index = append(index, int64(run[0]), int64(len(run)))
			for _, n := range run {
				o := offsets[n]
				data = append(data, 1, byte(o>>24), byte(o>>16), byte(o>>8), byte(o), 0, 0)
			}
		}
		if len(out) > 1<<32-1 {
			return nil, fmt.Errorf("sign pdf: %w: files over 4 GiB are not supported", ErrTooLarge)
		}
		sd := append(dict{{"Type", name("XRef")}, {"Size", int64(next)}, {"Index", index},
			{"W", array{int64(1), int64(4), int64(2)}}}, trailer...)
		sd = append(sd, entry{"Length", int64(len(data))})
		xref := len(out)
		out = strconv.AppendInt(out, int64(xnum), 10)
		out = append(out, " 0 obj\n"...)
		out = writeValue(out, sd)
		out = append(out, "\nstream\n"...)
		out = append(out, data...)
		out = append(out, "\nendstream\nendobj\n"...)
		return fmt.Appendf(out, "startxref\n%d\n%%%%EOF\n", xref), nil
	}
	xref := len(out)
	out = append(out, "xref\n"...)
	for _, run := range runs(sortedKeys(offsets)) {
		out = fmt.Appendf(out, "%d %d\n", run[0], len(run))
		for _, n := range run {
			out = fmt.Appendf(out, "%010d %05d n\r\n", offsets[n], 0)
		}
	}
	trailer = append(dict{{"Size", int64(next)}}, trailer...)
	out = append(out, "trailer\n"...)
	out = writeValue(out, trailer)
	return fmt.Appendf(out, "\nstartxref\n%d\n%%%%EOF\n", xref), nil
}

func sortedKeys(m map[int]int) []int {
	ks := make([]int, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// runs splits sorted numbers into runs of consecutive ones.
func runs(nums []int) [][]int {
	var out [][]int
	for i, n := range nums {
		if i > 0 && n == nums[i-1]+1 {
			out[len(out)-1] = append(out[len(out)-1], n)
			continue
		}
		out = append(out, []int{n})
	}
	return out
}

// uniqueFieldName picks a field name not taken by a top-level field.
func (s *Sealer) uniqueFieldName(d *document, fields array) (string, error) {
	taken := map[string]bool{}
	for _, f := range fields {
		fd, err := d.dictOf(f)
		if err != nil {
			return "", fmt.Errorf("sign pdf: %w", err)
		}
		if t, ok := fd.get("T").(pdfString); ok {
			taken[decodeText(t)] = true
		}
	}
	n := s.opts.FieldName
	for i := 2; taken[n]; i++ {
		n = fmt.Sprintf("%s %d", s.opts.FieldName, i)
	}
	return n, nil
}

// pdfDate formats t as a PDF date in UTC.
func pdfDate(t time.Time) string {
	return t.UTC().Format("D:20060102150405") + "Z"
}
