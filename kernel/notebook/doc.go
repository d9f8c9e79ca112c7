// Package notebook reads and writes Jupyter notebooks (nbformat 4), runs
// them headlessly, grades homework submissions and makes the student
// version of a solution notebook: the instructor's side of gradbook,
// behind `gradbook run`, `gradbook grade` and `gradbook assign`.
//
// It knows nothing of Go interpretation: cells run on an Executor, which
// in the gradbook command is a *supervisor.Supervisor, so that a cell that
// crashes, loops or exhausts memory ends only its worker process.
//
// # Notebooks
//
// Read and ReadFile decode nbformat 4; fields this package does not know
// (attachments, metadata of every kind, fields of newer minor versions)
// are kept and written back by Write, which writes the notebook as
// Jupyter does (keys sorted, one-space indentation, multiline strings as
// lists of lines), so that a notebook run and written back diffs cleanly.
//
// # Running
//
// Run executes every code cell in order and stores its outputs as a front
// end would: stream text coalesced per stream, display_data (and updates
// of earlier displays by display id), execute_result with its execution
// count, and error with ename, evalue and traceback. A cell tagged
// raises-exception may fail without failing the notebook (Failed).
//
// # Grading
//
// Test cells carry nbgrader's metadata,
//
//	"nbgrader": {"grade": true, "grade_id": "grad_f", "points": 2}
//
// and pass when they raise no error: they call the student's code and
// panic, with a message saying what was expected, when it is wrong.
// GradeFiles grades a batch, each submission in a fresh Sandbox with a
// time limit per cell, in parallel; a submission that is not a notebook
// gets a Report that says why. WriteTable, WriteCSV and WriteJSON render
// the reports.
//
// # Assignments
//
// Assign replaces the solution regions of an instructor's notebook,
//
//	func grad(x *ad.Tensor) *ad.Tensor {
//		// BEGIN SOLUTION
//		return ad.Grad(f, x)
//		// END SOLUTION
//	}
//
// by a stub that compiles and fails when called,
//
//	func grad(x *ad.Tensor) *ad.Tensor {
//		// YOUR CODE HERE
//		panic("not implemented")
//	}
//
// and clears the outputs.
package notebook
