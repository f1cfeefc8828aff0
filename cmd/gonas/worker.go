package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/gonas/gonas/kernels"
	"github.com/gonas/gonas/nas/backends"
	"github.com/gonas/gonas/nas/multitrial"
	"github.com/gonas/gonas/nas/natsexec"
	"github.com/pkg/errors"
)

// runWorker trains the trials of multi-trial searches queued on a NATS JetStream
// server (package nas/natsexec), one at a time, until SIGINT or SIGTERM. A trial it
// is running then is cancelled within a training step and handed back to the queue
// (a second signal kills). A trial whose recipe is out of bounds, whose child needs
// more than --max-memory, or whose data_path lies outside the data roots is refused
// before anything is allocated, and dropped from the queue with the reason recorded.
//
//	gonas worker --nats nats://127.0.0.1:4222 --name gpu0 --ack-wait 60s --max-memory 16GiB
func runWorker(args []string) error {
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	url := fs.String("nats", "", "NATS server URL, e.g. nats://127.0.0.1:4222 (required; 'gonas nats-server' runs one)")
	name := fs.String("name", "", "this worker's name in results and logs (default <host>-<pid>)")
	ackWait := fs.Duration("ack-wait", natsexec.DefaultAckWait,
		"how long a trial may go without this worker's heartbeat before another worker gets it (shared by all workers: the last one started sets it)")
	maxMemory := fs.String("max-memory", "", "refuse trials whose child is estimated to need more memory to train, e.g. 8GiB (default: this machine's memory)")
	var roots stringList
	fs.Var(&roots, "data-root", "a directory trials may read data from (repeatable; default: the shared data dir and the MNIST dirs); a trial's data_path outside them is refused")
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
	limits := multitrial.Limits{DataRoots: append(multitrial.DefaultDataRoots(), roots...)}
	var err error
	if *maxMemory != "" {
		// One limit for the whole worker: trials estimated above it are refused,
		// and the kernels' pool, graph cache and Go's collector keep under it.
		if err = kernels.SetMaxMemoryString(*maxMemory); err != nil {
			return errors.WithMessage(err, "--max-memory")
		}
		limits.MaxMemory = kernels.MaxMemory()
	} else if limits.MaxMemory = kernels.PhysicalMemory(); limits.MaxMemory <= 0 {
		return errors.New("--max-memory: the machine's memory is unknown here; give a limit")
	}
	for _, r := range roots {
		if st, err := os.Stat(r); err != nil || !st.IsDir() {
			return errors.Errorf("--data-root %s: not a directory", r)
		}
	}
	backend, err := backends.New()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // a second signal kills the process
	}()
	w := natsexec.Worker{Runner: multitrial.NewLimitedRunner(backend, limits), Name: *name, AckWait: *ackWait, Log: os.Stdout}
	fmt.Fprintf(os.Stderr, "gonas worker: taking trials from %s on backend %s, children up to %s, data from %s (Ctrl-C stops)\n",
		natsexec.RedactURL(*url), backend.Name(), kernels.FormatMemory(limits.MaxMemory), strings.Join(limits.DataRoots, ", "))
	if err := w.Run(ctx, *url); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "gonas worker %s: stopped\n", w.Name)
	return nil
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

// Set implements flag.Value.
func (l *stringList) Set(v string) error {
	*l = append(*l, v)
	return nil
}
