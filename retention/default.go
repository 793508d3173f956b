package retention

import (
	_ "embed"
	"sync"
)

//go:embed default.yaml
var defaultYAML []byte

var (
	defaultOnce     sync.Once
	defaultSchedule *Schedule
)

// DefaultYAML returns the shipped example schedule, to copy and adapt.
func DefaultYAML() []byte { return append([]byte(nil), defaultYAML...) }

// Default returns the shipped example schedule (default.yaml): the classes of Akte's form
// templates and common municipal records, each rule citing its legal basis. It is marked
// Example: adapt it before production use. Callers must not modify it.
func Default() *Schedule {
	defaultOnce.Do(func() {
		s, err := Parse(defaultYAML)
		if err != nil {
			panic("retention: the shipped default schedule does not parse: " + err.Error())
		}
		defaultSchedule = s
	})
	return defaultSchedule
}
