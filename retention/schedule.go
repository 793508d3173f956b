package retention

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Disposition is what happens to a record once it is due.
type Disposition string

// Dispositions.
const (
	Destroy Disposition = "destroy" // delete every version, with a disposal certificate
	Offer   Disposition = "offer"   // offer to the state archive first (xdomea), which decides
	Review  Disposition = "review"  // a records officer approves or extends
)

// Schedule is the retention schedule (Aktenplan): the rules of each record class.
type Schedule struct {
	// Example marks a schedule as an example to adapt (the shipped default); akte warns
	// while one is in use.
	Example bool
	Classes map[string]*Class
}

// Class is one record class and its rules. A record may be disposed of once every Earliest
// rule has passed, and must be by the first Latest rule to pass; the latest date wins when
// the two disagree, so nothing is kept longer than the law allows. Without Earliest rules,
// the latest date is also the earliest; without Latest rules, the earliest date is also the
// latest. From the first Restrict rule to pass until disposal only records officers see it.
type Class struct {
	Name        string
	Title       string
	Disposition Disposition
	Earliest    []Rule
	Latest      []Rule
	Restrict    []Rule
	Line        int // in the schedule file
}

// Rule is one period with its legal basis: After, counted from the first of Start to
// happen, optionally from the end of that calendar year.
type Rule struct {
	Basis   string  // e.g. "PassG §21(4)"
	Start   []Clock // the first of these to happen starts the clock
	After   Period
	YearEnd bool // count from the end of the calendar year in which the clock started
	Line    int
}

// Clock is where a rule's period starts: the record's creation, a fact about the record
// (fact:valid_until) or an event of its citizen (event:moved_away, event:new_document:passport).
type Clock struct {
	Kind   string // "created", "fact" or "event"
	Name   string // the fact or event name
	Detail string // events only, optional: which kind of new document
}

// Event names a schedule may use.
const (
	EventMovedAway   = "moved_away"
	EventDeceased    = "deceased"
	EventNewDocument = "new_document" // detail: which document, e.g. passport, id-card
	EventCaseClosed  = "case_closed"
)

var eventNames = []string{EventMovedAway, EventDeceased, EventNewDocument, EventCaseClosed}

func (c Clock) String() string {
	switch {
	case c.Kind == "created":
		return "created"
	case c.Detail != "":
		return c.Kind + ":" + c.Name + ":" + c.Detail
	}
	return c.Kind + ":" + c.Name
}

// ParseClock parses "created", "fact:NAME", "event:NAME" or "event:NAME:DETAIL".
func ParseClock(s string) (Clock, error) {
	if s == "created" {
		return Clock{Kind: "created"}, nil
	}
	kind, rest, _ := strings.Cut(s, ":")
	switch kind {
	case "fact":
		if !validName(rest) {
			return Clock{}, fmt.Errorf("start %q: a fact name is 1–64 characters from [a-z0-9_-]", s)
		}
		return Clock{Kind: "fact", Name: rest}, nil
	case "event":
		name, detail, hasDetail := strings.Cut(rest, ":")
		if !slices.Contains(eventNames, name) {
			return Clock{}, fmt.Errorf("start %q: events are %s", s, strings.Join(eventNames, ", "))
		}
		if hasDetail && (!validName(detail) || name != EventNewDocument) {
			return Clock{}, fmt.Errorf("start %q: only new_document takes a detail, 1–64 characters from [a-z0-9_-]", s)
		}
		return Clock{Kind: "event", Name: name, Detail: detail}, nil
	}
	return Clock{}, fmt.Errorf("start %q: write created, fact:NAME or event:NAME", s)
}

func validName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// MaxScheduleBytes bounds a schedule file.
const MaxScheduleBytes = 1 << 20

// ScheduleError lists what is wrong with a schedule, each problem with its line.
type ScheduleError struct {
	Problems []Problem
}

// Problem is one mistake in a schedule file.
type Problem struct {
	Line int
	Msg  string
}

func (e *ScheduleError) Error() string {
	var b strings.Builder
	b.WriteString("retention schedule:")
	for i, p := range e.Problems {
		if i == 10 {
			fmt.Fprintf(&b, "\n  … and %d more", len(e.Problems)-10)
			break
		}
		fmt.Fprintf(&b, "\n  line %d: %s", p.Line, p.Msg)
	}
	return b.String()
}

// ErrUnknownClass: the schedule has no rules for a record's class.
var ErrUnknownClass = errors.New("retention: class not in the schedule")

// Parse reads a schedule in YAML:
//
//	example: true                  # optional: an example to adapt
//	classes:
//	  passport-application:
//	    title: Antrag auf Ausstellung eines Reisepasses
//	    disposition: destroy       # destroy, offer or review
//	    earliest:                  # may be disposed of once all of these have passed
//	      - {basis: "PassG §21(4)", start: "event:new_document:passport", after: P0D}
//	    latest:                    # must be disposed of once the first of these has passed
//	      - {basis: "PassG §21(4)", start: "fact:valid_until", after: P5Y}
//	    restrict:                  # records officers only, from the first of these
//	      - {basis: "BMG §13(2)", start: [event:moved_away, event:deceased], after: P5Y, year_end: true}
//
// Every problem is reported with its line (*ScheduleError): unknown keys, missing basis,
// start or after, bad durations and clocks, a class without earliest and latest rules.
func Parse(data []byte) (*Schedule, error) {
	if len(data) > MaxScheduleBytes {
		return nil, &ScheduleError{[]Problem{{0, fmt.Sprintf("the file has %d bytes; at most %d are allowed", len(data), MaxScheduleBytes)}}}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, &ScheduleError{[]Problem{{0, err.Error()}}}
	}
	p := &parser{}
	s := p.schedule(&root)
	if len(p.problems) > 0 {
		return nil, &ScheduleError{p.problems}
	}
	return s, nil
}

type parser struct{ problems []Problem }

func (p *parser) fail(n *yaml.Node, format string, args ...any) {
	p.problems = append(p.problems, Problem{n.Line, fmt.Sprintf(format, args...)})
}

// mapping returns the keys and values of a mapping node, refusing keys not in allowed.
func (p *parser) mapping(n *yaml.Node, what string, allowed ...string) map[string]*yaml.Node {
	if n.Kind != yaml.MappingNode {
		p.fail(n, "%s must be a mapping of keys to values", what)
		return nil
	}
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		switch {
		case allowed != nil && !slices.Contains(allowed, k.Value):
			p.fail(k, "%s: unknown key %q (known: %s)", what, k.Value, strings.Join(allowed, ", "))
		case out[k.Value] != nil:
			p.fail(k, "%s: %q is given twice", what, k.Value)
		default:
			out[k.Value] = n.Content[i+1]
		}
	}
	return out
}

func (p *parser) scalar(n *yaml.Node, what string) string {
	if n.Kind != yaml.ScalarNode {
		p.fail(n, "%s must be a single value", what)
		return ""
	}
	return n.Value
}

func (p *parser) schedule(root *yaml.Node) *Schedule {
	s := &Schedule{Classes: map[string]*Class{}}
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		p.problems = append(p.problems, Problem{1, "the schedule is empty"})
		return s
	}
	top := p.mapping(root.Content[0], "the schedule", "example", "classes")
	if v := top["example"]; v != nil {
		s.Example = p.scalar(v, "example") == "true"
	}
	classes := top["classes"]
	if classes == nil {
		p.fail(root.Content[0], "the schedule has no classes")
		return s
	}
	cm := p.mapping(classes, "classes")
	for i := 0; i+1 < len(classes.Content); i += 2 {
		name := classes.Content[i].Value
		if cm[name] != classes.Content[i+1] {
			continue // reported as given twice
		}
		if !validName(name) {
			p.fail(classes.Content[i], "class %q: a class name is 1–64 characters from [a-z0-9_-]", name)
		}
		s.Classes[name] = p.class(name, classes.Content[i+1])
	}
	return s
}

func (p *parser) class(name string, n *yaml.Node) *Class {
	c := &Class{Name: name, Line: n.Line}
	what := "class " + name
	f := p.mapping(n, what, "title", "disposition", "earliest", "latest", "restrict")
	if f == nil {
		return c
	}
	if v := f["title"]; v != nil {
		c.Title = p.scalar(v, what+": title")
	}
	switch v := f["disposition"]; {
	case v == nil:
		p.fail(n, "%s: disposition is missing (destroy, offer or review)", what)
	default:
		c.Disposition = Disposition(p.scalar(v, what+": disposition"))
		if c.Disposition != Destroy && c.Disposition != Offer && c.Disposition != Review {
			p.fail(v, "%s: disposition %q is not destroy, offer or review", what, c.Disposition)
		}
	}
	c.Earliest = p.rules(f["earliest"], what+": earliest")
	c.Latest = p.rules(f["latest"], what+": latest")
	c.Restrict = p.rules(f["restrict"], what+": restrict")
	if len(c.Earliest) == 0 && len(c.Latest) == 0 && f["earliest"] == nil && f["latest"] == nil {
		p.fail(n, "%s: needs earliest or latest rules, or both", what)
	}
	return c
}

func (p *parser) rules(n *yaml.Node, what string) []Rule {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		p.fail(n, "%s must be a list of rules", what)
		return nil
	}
	var out []Rule
	for i, rn := range n.Content {
		w := fmt.Sprintf("%s[%d]", what, i)
		f := p.mapping(rn, w, "basis", "start", "after", "year_end")
		if f == nil {
			continue
		}
		r := Rule{Line: rn.Line}
		if v := f["basis"]; v == nil || strings.TrimSpace(v.Value) == "" {
			p.fail(rn, "%s: basis is missing: cite the law or decision, e.g. \"PassG §21(4)\"", w)
		} else {
			r.Basis = p.scalar(v, w+": basis")
		}
		switch v := f["start"]; {
		case v == nil:
			p.fail(rn, "%s: start is missing (created, fact:NAME or event:NAME)", w)
		case v.Kind == yaml.SequenceNode && len(v.Content) > 0:
			for _, sn := range v.Content {
				p.clock(&r, sn, w)
			}
		default:
			p.clock(&r, v, w)
		}
		if v := f["after"]; v == nil {
			p.fail(rn, "%s: after is missing (an ISO 8601 duration, e.g. P5Y)", w)
		} else if per, err := ParsePeriod(p.scalar(v, w+": after")); err != nil {
			p.fail(v, "%s: after: %v", w, err)
		} else {
			r.After = per
		}
		if v := f["year_end"]; v != nil {
			switch p.scalar(v, w+": year_end") {
			case "true":
				r.YearEnd = true
			case "false":
			default:
				p.fail(v, "%s: year_end is true or false", w)
			}
		}
		out = append(out, r)
	}
	return out
}

func (p *parser) clock(r *Rule, n *yaml.Node, what string) {
	c, err := ParseClock(p.scalar(n, what+": start"))
	if err != nil {
		p.fail(n, "%s: %v", what, err)
		return
	}
	r.Start = append(r.Start, c)
}
