// Package progress draws the one-line progress bars of GoNAS's searches and
// training loops on a terminal (redrawn in place) or, elsewhere, as occasional
// plain lines that logs and notebooks keep readable.
package progress
