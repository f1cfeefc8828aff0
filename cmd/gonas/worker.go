package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/multitrial"
	"github.com/gonas/gonas/nas/natsexec"
	"github.com/pkg/errors"
)

// runWorker trains the trials of multi-trial searches queued on a NATS JetStream
// server (package nas/natsexec), one at a time, until SIGINT or SIGTERM. A trial it
// is running then is abandoned and handed back to the queue (a second signal kills).
//
//	gonas worker --nats nats://127.0.0.1:4222 --name gpu0 --ack-wait 60s
func runWorker(args []string) error {
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	url := fs.String("nats", "", "NATS server URL, e.g. nats://127.0.0.1:4222 (required; 'gonas nats-server' runs one)")
	name := fs.String("name", "", "this worker's name in results and logs (default <host>-<pid>)")
	ackWait := fs.Duration("ack-wait", natsexec.DefaultAckWait,
		"how long a trial may go without this worker's heartbeat before another worker gets it (shared by all workers: the last one started sets it)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.Errorf("unexpected arguments %q", fs.Args())
	}
	if *url == "" {
		return errors.New("--nats URL is required (e.g. --nats nats://127.0.0.1:4222)")
	}
	if *ackWait <= 0 {
		return errors.Errorf("--ack-wait %v: must be positive", *ackWait)
	}
	backend, err := nas.NewBackend()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // a second signal kills the process
	}()
	w := natsexec.Worker{Runner: multitrial.NewRunner(backend), Name: *name, AckWait: *ackWait, Log: os.Stdout}
	fmt.Fprintf(os.Stderr, "gonas worker: taking trials from %s on backend %s (Ctrl-C stops)\n", *url, backend.Name())
	if err := w.Run(ctx, *url); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "gonas worker %s: stopped\n", w.Name)
	return nil
}
