//go:build !linux

package boltstore

import bolt "go.etcd.io/bbolt"

// releaseMapped is a no-op where MADV_DONTNEED is not used (see release_linux.go).
func releaseMapped(*bolt.Tx) {}
