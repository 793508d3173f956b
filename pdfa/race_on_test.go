//go:build race

package pdfa

// raceEnabled: the corpus runs are left to the run without the race
// detector (scripts/test.sh runs them separately), where they take minutes,
// not tens of minutes.
const raceEnabled = true
