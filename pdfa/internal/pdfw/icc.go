package pdfw

import (
	"math"
	"sync"
)

// SRGBProfile returns an ICC version 2.1 display profile for sRGB
// (IEC 61966-2.1), built in code: a matrix/TRC profile with the sRGB
// primaries adapted to the D50 connection space (Bradford), the D65 media
// white point and the sRGB tone curve as a 1024-entry table. The result is
// computed once and shared; callers must not modify it.
func SRGBProfile() []byte { return srgbOnce() }

var srgbOnce = sync.OnceValue(buildSRGB)

type xyz [3]float64

// d50 is the white point of the ICC profile connection space.
var d50 = xyz{0.9642, 1, 0.8249}

// srgbColorants returns the D50-adapted XYZ of the sRGB red, green and blue
// primaries and the D65 white point.
func srgbColorants() (r, g, b, white xyz) {
	prim := [3][2]float64{{0.64, 0.33}, {0.30, 0.60}, {0.15, 0.06}}
	wx, wy := 0.3127, 0.3290
	white = xyz{wx / wy, 1, (1 - wx - wy) / wy}
	// Columns: XYZ of each primary with Y = 1.
	var m [3][3]float64
	for i, p := range prim {
		m[0][i] = p[0] / p[1]
		m[1][i] = 1
		m[2][i] = (1 - p[0] - p[1]) / p[1]
	}
	s := mulVec(inverse(m), white)
	for i := range 3 {
		for j := range 3 {
			m[j][i] *= s[i]
		}
	}
	// Bradford chromatic adaptation D65 → D50.
	brad := [3][3]float64{{0.8951, 0.2664, -0.1614}, {-0.7502, 1.7135, 0.0367}, {0.0389, -0.0685, 1.0296}}
	src, dst := mulVec(brad, white), mulVec(brad, d50)
	var scale [3][3]float64
	for i := range 3 {
		scale[i][i] = dst[i] / src[i]
	}
	adapt := mul(inverse(brad), mul(scale, brad))
	am := mul(adapt, m)
	col := func(i int) xyz { return xyz{am[0][i], am[1][i], am[2][i]} }
	return col(0), col(1), col(2), white
}

func mul(a, b [3][3]float64) (c [3][3]float64) {
	for i := range 3 {
		for j := range 3 {
			for k := range 3 {
				c[i][j] += a[i][k] * b[k][j]
			}
		}
	}
	return c
}

func mulVec(a [3][3]float64, v xyz) (r xyz) {
	for i := range 3 {
		r[i] = a[i][0]*v[0] + a[i][1]*v[1] + a[i][2]*v[2]
	}
	return r
}

func inverse(m [3][3]float64) (r [3][3]float64) {
	det := m[0][0]*(m[1][1]*m[2][2]-m[1][2]*m[2][1]) -
		m[0][1]*(m[1][0]*m[2][2]-m[1][2]*m[2][0]) +
		m[0][2]*(m[1][0]*m[2][1]-m[1][1]*m[2][0])
	for i := range 3 {
		for j := range 3 {
			a, b := (j+1)%3, (j+2)%3
			c, d := (i+1)%3, (i+2)%3
			r[i][j] = (m[a][c]*m[b][d] - m[a][d]*m[b][c]) / det
		}
	}
	return r
}

func s15(v float64) uint32 { return uint32(int32(math.Round(v * 65536))) }

func buildSRGB() []byte {
	r, g, b, white := srgbColorants()

	xyzTag := func(v xyz) []byte {
		t := make([]byte, 20)
		copy(t, "XYZ ")
		for i := range 3 {
			be.PutUint32(t[8+4*i:], s15(v[i]))
		}
		return t
	}
	const desc = "sRGB IEC61966-2.1"
	descTag := make([]byte, 12+len(desc)+1+4+4+2+1+67)
	copy(descTag, "desc")
	be.PutUint32(descTag[8:], uint32(len(desc)+1))
	copy(descTag[12:], desc)
	const cprt = "No copyright, use freely"
	cprtTag := append([]byte("text\x00\x00\x00\x00"+cprt), 0)
	const n = 1024
	curv := make([]byte, 12+2*n)
	copy(curv, "curv")
	be.PutUint32(curv[8:], n)
	for i := range n {
		v := float64(i) / (n - 1)
		if v <= 0.04045 {
			v /= 12.92
		} else {
			v = math.Pow((v+0.055)/1.055, 2.4)
		}
		be.PutUint16(curv[12+2*i:], uint16(math.Round(v*65535)))
	}

	type tag struct {
		sig  string
		data []byte
	}
	data := []tag{
		{"desc", descTag}, {"cprt", cprtTag}, {"wtpt", xyzTag(white)},
		{"rXYZ", xyzTag(r)}, {"gXYZ", xyzTag(g)}, {"bXYZ", xyzTag(b)}, {"rTRC", curv},
	}
	// gTRC and bTRC share rTRC's data (the same tone curve).
	count := len(data) + 2
	p := make([]byte, 128+4+12*count)
	off := map[string][2]uint32{}
	for _, t := range data {
		for len(p)%4 != 0 {
			p = append(p, 0)
		}
		off[t.sig] = [2]uint32{uint32(len(p)), uint32(len(t.data))}
		p = append(p, t.data...)
	}
	for len(p)%4 != 0 {
		p = append(p, 0)
	}
	be.PutUint32(p[128:], uint32(count))
	i := 0
	put := func(sig string, o [2]uint32) {
		e := p[132+12*i:]
		copy(e, sig)
		be.PutUint32(e[4:], o[0])
		be.PutUint32(e[8:], o[1])
		i++
	}
	for _, t := range data {
		put(t.sig, off[t.sig])
	}
	put("gTRC", off["rTRC"])
	put("bTRC", off["rTRC"])

	// Header.
	be.PutUint32(p[0:], uint32(len(p)))
	be.PutUint32(p[8:], 0x02100000) // version 2.1.0
	copy(p[12:], "mntr")
	copy(p[16:], "RGB ")
	copy(p[20:], "XYZ ")
	for j, v := range []uint16{2024, 1, 1, 0, 0, 0} { // fixed creation date
		be.PutUint16(p[24+2*j:], v)
	}
	copy(p[36:], "acsp")
	be.PutUint32(p[64:], 0) // perceptual
	for j, v := range d50 {
		be.PutUint32(p[68+4*j:], s15(v))
	}
	return p
}
