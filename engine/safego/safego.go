// Package safego runs the engine's worker goroutines so that a panic (a bug, triggered by
// unexpected data from a tenant or a spec) becomes an error of that unit of work instead of
// ending the process — and with it every other job the service is running.
package safego

import (
	"context"
	"fmt"
	"runtime/debug"

	"golang.org/x/sync/errgroup"
)

// PanicError is a recovered panic, with the stack of the goroutine that panicked.
type PanicError struct {
	Value any
	Stack []byte
}

func (p *PanicError) Error() string { return fmt.Sprintf("internal error (panic): %v", p.Value) }

// Panic returns the panic's value and stack: hosting layers recognise a recovered panic by
// this method without importing the engine.
func (p *PanicError) Panic() (value any, stack []byte) { return p.Value, p.Stack }

// Call runs fn and returns a recovered panic as a *PanicError.
func Call(fn func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Value: v, Stack: debug.Stack()}
		}
	}()
	return fn()
}

// Group is an errgroup.Group whose goroutines return a panic as their error.
type Group struct{ *errgroup.Group }

// WithContext is errgroup.WithContext for a Group.
func WithContext(ctx context.Context) (Group, context.Context) {
	g, ctx := errgroup.WithContext(ctx)
	return Group{g}, ctx
}

// Go runs fn in the group under Call.
func (g Group) Go(fn func() error) { g.Group.Go(func() error { return Call(fn) }) }
