package account

import "github.com/bookingkit/bookingkit/internal/password"

// HashParams are argon2id's cost parameters, under which a [Service]
// hashes passwords ([Config.HashParams]). Each stored hash carries the
// parameters it was made with, so raising them leaves the old hashes
// verifiable: a person's hash is made again under the new ones at their
// next successful login.
type HashParams struct {
	MemoryKiB uint32 // memory per hash, in KiB
	Time      uint32 // passes over that memory
	Threads   uint8  // lanes computed in parallel
	SaltLen   int    // random salt, in bytes
	KeyLen    uint32 // derived key, in bytes
}

// OWASPHashParams is the OWASP Password Storage Cheat Sheet's argon2id
// minimum, 19 MiB of memory, two passes and one thread, with a 16-byte
// salt and a 32-byte key: the default when [Config.HashParams] is zero.
// Raise it where the machines allow; lower it only in tests.
var OWASPHashParams = HashParams(password.OWASP)
