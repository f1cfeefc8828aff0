// Package natsexec runs multi-trial NAS on NATS JetStream: an Executor (nas.Executor)
// publishes trials to a work queue and waits for their results; Workers, in any number
// of processes on any number of machines, take trials one at a time, train them with a
// nas.TrialRunner and record the results. Trials and results are JSON (nas.Trial and
// nas.TrialResult, NaN and ±Inf metrics kept); a trial carries its architecture, recipe
// and seed, a result its metrics — never model weights.
//
// # Streams
//
// Two JetStream streams, created idempotently by whichever executor or worker comes
// first, serve every search on a server (a search is a name: letters, digits, '-', '_'):
//
//   - GONAS_TRIALS, subjects gonas.trials.<search>: a work queue (WorkQueuePolicy): a
//     trial stays stored until a worker acknowledges it, then it is deleted. Trials are
//     published with the Nats-Msg-Id header "<search>.<trialID>", so a controller that
//     restarts and publishes the same trial again within the duplicate window (10 min)
//     does not queue it twice; a copy queued later is acknowledged without being run by
//     the worker that takes it, since its result is already recorded.
//   - GONAS_RESULTS, subjects gonas.results.<search>.<trialID>: the record of finished
//     trials (limits retention, kept until deleted). MaxMsgsPerSubject=1 with
//     DiscardNewPerSubject makes the first result of a trial the only one: a second
//     worker that finishes the same trial (a redelivery after a slow worker) cannot
//     overwrite it, and the Nats-Msg-Id dedupe makes its publish a no-op. The record is
//     what lets a restarted controller go on: New reads it, and Run answers recorded
//     trials without publishing them.
//
// All workers share one durable pull consumer, "gonas-workers", on GONAS_TRIALS
// (explicit ack, AckWait, MaxDeliver). A worker fetches one trial at a time, sends
// in-progress heartbeats every AckWait/3 while it trains, publishes the result and only
// then acknowledges the trial: a worker killed at any point loses nothing, the trial is
// delivered again to another worker once AckWait has passed.
//
// # Failures
//
// A runner's error decides what happens to its trial (see nas.Refused and
// nas.Environmental). A refused trial (a recipe out of bounds, a child over the
// worker's memory limit, data outside its data roots) is recorded with the reason and
// terminated: no other worker gets it. A failure of the worker's environment (the
// data missing) is not recorded: the trial is handed back (NakWithDelay) for another
// worker, or this one once the cause is fixed; after MaxDeliver deliveries it is
// recorded "not run" with Retry set, and the next executor of the search removes
// that result and queues the trial again. Any other error is the trial's own and is
// recorded once. A worker whose context is cancelled (SIGTERM) cancels its runner,
// stops heartbeating and hands the trial back at once.
//
// # Security
//
// Anyone who can publish to the server can queue trials, so workers check every
// recipe (package nas/multitrial) and the server should not be open to strangers.
// StartSecureServer (gonas nats-server --user/--password, --token, --tls-cert and
// --tls-key) makes clients authenticate and serves TLS. Clients take credentials
// from the URL (nats://USER:PASSWORD@host:port, nats://TOKEN@host:port) or a NATS
// credentials file ($GONAS_NATS_CREDS), and trust a tls:// server's certificate by
// the system's CAs or $GONAS_NATS_CA; messages and logs show the URL redacted.
//
// # Use
//
//	exec, err := natsexec.New(ctx, "nats://host:4222", "nasnet-tiny-s1")
//	results, err := exec.Run(ctx, trials)           // blocks until workers have run them
//
//	w := natsexec.Worker{Runner: runner, Name: "gpu0", AckWait: time.Minute, Log: os.Stderr}
//	err := w.Run(ctx, "nats://host:4222")            // until ctx is cancelled
//
// StartServer runs an embedded NATS server with JetStream (the same server as the
// nats-server binary), for tests and for trying a distributed search on one machine.
package natsexec
