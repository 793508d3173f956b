//go:build !race

package pdfa

const raceEnabled = false
