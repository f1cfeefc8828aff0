package natsexec

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

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

	// Log gets a line when Run has waited WaitNotice without a result, saying
	// whether any worker is taking trials (nil: nothing).
	Log io.Writer
	// WaitNotice is how long Run waits without a result before it writes to Log
	// (default DefaultWaitNotice).
	WaitNotice time.Duration

	mu        sync.Mutex
	done      map[string]nas.TrialResult
	changed   chan struct{} // closed and replaced whenever done grows or the executor stops
	stopped   error         // why the executor can no longer receive results (nil while it can)
	published int
	seen      int  // results read from the stream
	followed  bool // the results recorded before New have been read
	// stale holds the trials whose result recorded before New is an environment
	// failure (TrialResult.Retry), with that result's stream sequence: Run removes
	// the result and queues the trial again.
	stale map[string]uint64
}

// DefaultWaitNotice is how long Run waits without a result before it says so.
const DefaultWaitNotice = 30 * time.Second

// New connects to the NATS server at url (e.g. "nats://127.0.0.1:4222"), creates
// GoNAS's streams if they are missing, and reads the results already recorded for
// search (letters, digits, '-' and '_'; one name per search, stable across restarts).
func New(ctx context.Context, url, search string) (*Executor, error) {
	if err := checkSearch(search); err != nil {
		return nil, errors.WithMessage(err, "natsexec.New")
	}
	e := &Executor{search: search, done: map[string]nas.TrialResult{}, stale: map[string]uint64{}, changed: make(chan struct{})}
	var err error
	e.nc, e.js, err = connect(url, "gonas-executor-"+search, nats.ClosedHandler(func(*nats.Conn) {
		e.stop(errors.Errorf("the connection to NATS at %q is closed", RedactURL(url)))
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
	err = e.wait(ctx, func() bool { return e.seen >= recorded })
	if err != nil {
		e.cc.Stop()
		return errors.WithMessagef(err, "read the %d recorded results", recorded)
	}
	e.mu.Lock()
	e.followed = true
	e.mu.Unlock()
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
	e.seen++
	defer func() {
		close(e.changed)
		e.changed = make(chan struct{})
	}()
	if _, ok := e.done[r.ID]; ok {
		return
	}
	if r.Retry && !e.followed {
		// An environment failure from an earlier run: not an answer, the trial runs again.
		if meta, err := msg.Metadata(); err == nil {
			e.stale[r.ID] = meta.Sequence.Stream
			return
		}
	}
	delete(e.stale, r.ID)
	e.done[r.ID] = r
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
	err := e.waitNoting(ctx, len(trials), func() bool {
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

// publish queues one trial for the workers. A trial whose recorded result is a
// stale environment failure has that result removed first, and is queued under a
// new Nats-Msg-Id so the duplicate window does not swallow it.
func (e *Executor) publish(ctx context.Context, t nas.Trial) error {
	data, err := encodeTrial(t)
	if err != nil {
		return err
	}
	rctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	id := msgID(e.search, t.ID)
	e.mu.Lock()
	staleSeq, isStale := e.stale[t.ID]
	e.mu.Unlock()
	if isStale {
		stream, err := e.js.Stream(rctx, ResultsStream)
		if err == nil {
			err = stream.DeleteMsg(rctx, staleSeq)
		}
		if err != nil && !errors.Is(err, jetstream.ErrMsgNotFound) {
			return errors.Wrapf(err, "remove the environment failure recorded for trial %q", t.ID)
		}
		e.mu.Lock()
		delete(e.stale, t.ID)
		e.mu.Unlock()
		id = fmt.Sprintf("%s.retry%d", id, staleSeq)
	}
	if _, err := e.js.Publish(rctx, trialsSubject(e.search), data, jetstream.WithMsgID(id)); err != nil {
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

// waitNoting is wait for the results of n trials that writes a line to e.Log each
// time WaitNotice passes without a result: whether any worker is taking trials.
func (e *Executor) waitNoting(ctx context.Context, n int, ready func() bool) error {
	if e.Log == nil {
		return e.wait(ctx, ready)
	}
	every := e.WaitNotice
	if every <= 0 {
		every = DefaultWaitNotice
	}
	for {
		wctx, cancel := context.WithTimeout(ctx, every)
		err := e.wait(wctx, ready)
		cancel()
		if err == nil || ctx.Err() != nil || !errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		fmt.Fprintf(e.Log, "waiting for workers: no result in %v (search %s, %d trials asked); %s\n", every, e.search, n, e.workersNow(ctx))
	}
}

// workersNow describes the workers the shared consumer sees.
func (e *Executor) workersNow(ctx context.Context) string {
	rctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	cons, err := e.js.Consumer(rctx, TrialsStream, WorkerConsumer)
	if err != nil {
		return "no worker has connected yet: start one with 'gonas worker --nats URL'"
	}
	info, err := cons.Info(rctx)
	if err != nil {
		return "the workers' state is unknown (" + err.Error() + ")"
	}
	if info.NumAckPending == 0 && info.NumWaiting == 0 {
		return "no worker is taking trials: start one with 'gonas worker --nats URL'"
	}
	return fmt.Sprintf("%d trials being run, %d workers idle", info.NumAckPending, info.NumWaiting)
}
