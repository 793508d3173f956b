package pdfa

import (
	_ "github.com/pdfcpu/pdfcpu/pkg/api"
	_ "golang.org/x/image/font/gofont/goregular"
)
