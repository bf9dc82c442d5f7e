package throttle

// Len returns how many keys s holds a time for.
func (s *MemoryStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.tats)
}
