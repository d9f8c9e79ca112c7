//go:build race

package supervisor

// raceEnabled: the race detector's runtime reports a huge allocation as
// "too many address space collisions" rather than "out of memory".
const raceEnabled = true
