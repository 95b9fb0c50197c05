//go:build race

package reliability

// RaceEnabled tells whether this binary runs with the race detector.
const RaceEnabled = true
