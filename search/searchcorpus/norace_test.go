//go:build !race

package searchcorpus_test

const raceEnabled = false
