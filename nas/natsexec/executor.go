package natsexec

import (
	"context"
	"sync"

	"github.com/gonas/gonas/nas"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/pkg/errors"
)

// Executor runs trials on NATS JetStream workers (nas.Executor): Run publishes the
// trials of its search that have no recorded result and waits for workers to record
// them. It follows the search's results from the record up, so trials finished before
// this process started — by an earlier controller of the same search — are answered
// without being published again.
type Executor struct {
	nc     *nats.Conn
	js     jetstream.JetStream
	search string
	cc     jetstream.ConsumeContext

	mu        sync.Mutex
	done      map[string]nas.TrialResult
	changed   chan struct{} // closed and replaced whenever done grows or the executor stops
	stopped   error         // why the executor can no longer receive results (nil while it can)
	published int
}

// New connects to the NATS server at url (e.g. "nats://127.0.0.1:4222"), creates
// GoNAS's streams if they are missing, and reads the results already recorded for
// search (letters, digits, '-' and '_'; one name per search, stable across restarts).
func New(ctx context.Context, url, search string) (*Executor, error) {
	if err := checkSearch(search); err != nil {
		return nil, errors.WithMessage(err, "natsexec.New")
	}
	e := &Executor{search: search, done: map[string]nas.TrialResult{}, changed: make(chan struct{})}
	var err error
	e.nc, e.js, err = connect(url, "gonas-executor-"+search, nats.ClosedHandler(func(*nats.Conn) {
		e.stop(errors.Errorf("the connection to NATS at %q is closed", url))
	}))
	if err != nil {
		return nil, errors.WithMessage(err, "natsexec.New")
	}
	if err := e.follow(ctx); err != nil {
		e.nc.Close()
		return nil, errors.WithMessagef(err, "natsexec.New(search %q)", search)
	}
	return e, nil
}

// follow creates the streams if needed, subscribes to the search's results from the
// first one, and waits until the results recorded before the call have arrived.
func (e *Executor) follow(ctx context.Context) error {
	if err := ensureStreams(ctx, e.js); err != nil {
		return err
	}
	filter := resultSubject(e.search, ">")
	rctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	stream, err := e.js.Stream(rctx, ResultsStream)
	if err != nil {
		return errors.Wrapf(err, "open stream %s", ResultsStream)
	}
	info, err := stream.Info(rctx, jetstream.WithSubjectFilter(filter))
	if err != nil {
		return errors.Wrapf(err, "count the recorded results (%s)", filter)
	}
	recorded := 0
	for _, n := range info.State.Subjects {
		recorded += int(n)
	}
	cons, err := e.js.OrderedConsumer(rctx, ResultsStream, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{filter}, DeliverPolicy: jetstream.DeliverAllPolicy,
	})
	if err != nil {
		return errors.Wrapf(err, "follow the results (%s)", filter)
	}
	if e.cc, err = cons.Consume(e.onResult); err != nil {
		return errors.Wrapf(err, "follow the results (%s)", filter)
	}
	err = e.wait(ctx, func() bool { return len(e.done) >= recorded })
	if err != nil {
		e.cc.Stop()
		return errors.WithMessagef(err, "read the %d recorded results", recorded)
	}
	return nil
}

// onResult records one result from the results stream.
func (e *Executor) onResult(msg jetstream.Msg) {
	r, err := decodeResult(msg.Data())
	if err != nil {
		e.stop(errors.WithMessagef(err, "message %s", msg.Subject()))
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.done[r.ID]; ok {
		return
	}
	e.done[r.ID] = r
	close(e.changed)
	e.changed = make(chan struct{})
}

// stop marks the executor as unable to receive results, waking Run.
func (e *Executor) stop(err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.stopped == nil {
		e.stopped = err
		close(e.changed)
		e.changed = make(chan struct{})
	}
}

// wait blocks until ready (called with e.mu held) is true, ctx is done or the
// executor stops.
func (e *Executor) wait(ctx context.Context, ready func() bool) error {
	for {
		e.mu.Lock()
		ok, stopped, changed := ready(), e.stopped, e.changed
		e.mu.Unlock()
		switch {
		case ok:
			return nil
		case stopped != nil:
			return stopped
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Run implements nas.Executor: it publishes the trials without a recorded result and
// returns all results, in the order of trials, once workers have recorded them. A
// trial already queued (an earlier Run, or an earlier controller) is deduplicated by
// the server or skipped by the worker that takes it.
func (e *Executor) Run(ctx context.Context, trials []nas.Trial) ([]nas.TrialResult, error) {
	for i, t := range trials {
		if err := checkTrialID(t.ID); err != nil {
			return nil, errors.WithMessagef(err, "natsexec.Run: trial %d", i)
		}
	}
	for _, t := range trials {
		if _, ok := e.Result(t.ID); ok {
			continue
		}
		if err := e.publish(ctx, t); err != nil {
			return nil, errors.WithMessage(err, "natsexec.Run")
		}
	}
	err := e.wait(ctx, func() bool {
		for _, t := range trials {
			if _, ok := e.done[t.ID]; !ok {
				return false
			}
		}
		return true
	})
	if err != nil {
		return nil, errors.WithMessagef(err, "natsexec.Run: waiting for the results of %d trials of search %q", len(trials), e.search)
	}
	results := make([]nas.TrialResult, len(trials))
	for i, t := range trials {
		results[i], _ = e.Result(t.ID)
	}
	return results, nil
}

// publish queues one trial for the workers.
func (e *Executor) publish(ctx context.Context, t nas.Trial) error {
	data, err := encodeTrial(t)
	if err != nil {
		return err
	}
	rctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	if _, err := e.js.Publish(rctx, trialsSubject(e.search), data, jetstream.WithMsgID(msgID(e.search, t.ID))); err != nil {
		return errors.Wrapf(err, "publish trial %q", t.ID)
	}
	e.mu.Lock()
	e.published++
	e.mu.Unlock()
	return nil
}

// Result returns the recorded result of the trial with this ID, if there is one.
func (e *Executor) Result(id string) (nas.TrialResult, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r, ok := e.done[id]
	return r, ok
}

// Recorded is how many results of the search the executor has read so far.
func (e *Executor) Recorded() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.done)
}

// Published is how many trials this executor has queued (trials answered from the
// record are not queued).
func (e *Executor) Published() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.published
}

// Close implements nas.Executor: it stops following the results and closes the
// connection (the record and the queued trials stay on the server).
func (e *Executor) Close() error {
	e.cc.Stop()
	e.nc.Close()
	return nil
}
