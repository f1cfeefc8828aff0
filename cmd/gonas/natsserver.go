package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/gonas/gonas/nas/dirlock"
	"github.com/gonas/gonas/nas/natsexec"
	"github.com/pkg/errors"
)

// runNATSServer runs an embedded NATS server with JetStream on 127.0.0.1 until SIGINT
// or SIGTERM, so a distributed search can be tried on one machine without installing
// nats-server. Its store directory keeps the queued trials and the recorded results
// across restarts; the directory is locked (package nas/dirlock), so a second server
// on it is refused. --user/--password or --token make clients authenticate, and
// --tls-cert/--tls-key serve TLS (tls:// URLs).
//
//	gonas nats-server --dir runs/nats --port 4222
func runNATSServer(args []string) error {
	fs := flag.NewFlagSet("nats-server", flag.ContinueOnError)
	dir := fs.String("dir", "runs/nats", "JetStream store directory (created if missing)")
	port := fs.Int("port", 4222, "port on 127.0.0.1 (0: any free port)")
	var sec natsexec.ServerSecurity
	fs.StringVar(&sec.User, "user", "", "require this user (with --password); clients connect to nats://USER:PASSWORD@host:port")
	fs.StringVar(&sec.Password, "password", os.Getenv("GONAS_NATS_PASSWORD"), "the user's password (default $GONAS_NATS_PASSWORD, which keeps it out of ps)")
	fs.StringVar(&sec.Token, "token", os.Getenv("GONAS_NATS_TOKEN"), "require this token instead (default $GONAS_NATS_TOKEN); clients connect to nats://TOKEN@host:port")
	fs.StringVar(&sec.TLSCert, "tls-cert", "", "serve TLS with this PEM certificate (with --tls-key); clients connect to tls://host:port, trusting its CA ($"+natsexec.EnvNATSCA+")")
	fs.StringVar(&sec.TLSKey, "tls-key", "", "the PEM key of --tls-cert")
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
	s, url, err := natsexec.StartSecureServer(*dir, *port, sec)
	if err != nil {
		return err
	}
	fmt.Printf("NATS server with JetStream at %s (store %s); Ctrl-C stops it\n", url, *dir)
	client := url
	if scheme, rest, ok := strings.Cut(url, "://"); ok && sec.User != "" {
		client = scheme + "://" + sec.User + ":PASSWORD@" + rest
	} else if ok && sec.Token != "" {
		client = scheme + "://TOKEN@" + rest
	}
	fmt.Printf("  workers:  gonas worker --nats %s\n  search:   gonas search --space nasnet --preset tiny --executor %s\n", client, client)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	signal.Stop(sig)
	s.Shutdown()
	s.WaitForShutdown()
	fmt.Println("NATS server stopped")
	return nil
}
