//go:build race

package session

// raceDetector is true under go test -race. yaegi v0.16.1 touches its
// frames without synchronisation from goroutines the detector cannot
// order: the goroutine of an interrupted ExecuteWithContext (which Execute
// waits for by watching runtime.Stack, invisible to the detector) and
// goroutines started by cells. Tests of those skip themselves.
const raceDetector = true
