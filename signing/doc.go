// Package signing seals archive PDFs with the authority's PAdES signature
// and verifies such signatures.
//
// A seal is an incremental update: the input bytes are an unchanged prefix
// of the output, so a PDF/A-2b input stays PDF/A-2b and earlier signatures
// stay valid. The signature is PAdES baseline B-B (/SubFilter
// /ETSI.CAdES.detached; CMS with content-type, message-digest and ESS
// signing-certificate-v2, no signing-time; exactly one SignerInfo; the
// signer certificate included) or B-T with an RFC 3161 signature timestamp.
// The CMS is built here with encoding/asn1; /Contents is reserved large
// enough, always has even length and stays under 32 KB.
//
// Verify is our own verifier: the ByteRange must cover the whole file but
// exactly the /Contents value; digest and signature; the signer (not just
// any embedded certificate) must chain to the configured roots and carry a
// usage for document signing; the timestamp must be about this signature
// and come from a trusted TSA. Later changes are reported.
//
// Leaf package: it imports no other package of Akte. It never reads the
// clock: callers pass the signing or verification time.
package signing

import "errors"

// Error kinds; test with errors.Is.
var (
	ErrMalformed = errors.New("pdf cannot be read")
	ErrEncrypted = errors.New("pdf is encrypted")
	ErrKey       = errors.New("unusable seal")
	ErrTSA       = errors.New("timestamp authority failed")
	ErrTooLarge  = errors.New("too large")
	ErrNotSigned = errors.New("pdf has no signature")
)
