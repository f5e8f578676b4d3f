//go:build linux

package boltstore

import (
	bolt "go.etcd.io/bbolt"
	"golang.org/x/sys/unix"
)

// releaseMapped drops the store file's pages from this process's resident set. bbolt reads
// through a read-only shared mapping of the whole file, and every page a read or a write's
// lookups touched stays resident in the process until the file is closed: a scan that streams
// a 100k-resource tenant twice and writes its edges touches all of a file of over 1 GB, so RSS
// grew with the file, not with what the process holds. MADV_DONTNEED on a shared file mapping
// only unmaps the pages: the next read faults them back in from the page cache, with the file's
// current contents (bbolt never writes through the mapping, so they are the same bytes). It
// must run inside a transaction: a read transaction holds bbolt's mmap lock, and a write
// transaction's body is the only writer, whose own commit is the only thing that remaps.
func releaseMapped(tx *bolt.Tx) {
	data, size := tx.DB().Info().Data, tx.Size()
	if data == 0 || size <= 0 {
		return
	}
	_, _, _ = unix.Syscall(unix.SYS_MADVISE, data, uintptr(size), unix.MADV_DONTNEED)
}
