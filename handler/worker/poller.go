package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azqueue"

	"github.com/atg-go/atg/handler/jobs"
)

// PolledQueue is one queue the poller serves.
type PolledQueue struct {
	Client *azqueue.QueueClient
	Poison *azqueue.QueueClient
	Handle func(ctx context.Context, m jobs.Message, dequeueCount int) error
	// OnPoison runs before a message moves to Poison (fail its job).
	OnPoison func(ctx context.Context, m jobs.Message) error
}

// Poller gives `atg serve` the Functions host's queue semantics: dequeue with a visibility
// timeout renewed while working, delete on success, visible again after a failure, poison
// after MaxDequeueCount deliveries, at most Workers messages at once, and a graceful stop.
type Poller struct {
	Queues            []PolledQueue
	Workers           int
	VisibilityTimeout time.Duration // default 60s; renewed every third of it
	MaxDequeueCount   int           // default 5
	RetryDelay        time.Duration // a failed message is visible again after RetryDelay*dequeueCount (default 1s)
	MaxPollInterval   time.Duration // idle backoff cap; default 2s
	Grace             time.Duration // on stop, how long in-flight messages may finish; default 30s
	Logger            *slog.Logger
}

func (p *Poller) defaults() {
	if p.Workers <= 0 {
		p.Workers = 4
	}
	if p.VisibilityTimeout <= 0 {
		p.VisibilityTimeout = 60 * time.Second
	}
	if p.MaxDequeueCount <= 0 {
		p.MaxDequeueCount = DefaultMaxDequeueCount
	}
	if p.RetryDelay <= 0 {
		p.RetryDelay = time.Second
	}
	if p.MaxPollInterval <= 0 {
		p.MaxPollInterval = 2 * time.Second
	}
	if p.Grace <= 0 {
		p.Grace = 30 * time.Second
	}
	if p.Logger == nil {
		p.Logger = slog.New(slog.DiscardHandler)
	}
}

// Run polls until ctx ends, then stops dequeuing, gives in-flight messages Grace to finish
// and releases the rest (visible again at once). It returns after every worker has exited.
func (p *Poller) Run(ctx context.Context) error {
	p.defaults()
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	slots := make(chan struct{}, p.Workers)
	var inflight sync.WaitGroup
	var loops sync.WaitGroup
	for _, q := range p.Queues {
		loops.Add(1)
		go func() {
			defer loops.Done()
			p.loop(ctx, workCtx, q, slots, &inflight)
		}()
	}
	loops.Wait()
	done := make(chan struct{})
	go func() { inflight.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(p.Grace):
		p.Logger.Warn("grace period over; releasing in-flight messages")
		stopWork()
		<-done
	}
	return nil
}

func (p *Poller) loop(ctx, workCtx context.Context, q PolledQueue, slots chan struct{}, inflight *sync.WaitGroup) {
	idle := 50 * time.Millisecond
	vt := int32(p.VisibilityTimeout / time.Second)
	if vt < 1 {
		vt = 1
	}
	for {
		select {
		case <-ctx.Done():
			return
		case slots <- struct{}{}:
		}
		one := int32(1)
		resp, err := q.Client.DequeueMessages(ctx, &azqueue.DequeueMessagesOptions{NumberOfMessages: &one, VisibilityTimeout: &vt})
		if err != nil || len(resp.Messages) == 0 {
			<-slots
			if err != nil && ctx.Err() == nil {
				p.Logger.Warn("dequeue failed", "queue", q.Client.URL(), "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(idle):
			}
			idle = min(idle*2, p.MaxPollInterval)
			continue
		}
		idle = 50 * time.Millisecond
		msg := resp.Messages[0]
		inflight.Add(1)
		go func() {
			defer inflight.Done()
			defer func() { <-slots }()
			p.process(workCtx, q, msg)
		}()
	}
}

type lease struct {
	mu      sync.Mutex
	id, pop string
	text    string
}

func (l *lease) receipt() string { l.mu.Lock(); defer l.mu.Unlock(); return l.pop }

func (p *Poller) process(ctx context.Context, q PolledQueue, msg *azqueue.DequeuedMessage) {
	l := &lease{id: deref(msg.MessageID), pop: deref(msg.PopReceipt), text: deref(msg.MessageText)}
	dc := 1
	if msg.DequeueCount != nil {
		dc = int(*msg.DequeueCount)
	}
	log := p.Logger.With("message_id", l.id, "dequeue_count", dc)
	m, err := jobs.DecodeMessage(l.text)
	if err != nil {
		log.Error("undecodable message; moving it to the poison queue", "err", err)
		p.poison(ctx, q, l, nil, log)
		return
	}
	log = log.With("job_id", m.JobID, "kind", m.Kind, "shard", m.Shard)
	if dc > p.MaxDequeueCount { // redelivered past the limit (e.g. crashes): poison without running
		p.poison(ctx, q, l, &m, log)
		return
	}

	runCtx, cancel := context.WithCancel(ctx)
	renewDone := make(chan struct{})
	go p.renew(runCtx, q, l, log, renewDone)
	err = GuardMessage(log, m, func() error { return q.Handle(runCtx, m, dc) })
	cancel()
	<-renewDone

	bg := context.WithoutCancel(ctx)
	switch {
	case err == nil:
		if _, derr := q.Client.DeleteMessage(bg, l.id, l.receipt(), nil); derr != nil {
			log.Warn("deleting a processed message", "err", derr)
		}
	case ctx.Err() != nil: // stopping: make it visible again at once
		zero := int32(0)
		if _, uerr := q.Client.UpdateMessage(bg, l.id, l.receipt(), l.text, &azqueue.UpdateMessageOptions{VisibilityTimeout: &zero}); uerr != nil {
			log.Warn("releasing a message", "err", uerr)
		}
	case dc >= p.MaxDequeueCount:
		p.poison(bg, q, l, &m, log)
	default:
		delay := int32(p.RetryDelay * time.Duration(dc) / time.Second)
		if _, uerr := q.Client.UpdateMessage(bg, l.id, l.receipt(), l.text, &azqueue.UpdateMessageOptions{VisibilityTimeout: &delay}); uerr != nil {
			log.Warn("making a failed message visible again", "err", uerr)
		}
	}
}

// renew extends the message's invisibility every third of the visibility timeout.
func (p *Poller) renew(ctx context.Context, q PolledQueue, l *lease, log *slog.Logger, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(p.VisibilityTimeout / 3)
	defer t.Stop()
	vt := int32(p.VisibilityTimeout / time.Second)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			resp, err := q.Client.UpdateMessage(ctx, l.id, l.receipt(), l.text, &azqueue.UpdateMessageOptions{VisibilityTimeout: &vt})
			if err != nil {
				if ctx.Err() == nil {
					log.Warn("renewing message visibility", "err", err)
				}
				continue
			}
			l.mu.Lock()
			if resp.PopReceipt != nil {
				l.pop = *resp.PopReceipt
			}
			l.mu.Unlock()
		}
	}
}

// poison fails the job (when the message decodes), copies the message to the poison queue
// and deletes the original, as the host does.
func (p *Poller) poison(ctx context.Context, q PolledQueue, l *lease, m *jobs.Message, log *slog.Logger) {
	if m != nil && q.OnPoison != nil {
		if err := q.OnPoison(ctx, *m); err != nil {
			log.Error("failing the job of a poison message", "err", err)
		}
	}
	var errs []error
	if q.Poison != nil {
		ttl := int32(-1)
		if _, err := q.Poison.EnqueueMessage(ctx, l.text, &azqueue.EnqueueMessageOptions{TimeToLive: &ttl}); err != nil {
			errs = append(errs, fmt.Errorf("copying to poison queue: %w", err))
		}
	}
	if len(errs) == 0 {
		if _, err := q.Client.DeleteMessage(ctx, l.id, l.receipt(), nil); err != nil {
			errs = append(errs, fmt.Errorf("deleting poisoned message: %w", err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		log.Error("poisoning a message", "err", err)
		return
	}
	log.Warn("message moved to the poison queue")
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
