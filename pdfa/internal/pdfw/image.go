package pdfw

import (
	"errors"
	"strconv"
)

// Image is a raster image to embed as an image XObject.
type Image struct {
	Width, Height int
	// Gray selects DeviceGray; otherwise DeviceRGB.
	Gray bool
	// BitsPerComponent is 8, or 1 for bilevel gray images.
	BitsPerComponent int
	// DCT marks Data as a JPEG stream embedded as is (DCTDecode); otherwise
	// Data holds uncompressed samples, rows padded to whole bytes, which
	// AddImage compresses.
	DCT bool
	// Predicted marks Data as a zlib stream of rows each led by a PNG
	// filter type byte — the IDAT data of a PNG — embedded as is
	// (FlateDecode with the PNG predictors).
	Predicted bool
	Data      []byte
}

// AddImage writes img as an image XObject and returns its reference for
// Page.DrawImage. It never sets /Interpolate, /SMask or /Alternates.
func (d *Doc) AddImage(img *Image) (Ref, error) {
	if img.Width <= 0 || img.Height <= 0 {
		return 0, errors.New("add image: empty image")
	}
	bpc := img.BitsPerComponent
	if bpc != 8 && (bpc != 1 || !img.Gray) {
		return 0, errors.New("add image: unsupported bits per component")
	}
	cs := "/DeviceRGB"
	comps := 3
	if img.Gray {
		cs, comps = "/DeviceGray", 1
	}
	if !img.DCT && !img.Predicted {
		row := (img.Width*comps*bpc + 7) / 8
		if len(img.Data) != row*img.Height {
			return 0, errors.New("add image: sample data does not match the size")
		}
	}
	dict := "/Type /XObject /Subtype /Image /Width " + strconv.Itoa(img.Width) +
		" /Height " + strconv.Itoa(img.Height) + " /ColorSpace " + cs +
		" /BitsPerComponent " + strconv.Itoa(bpc)
	ref := d.alloc()
	switch {
	case img.DCT:
		d.stream(ref, dict+" /Filter /DCTDecode", img.Data)
	case img.Predicted:
		d.stream(ref, dict+" /Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors "+strconv.Itoa(comps)+
			" /BitsPerComponent "+strconv.Itoa(bpc)+" /Columns "+strconv.Itoa(img.Width)+" >>", img.Data)
	default:
		d.stream(ref, dict+" /Filter /FlateDecode", deflate(img.Data))
	}
	return ref, nil
}
