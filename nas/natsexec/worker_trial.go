package natsexec

// How a worker handles one delivered trial: skip it if recorded, run it with
// heartbeats, record the result, then acknowledge.

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/gonas/gonas/nas"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/pkg/errors"
)

// handle runs one delivered trial and records its result, or hands it back when ctx
// is cancelled first or the worker's environment failed it (nas.Environmental). A
// trial the runner refuses (nas.Refused) is recorded and terminated: it is never
// delivered again. Its error is the worker's (NATS failing), not the trial's.
func (w *Worker) handle(ctx context.Context, q queue, msg jetstream.Msg) error {
	search, err := searchOfSubject(msg.Subject())
	if err == nil {
		var t nas.Trial
		if t, err = decodeTrial(msg.Data()); err == nil {
			return w.handleTrial(ctx, q, msg, search, t)
		}
	}
	// A message no worker can read: drop it for good rather than redeliver it.
	w.logf("worker=%s status=dropped subject=%s error=%q", w.Name, msg.Subject(), err.Error())
	return errors.Wrap(msg.TermWithReason(err.Error()), "drop an unreadable trial")
}

// handleTrial is handle for a readable trial t of search. Recording the result and
// acknowledging the trial happen even when ctx is cancelled meanwhile: finished work
// is not thrown away.
func (w *Worker) handleTrial(ctx context.Context, q queue, msg jetstream.Msg, search string, t nas.Trial) error {
	subject := resultSubject(search, t.ID)
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	ackWait, maxDeliver := w.consumerSettings(rctx, q.cons)
	recorded, err := isRecorded(rctx, q.results, subject)
	if err == nil && recorded {
		w.logf("trial=%s worker=%s status=skip reason=recorded", t.ID, w.Name)
		err = errors.Wrapf(msg.DoubleAck(rctx), "acknowledge recorded trial %q", t.ID)
	}
	cancel()
	if err != nil || recorded {
		return err
	}
	meta, err := msg.Metadata()
	if err != nil {
		return errors.Wrapf(err, "trial %q", t.ID)
	}
	var r nas.TrialResult
	refused := false
	if meta.NumDelivered >= uint64(maxDeliver) {
		r = nas.TrialResult{ID: t.ID, Worker: w.Name, Retry: true, Error: fmt.Sprintf("not run: delivered %d times without a result "+
			"(the workers running it died or stopped, or could not read its data)", meta.NumDelivered)}
	} else {
		w.logf("trial=%s worker=%s status=start delivery=%d", t.ID, w.Name, meta.NumDelivered)
		res, ok, err := w.runTrial(ctx, ackWait, msg, t)
		switch {
		case !ok:
			w.logf("trial=%s worker=%s status=abandoned", t.ID, w.Name)
			_ = msg.Nak() // hand it to another worker now; if the Nak is lost, AckWait does it
			return nil
		case nas.IsEnvironmental(err):
			// This worker cannot run it now (its data missing, say): another worker, or
			// this one once the cause is fixed, will. Nothing is recorded; after
			// MaxDeliver deliveries it is recorded "not run", to be retried on resume.
			w.logf("trial=%s worker=%s status=retry delivery=%d error=%q", t.ID, w.Name, meta.NumDelivered, err.Error())
			_ = msg.NakWithDelay(w.RetryDelay)
			return nil
		}
		r, refused = res, nas.IsRefused(err)
	}
	rctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	if err := record(rctx, q, subject, resultMsgID(search, t.ID, meta), r); err != nil {
		return err
	}
	if refused {
		// It fails the same way on every worker: drop it for good, whatever the
		// delivery limit (its result, recorded above, gives the reason).
		if err := msg.TermWithReason(r.Error); err != nil {
			return errors.Wrapf(err, "drop refused trial %q", t.ID)
		}
	} else if err := msg.DoubleAck(rctx); err != nil {
		return errors.Wrapf(err, "acknowledge trial %q", t.ID)
	}
	w.logf("%s", resultLine(r))
	return nil
}

// msgKey identifies one queued copy of a trial (its stream sequence).
func msgKey(meta *jetstream.MsgMetadata) uint64 { return meta.Sequence.Stream }

// resultMsgID is the Nats-Msg-Id of the result of one queued copy of a trial: two
// workers that finish the same copy store one result, while a copy queued again
// after its old result was removed (Executor.Run retrying an environment failure)
// is not mistaken for a duplicate.
func resultMsgID(search, trialID string, meta *jetstream.MsgMetadata) string {
	return fmt.Sprintf("%s.%d", msgID(search, trialID), msgKey(meta))
}

// consumerSettings are the shared consumer's AckWait and MaxDeliver now — a worker
// started later may have changed them — or the worker's own when the server does not
// answer.
func (w *Worker) consumerSettings(ctx context.Context, cons jetstream.Consumer) (ackWait time.Duration, maxDeliver int) {
	ackWait, maxDeliver = w.AckWait, w.MaxDeliver
	if info, err := cons.Info(ctx); err == nil {
		if info.Config.AckWait > 0 {
			ackWait = min(ackWait, info.Config.AckWait) // heartbeat often enough for both
		}
		if info.Config.MaxDeliver > 0 {
			maxDeliver = info.Config.MaxDeliver
		}
	}
	return ackWait, maxDeliver
}

// runTrial runs t, heartbeating msg every ackWait/3 so it is not redelivered, and
// returns its result and the runner's error. ok is false when ctx was cancelled and
// the runner failed: the trial is abandoned, not failed. Heartbeats stop when the
// runner returns or ctx is cancelled.
func (w *Worker) runTrial(ctx context.Context, ackWait time.Duration, msg jetstream.Msg, t nas.Trial) (r nas.TrialResult, ok bool, err error) {
	hctx, stopBeats := context.WithCancel(ctx)
	beating := make(chan struct{})
	go func() {
		defer close(beating)
		// A first heartbeat as the trial starts: the checks since the fetch (the
		// consumer's settings, the record) took part of the AckWait already.
		_ = msg.InProgress()
		tick := time.NewTicker(max(ackWait/3, 10*time.Millisecond))
		defer tick.Stop()
		for {
			select {
			case <-hctx.Done(): // the trial ended, or the worker is stopping (or dead)
				return
			case <-tick.C:
				_ = msg.InProgress() // a lost heartbeat costs at most a redelivery
			}
		}
	}()
	start := time.Now()
	metrics, err := runSafely(ctx, w.Runner, t)
	stopBeats()
	<-beating
	r = nas.TrialResult{ID: t.ID, Metrics: metrics, Worker: w.Name, Seconds: time.Since(start).Seconds()}
	if err != nil {
		if ctx.Err() != nil {
			return r, false, err
		}
		r.Error, r.Retry = err.Error(), nas.IsEnvironmental(err)
	}
	return r, true, err
}

// runSafely calls runner, turning a panic into the trial's error: a trial that panics
// would panic on every worker, so it is recorded as failed rather than redelivered.
func runSafely(ctx context.Context, runner nas.TrialRunner, t nas.Trial) (metrics map[string]float64, err error) {
	defer func() {
		if p := recover(); p != nil {
			metrics, err = nil, errors.Errorf("the runner panicked: %v", p)
		}
	}()
	return runner(ctx, t)
}

// isRecorded tells whether the results stream holds a result on subject.
func isRecorded(ctx context.Context, results jetstream.Stream, subject string) (bool, error) {
	_, err := results.GetLastMsgForSubject(ctx, subject)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, jetstream.ErrMsgNotFound):
		return false, nil
	default:
		return false, errors.Wrapf(err, "look up %s", subject)
	}
}

// record publishes r on subject; a result already there (another worker finished the
// trial first) is kept and this one dropped.
func record(ctx context.Context, q queue, subject, id string, r nas.TrialResult) error {
	data, err := encodeResult(r)
	if err != nil {
		return err
	}
	_, err = q.js.Publish(ctx, subject, data, jetstream.WithMsgID(id))
	if err == nil {
		return nil // stored, or a duplicate of a result stored within the dedupe window
	}
	if recorded, lerr := isRecorded(ctx, q.results, subject); lerr == nil && recorded {
		return nil // the per-subject limit refused a second result
	}
	return errors.Wrapf(err, "record the result of trial %q", r.ID)
}

// resultLine is the log line of a finished trial: its metrics, sorted by name.
func resultLine(r nas.TrialResult) string {
	var b strings.Builder
	status := "done"
	if r.Error != "" {
		status = "failed"
	}
	fmt.Fprintf(&b, "trial=%s worker=%s status=%s", r.ID, r.Worker, status)
	names := make([]string, 0, len(r.Metrics))
	for name := range r.Metrics {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(&b, " %s=%.4g", name, r.Metrics[name])
	}
	fmt.Fprintf(&b, " seconds=%.1f", r.Seconds)
	if r.Error != "" {
		fmt.Fprintf(&b, " error=%q", r.Error)
	}
	return b.String()
}
