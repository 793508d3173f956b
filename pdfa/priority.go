package pdfa

import "os/exec"

// childNice is how many steps of nice value the external programs pdfa
// runs (Ghostscript, the poppler tools, tesseract) are below the calling process (up to the
// lowest priority, 19). Conversion is batch work; the server beside it
// answers clerks. Ten steps below, a busy converter gets about a tenth of
// the CPU weight of a server thread while both want a core (Linux CFS
// weights 110 and 1024 at nice 10 and 0), and all of the CPU when the
// server is idle: under read load, ingest slows down instead of the reads.
// Nothing is starved: a niced program still runs.
const childNice = 10

// runLowPriority runs cmd like cmd.Run, at low CPU priority from its
// first instruction where the system allows it (startLowPriority): the
// value survives the exec of limitedCommand's shell into the program, and
// threads the program starts inherit it.
func runLowPriority(cmd *exec.Cmd) error {
	if err := startLowPriority(cmd); err != nil {
		return err
	}
	return cmd.Wait()
}
