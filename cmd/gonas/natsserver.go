package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/gonas/gonas/nas/dirlock"
	"github.com/gonas/gonas/nas/natsexec"
	"github.com/pkg/errors"
)

// runNATSServer runs an embedded NATS server with JetStream on 127.0.0.1 until SIGINT
// or SIGTERM, so a distributed search can be tried on one machine without installing
// nats-server. Its store directory keeps the queued trials and the recorded results
// across restarts; the directory is locked (package nas/dirlock), so a second server
// on it is refused.
//
//	gonas nats-server --dir runs/nats --port 4222
func runNATSServer(args []string) error {
	fs := flag.NewFlagSet("nats-server", flag.ContinueOnError)
	dir := fs.String("dir", "runs/nats", "JetStream store directory (created if missing)")
	port := fs.Int("port", 4222, "port on 127.0.0.1 (0: any free port)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.Errorf("unexpected arguments %q", fs.Args())
	}
	lock, err := dirlock.Acquire(*dir, "gonas nats-server") // two servers on one store lose trials
	if err != nil {
		return err
	}
	defer lock.Release()
	s, url, err := natsexec.StartServer(*dir, *port)
	if err != nil {
		return err
	}
	fmt.Printf("NATS server with JetStream at %s (store %s); Ctrl-C stops it\n", url, *dir)
	fmt.Printf("  workers:  gonas worker --nats %s\n  search:   gonas search --space nasnet --preset tiny --executor %s\n", url, url)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	signal.Stop(sig)
	s.Shutdown()
	s.WaitForShutdown()
	fmt.Println("NATS server stopped")
	return nil
}
