package signing_test

import (
	"bytes"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// pdfcpuAgrees asks pdfcpu's signature validation for a second opinion on
// integrity. Trust differs by design (pdfcpu does not know our test CA), so
// only an invalid status or a forged/modified/malformed reason counts.
func pdfcpuAgrees(t testing.TB, pdf []byte, valid bool) {
	t.Helper()
	res, err := api.ValidateSignaturesRaw(bytes.NewReader(pdf), true, model.NewDefaultConfiguration())
	if err != nil {
		if valid {
			t.Errorf("pdfcpu: %v", err)
		}
		return
	}
	bad := false
	for _, r := range res {
		t.Logf("pdfcpu: status %q reason %q problems %q", r.Status, r.Reason, r.Problems)
		switch {
		case r.Status == model.SignatureStatusInvalid,
			r.Reason == model.SignatureReasonDocModified,
			r.Reason == model.SignatureReasonSignatureForged,
			r.Reason == model.SignatureReasonMalformed:
			bad = true
		}
	}
	if len(res) == 0 {
		bad = true
	}
	if bad == valid {
		t.Errorf("pdfcpu disagrees: valid=%v expected, results %d", valid, len(res))
	}
}
