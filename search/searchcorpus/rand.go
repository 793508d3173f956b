package searchcorpus

import (
	"math"
	"math/bits"
	"sort"
)

// The generator has its own random numbers instead of math/rand: the corpus must be the same
// for a seed across Go versions, and every document needs a cheap, independent stream keyed
// by its number.

// mix is the SplitMix64 finaliser. It is a bijection on uint64, which the ID scheme relies on.
func mix(z uint64) uint64 {
	z ^= z >> 30
	z *= 0xbf58476d1ce4e5b9
	z ^= z >> 27
	z *= 0x94d049bb133111eb
	z ^= z >> 31
	return z
}

// Stream tags: each use of randomness has its own, so the streams are independent.
const (
	tagBlock uint64 = iota + 1
	tagCitizen
	tagHousehold
	tagDoc
	tagID
	tagQuery
	tagTown
)

// key derives the seed of stream tag number n.
func key(seed, tag, n uint64) uint64 {
	return mix(mix(seed^tag*0x9e3779b97f4a7c15) + n)
}

// rng is SplitMix64: small, fast, and good enough for text.
type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix(r.s)
}

// intn returns a number in [0, n); n > 0.
func (r *rng) intn(n int) int {
	hi, _ := bits.Mul64(r.next(), uint64(n))
	return int(hi)
}

// float returns a number in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// chance reports true with probability perMille/1000.
func (r *rng) chance(perMille int) bool { return r.intn(1000) < perMille }

// pick returns an element of list, uniformly.
func pick[T any](r *rng, list []T) T { return list[r.intn(len(list))] }

// weighted returns an index into weights with probability proportional to its weight.
func weighted(r *rng, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	x := r.intn(total)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// zipf draws indices 0..n-1 with weight 1/(k+1)^s.
type zipf struct{ cum []float64 }

func newZipf(n int, s float64) zipf {
	z := zipf{cum: make([]float64, n)}
	sum := 0.0
	for k := range n {
		sum += math.Pow(float64(k+1), -s)
		z.cum[k] = sum
	}
	return z
}

func (z zipf) draw(r *rng) int {
	u := r.float() * z.cum[len(z.cum)-1]
	return min(sort.SearchFloat64s(z.cum, u), len(z.cum)-1)
}

// counts draws the number of documents of a citizen: a discrete Pareto law, P(count ≥ k) =
// k^-alpha for 1 ≤ k ≤ maxCount, with alpha chosen so that the mean is the one asked for.
// With mean 4: 87 % of citizens have 1–5 documents, 7 % have 10 or more, 3 % 20 or more.
type counts struct{ atLeast []float64 } // atLeast[k] = P(count ≥ k); atLeast[0] unused

const maxCount = 120 // documents of one citizen, at most; below blockSize

func newCounts(mean float64) counts {
	sum := func(alpha float64) float64 {
		s := 0.0
		for k := 1; k <= maxCount; k++ {
			s += math.Pow(float64(k), -alpha)
		}
		return s
	}
	lo, hi := 0.0, 60.0 // sum(lo) = maxCount, sum(hi) ≈ 1
	mean = min(max(mean, 1), maxCount)
	for range 100 {
		mid := (lo + hi) / 2
		if sum(mid) > mean {
			lo = mid
		} else {
			hi = mid
		}
	}
	c := counts{atLeast: make([]float64, maxCount+2)}
	for k := 1; k <= maxCount; k++ {
		c.atLeast[k] = math.Pow(float64(k), -hi)
	}
	c.atLeast[1] = 1
	return c
}

// draw returns a count in [1, maxCount]: the number of k ≥ 1 with u < P(count ≥ k).
func (c counts) draw(r *rng) int {
	u := r.float()
	lo, hi := 1, maxCount+1 // atLeast[lo] > u; find the first k with atLeast[k] ≤ u
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if c.atLeast[mid] > u {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}
