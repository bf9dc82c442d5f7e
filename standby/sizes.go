package standby

// Sizes is how many passengers wait in the live queues of this process.
type Sizes struct {
	Flights int // flights with a queue
	Waiting int // passengers waiting, on every flight
	Longest int // the longest queue's length
}

// Sizes counts the live queues, for monitoring. With [Service.Shared] the
// live queues are this process's copies of the flights it has read
// lately, so the figures are this server's view, not the database's.
func (s *Service) Sizes() Sizes {
	s.queues.mu.RLock()
	defer s.queues.mu.RUnlock()
	var out Sizes
	for _, q := range s.queues.byFlight {
		n := q.Len()
		if n == 0 {
			continue
		}
		out.Flights++
		out.Waiting += n
		out.Longest = max(out.Longest, n)
	}
	return out
}
