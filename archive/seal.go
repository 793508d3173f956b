package archive

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"akte/signing"
)

// seal signs the archive copy. A timestamp authority that does not answer
// is ErrUnavailable (retry later); a copy that cannot be sealed is refused.
func (a *Archive) seal(ctx context.Context, pdf []byte, now time.Time) ([]byte, *SealInfo, error) {
	out, info, err := a.opts.Sealer.Sign(ctx, pdf, now)
	switch {
	case err == nil:
		return out, &SealInfo{Level: string(info.Level), Signer: info.Signer, SignedAt: info.SignedAt, Timestamp: info.Timestamp.UTC()}, nil
	case ctx.Err() != nil:
		return nil, nil, ctx.Err()
	case errors.Is(err, signing.ErrTSA):
		return nil, nil, fmt.Errorf("seal: %w: %w", ErrUnavailable, err)
	case errors.Is(err, signing.ErrMalformed), errors.Is(err, signing.ErrEncrypted), errors.Is(err, signing.ErrTooLarge):
		return nil, nil, &FieldError{Kind: ErrRefused, Field: "document", Reason: "the archive copy cannot be sealed: " + err.Error()}
	}
	return nil, nil, fmt.Errorf("seal: %w", err)
}

// SealVerdict is the result of checking a record's seal, for readers.
type SealVerdict struct {
	Valid     bool      `json:"valid"`
	Level     string    `json:"level,omitempty"`
	Signer    string    `json:"signer,omitempty"`
	SignedAt  time.Time `json:"signed_at,omitzero"`
	Timestamp time.Time `json:"timestamp,omitzero"`
	Reasons   []string  `json:"reasons,omitempty"`
}

// String is a one-line verdict ("valid (B-T, CN=…)" or "invalid: …").
func (v *SealVerdict) String() string {
	if v.Valid {
		return fmt.Sprintf("valid (%s, %s)", v.Level, v.Signer)
	}
	return "invalid: " + strings.Join(v.Reasons, "; ")
}

// verifySeal checks the seal on an archive copy's bytes.
func (a *Archive) verifySeal(ctx context.Context, pdf []byte) *SealVerdict {
	rep, err := signing.Verify(ctx, pdf, a.opts.Trust, a.opts.Now())
	if err != nil {
		return &SealVerdict{Reasons: []string{err.Error()}}
	}
	s := rep.Signatures[0] // Verify returns ErrNotSigned rather than none
	return &SealVerdict{Valid: rep.Valid(), Reasons: rep.Reasons(),
		Level: string(s.Level), Signer: s.Signer, SignedAt: s.SignedAt, Timestamp: s.Timestamp}
}

// originalSignature is the verdict on a signed original, in one line, for
// the manifest.
func (a *Archive) originalSignature(ctx context.Context, pdf []byte) string {
	rep, err := signing.Verify(ctx, pdf, a.opts.Trust, a.opts.Now())
	switch {
	case err != nil:
		return "unverifiable: " + err.Error()
	case rep.Valid():
		return "valid: " + rep.Signatures[0].Signer
	}
	return "invalid: " + strings.Join(rep.Reasons(), "; ")
}
