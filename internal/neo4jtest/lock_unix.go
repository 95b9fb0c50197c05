//go:build unix

package neo4jtest

import (
	"errors"
	"os"
	"syscall"
)

// lockFile takes an exclusive flock on path, calling waiting once if it
// has to wait, and returns the function that releases it.
func lockFile(path string, waiting func()) (release func(), err error) {
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o666)
	if err != nil {
		return nil, err
	}
	fd := int(f.Fd())
	err = flock(fd, syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		waiting()
		err = flock(fd, syscall.LOCK_EX)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		_ = flock(fd, syscall.LOCK_UN)
		f.Close()
	}, nil
}

// flock is syscall.Flock, retried when a signal interrupts it.
func flock(fd, how int) error {
	for {
		err := syscall.Flock(fd, how)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}
