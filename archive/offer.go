package archive

import (
	"context"
	"errors"
	"io"
	"time"
)

// OfferRequest asks for an offer to the state archive (xdomea
// Aussonderung, message 0501) of every due record whose disposition is
// offer and that is not yet offered.
type OfferRequest struct {
	// Dir receives the offer list (offer-<id>.xml) and the transfer
	// package (transfer-<id>.zip: archive PDFs and metadata). It must
	// exist.
	Dir   string
	Actor Actor
}

// OfferResult names what was written.
type OfferResult struct {
	ID      string     `json:"id"`
	List    string     `json:"list"`    // path of the offer list
	Package string     `json:"package"` // path of the transfer package
	Records []RecordID `json:"records"` // records offered
	Created time.Time  `json:"created"`
}

// Offer writes an offer list and transfer package for the state archive
// and marks the records offered; they wait for ImportAppraisal.
func (a *Archive) Offer(ctx context.Context, req OfferRequest) (OfferResult, error) {
	return OfferResult{}, errors.New("offer: not implemented yet")
}

// AppraisalResult says what an imported appraisal decided.
type AppraisalResult struct {
	Archive []RecordID `json:"archive"` // taken by the state archive
	Destroy []RecordID `json:"destroy"` // declined: to be destroyed
	Unknown []string   `json:"unknown"` // IDs in the appraisal this archive did not offer
}

// ImportAppraisal reads the state archive's appraisal of an offer (xdomea
// 0502-style: per record "A" archive or "V" destroy) and records each
// decision; the next sweep transfers or destroys.
func (a *Archive) ImportAppraisal(ctx context.Context, actor Actor, r io.Reader) (AppraisalResult, error) {
	return AppraisalResult{}, errors.New("appraisal: not implemented yet")
}
