// Package pdfw writes PDF files that conform to PDF/A-2b (ISO 19005-2,
// level b) or, when asked, PDF/A-1b (ISO 19005-1): the archive copies that
// package pdfa renders from forms and images.
//
// It is deliberately small. It writes exactly what PDF/A needs and nothing
// else: a classic cross-reference table (never object or xref streams), a
// binary header comment, a trailer /ID, an unfiltered XMP metadata stream
// whose values match the document information dictionary, an OutputIntent
// (GTS_PDFA1) carrying an sRGB ICC profile generated in code, embedded
// TrueType fonts (Type0, CIDFontType2, Identity-H, subset, with CIDSet,
// widths and a ToUnicode CMap), image XObjects without /Interpolate, and no
// transparency, actions, annotations or optional content.
//
// Invariants:
//   - output is deterministic: the same input and the same clock give the
//     same bytes (the trailer /ID is a hash of the content);
//   - text is never shown with the .notdef glyph: a rune the font lacks is
//     shown as '?', so callers that must not lose characters check
//     Font.Missing first; capital sharp s (ẞ), which Go fonts lack, is set
//     and extracted as "SS";
//   - fonts are parsed once per process (Regular, Bold), never per document.
//
// XMP, SRGBProfileDeflated and SRGBOutputIntent are exported for pdfa's
// finaliser, which adds the same metadata and output intent to existing
// PDFs.
//
// A Doc is not safe for concurrent use; Fonts are.
package pdfw
