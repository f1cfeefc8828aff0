package natsexec

import (
	"fmt"
	"net"
	"os"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/pkg/errors"
)

// StartServer starts an embedded NATS server with JetStream on, storing its streams
// under dir (created if missing; a server started again on the same dir finds the
// trials and results it held), listening on 127.0.0.1 only at port (0: a free port
// chosen by the system). It returns the server — stop it with Shutdown — and the URL
// clients connect to (e.g. "nats://127.0.0.1:4222").
func StartServer(dir string, port int) (*server.Server, string, error) {
	return StartSecureServer(dir, port, ServerSecurity{})
}

// StartSecureServer is StartServer whose clients must present what sec requires
// (a user and password or a token; TLS). The URL it returns carries no credentials.
func StartSecureServer(dir string, port int, sec ServerSecurity) (*server.Server, string, error) {
	if dir == "" {
		return nil, "", errors.New("natsexec.StartServer: no store directory given")
	}
	if port < 0 || port > 65535 {
		return nil, "", errors.Errorf("natsexec.StartServer: port %d is not in 0..65535", port)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, "", errors.Wrap(err, "natsexec.StartServer: store directory")
	}
	if port == 0 {
		port = server.RANDOM_PORT
	} else if l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err != nil {
		return nil, "", errors.Wrapf(err, "natsexec.StartServer: port %d", port) // fail now, not after the timeout
	} else {
		_ = l.Close()
	}
	opts := &server.Options{
		ServerName: "gonas",
		Host:       "127.0.0.1",
		Port:       port,
		JetStream:  true,
		StoreDir:   dir,
		NoSigs:     true, // the embedding program handles signals
		NoLog:      true,
	}
	if err := sec.apply(opts); err != nil {
		return nil, "", errors.WithMessage(err, "natsexec.StartServer")
	}
	s, err := server.NewServer(opts)
	if err != nil {
		return nil, "", errors.Wrap(err, "natsexec.StartServer")
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		s.Shutdown()
		return nil, "", errors.Errorf("natsexec.StartServer: the server on 127.0.0.1:%d did not accept connections within 10 s (store %s locked by another server?)", port, dir)
	}
	return s, s.ClientURL(), nil
}
