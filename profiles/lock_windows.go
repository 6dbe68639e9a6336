//go:build windows

package profiles

// lockDir is a no-op on Windows, where a directory cannot be opened for
// locking; concurrent edits there are last-writer-wins (each still whole).
func lockDir(dir string) (unlock func(), err error) { return func() {}, nil }
