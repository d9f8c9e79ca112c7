// Package lessons holds the course notebooks (*.ipynb, run with the
// gradbook kernel) and the homework an instructor hands out
// (homework/). It has no Go API: its test re-runs every notebook headlessly
// under Jupyter's own nbconvert and compares the outputs with the stored
// ones, so a change that breaks a lesson fails `go test ./...`.
//
// After an intended change to a lesson's output, rewrite the stored
// outputs with:
//
//	go test ./lessons -update
package lessons
