package safego

import (
	"context"
	"errors"
	"testing"
)

func TestGroupRecovers(t *testing.T) {
	g, _ := WithContext(context.Background())
	g.SetLimit(2)
	g.Go(func() error { return nil })
	g.Go(func() error {
		var m map[string]int
		//lint:ignore SA5000 the injected bug: a nil map write panics
		m["x"]++
		return nil
	})
	err := g.Wait()
	var pe *PanicError
	if !errors.As(err, &pe) || len(pe.Stack) == 0 {
		t.Fatalf("err = %v", err)
	}
}
