// Package csvcell keeps text written into a CSV file from being taken for
// a formula when a spreadsheet program opens the file (CSV injection).
package csvcell

import "strings"

// triggers are the first characters that make a spreadsheet read a cell
// as a formula, or that some programs drop before doing so (tab, carriage
// return).
const triggers = "=+-@\t\r"

// Safe returns s, with an apostrophe before it when it starts with = + -
// @, a tab or a carriage return, so that a spreadsheet shows it as text
// rather than evaluating it. Use it for cells holding text from outside
// (file names, reasons, messages), not for numbers or dates.
func Safe(s string) string {
	if s != "" && strings.IndexByte(triggers, s[0]) >= 0 {
		return "'" + s
	}
	return s
}
