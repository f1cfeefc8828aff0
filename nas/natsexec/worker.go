package natsexec

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/gonas/gonas/nas"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/pkg/errors"
)

// Worker defaults.
const (
	// DefaultAckWait is how long a trial may go without a heartbeat (sent every third
	// of it) before it is handed to another worker.
	DefaultAckWait = time.Minute
	// DefaultMaxDeliver is how many times a trial is handed out before the worker that
	// gets it last records it as failed instead of running it: a trial that kills every
	// worker running it (out of memory, say) must not loop for ever.
	DefaultMaxDeliver = 10
	// maxAckPending bounds the trials being run at once by all workers together.
	maxAckPending = 1024
	// maxFailures is how many NATS errors in a row (a second apart) end a worker.
	maxFailures = 60
	// DefaultRetryDelay is how long a trial that a worker's environment failed (its
	// data missing, say) waits before it is delivered again.
	DefaultRetryDelay = 10 * time.Second
	// fetchWait is how long one fetch waits for a trial before asking again.
	fetchWait = 10 * time.Second
	// recordTimeout bounds publishing a result and acknowledging its trial, which a
	// worker does even after its context is cancelled: finished work is not thrown away.
	recordTimeout = 30 * time.Second
)

// Worker takes trials from the shared work queue one at a time and runs them with
// Runner until its context is cancelled. Any number of workers, in any processes, may
// serve one server; each trial's result is recorded once.
type Worker struct {
	Runner nas.TrialRunner
	// Name identifies the worker in results and logs (default "<host>-<pid>").
	Name string
	// AckWait is how long a trial may go without a heartbeat before it is handed to
	// another worker (default DefaultAckWait). It is a setting of the consumer all
	// workers share, so the worker started last sets it; every worker heartbeats at a
	// third of the consumer's current value.
	AckWait time.Duration
	// MaxDeliver is the consumer's delivery limit (default DefaultMaxDeliver).
	MaxDeliver int
	// RetryDelay is how long a trial the worker's environment failed waits before
	// it is delivered again (default DefaultRetryDelay).
	RetryDelay time.Duration
	// Log gets one line when a trial starts and one when it ends (nil: none).
	Log io.Writer
}

// Run connects to the NATS server at url and runs trials until ctx is cancelled
// (then it returns nil: a trial it was running is abandoned, its runner cancelled and
// the trial handed back to the queue), or until the connection is lost.
func (w *Worker) Run(ctx context.Context, url string) error {
	if w.Runner == nil {
		return errors.New("natsexec.Worker.Run: no Runner")
	}
	if w.Name == "" {
		host, _ := os.Hostname()
		w.Name = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	if w.AckWait <= 0 {
		w.AckWait = DefaultAckWait
	}
	if w.MaxDeliver <= 0 {
		w.MaxDeliver = DefaultMaxDeliver
	}
	if w.RetryDelay <= 0 {
		w.RetryDelay = DefaultRetryDelay
	}
	nc, js, err := connect(url, "gonas-worker-"+w.Name)
	if err != nil {
		return errors.WithMessagef(err, "worker %s", w.Name)
	}
	defer nc.Close()
	q, err := w.open(ctx, js)
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopped while starting
		}
		return errors.WithMessagef(err, "worker %s", w.Name)
	}
	failures := 0 // in a row: a server restart is waited out, a lasting fault ends the worker
	for ctx.Err() == nil {
		if nc.IsClosed() {
			return errors.Errorf("worker %s: the connection to NATS at %q is closed", w.Name, RedactURL(url))
		}
		fctx, cancel := context.WithTimeout(ctx, fetchWait)
		msg, err := q.cons.Next(jetstream.FetchContext(fctx))
		cancel()
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, nats.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
			continue
		case err == nil:
			err = w.handle(ctx, q, msg) // an unrecorded, unacknowledged trial is redelivered
		default: // the consumer or a stream deleted, the server restarted: open them again
			if q2, oerr := w.open(ctx, js); oerr == nil {
				q = q2
			}
		}
		if err == nil {
			failures = 0
			continue
		}
		if failures++; failures >= maxFailures {
			return errors.WithMessagef(err, "worker %s: %d failures in a row, the last", w.Name, failures)
		}
		w.logf("worker=%s status=error error=%q", w.Name, err.Error())
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
	return nil
}

// queue is a worker's handles on the server: the shared consumer and the results.
type queue struct {
	js      jetstream.JetStream
	cons    jetstream.Consumer
	results jetstream.Stream
}

// open makes sure the streams and the shared consumer exist.
func (w *Worker) open(ctx context.Context, js jetstream.JetStream) (queue, error) {
	if err := ensureStreams(ctx, js); err != nil {
		return queue{}, err
	}
	rctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	cons, err := js.CreateOrUpdateConsumer(rctx, TrialsStream, jetstream.ConsumerConfig{
		Durable:       WorkerConsumer,
		Description:   "GoNAS workers: one trial at a time each, acked once its result is recorded",
		DeliverPolicy: jetstream.DeliverAllPolicy,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       w.AckWait,
		MaxDeliver:    w.MaxDeliver,
		MaxAckPending: maxAckPending,
	})
	if err != nil {
		return queue{}, errors.Wrapf(err, "create consumer %s on %s", WorkerConsumer, TrialsStream)
	}
	results, err := js.Stream(rctx, ResultsStream)
	if err != nil {
		return queue{}, errors.Wrapf(err, "open stream %s", ResultsStream)
	}
	return queue{js: js, cons: cons, results: results}, nil
}

// logf writes one line to w.Log.
func (w *Worker) logf(format string, args ...any) {
	if w.Log != nil {
		fmt.Fprintf(w.Log, format+"\n", args...)
	}
}
