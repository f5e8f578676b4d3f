package worker

import "time"

// Backoff returns the delay before retry number attempt (1-based): base doubling up to max.
func Backoff(attempt int, base, max time.Duration) time.Duration {
	d := base
	for i := 1; i < attempt && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}
